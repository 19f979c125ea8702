"""Which provinces have not delivered a month in full, read from marts.fct_delivery_status.

Used by the Dagster check `every_province_delivered` (a warning in the UI, naming the
provinces) and by `sapnhap check`.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Missing:
    report_month: date
    province_code: str
    province_name: str
    status: str
    status_vi: str
    headcount: int
    reference_headcount: int | None
    rejected_files: str | None


def missing_deliveries(con) -> list[Missing]:
    """Every expected (province, month) that is not delivered in full, latest month first."""
    rows = con.execute("""
        select report_month, province_code, province_name, delivery_status, delivery_status_vi,
               headcount, reference_headcount, rejected_files
        from marts.fct_delivery_status
        where is_expected and not is_complete
        order by report_month desc, province_code
    """).fetchall()
    return [Missing(*r) for r in rows]


def latest_month(con) -> date | None:
    return con.execute("select max(report_month) from marts.fct_delivery_status").fetchone()[0]


def describe(m: Missing) -> str:
    """'08/2026 33 Tỉnh Hưng Yên: gửi thiếu (incomplete), 6,246 of usually 10,339 persons'."""
    text = f"{m.report_month:%m/%Y} {m.province_code} {m.province_name}: {m.status_vi.lower()} ({m.status})"
    if m.status == "incomplete" and m.reference_headcount:
        text += f", {m.headcount:,} of usually {m.reference_headcount:,} persons"
    if m.rejected_files:
        text += f", rejected: {m.rejected_files}"
    return text


def markdown(missing: list[Missing]) -> str:
    if not missing:
        return "Every province delivered every month in full."
    lines = ["| tháng / month | tỉnh / province | tình trạng / status | người / persons | tệp bị từ chối / rejected |",
             "|---|---|---|---|---|"]
    for m in missing:
        persons = f"{m.headcount:,}" + (f" / {m.reference_headcount:,}" if m.reference_headcount else "")
        lines.append(f"| {m.report_month:%m/%Y} | {m.province_code} {m.province_name} | {m.status_vi} ({m.status}) "
                     f"| {persons} | {m.rejected_files or ''} |")
    return "\n".join(lines)
