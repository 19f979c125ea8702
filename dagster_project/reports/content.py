"""What the monthly report says: the `rpt_report_*` marts laid out as an official form.

One national report and one per province with a roster, for one report month. Every figure
is read from a `marts.rpt_report_*` model (dbt/models/marts/report/), which computes it as of
the report month; this module only selects rows, picks columns and words the text around
them. Nothing here adds up, so the workbook, the page and an analyst's query of the marts
can never disagree.

The sheets (biểu), numbered as the form they are:

01 Tổng hợp, 02 Biểu đồ, 03 Cân đối biên chế, 04 Chi tiết đơn vị (a province only),
05 Lộ trình nghỉ hưu, 06 Thực hiện NĐ 178-67, 07 Kiểm tra chi trả, 08 Đối tượng còn công
tác, 09 Rà soát, phân loại, 10 Chất lượng dữ liệu, 11 Lý do cách ly (ends with the signatures).
"""

from datetime import date

from dagster_project.reports.model import (
    DATE,
    DETAIL,
    GROUP,
    INTEGER,
    MILLION,
    MONEY,
    MONTH,
    SECTION,
    SUBTOTAL,
    TEXT,
    TOTAL,
    Chart,
    Col,
    Report,
    Row,
    Series,
    Sheet,
    Table,
)

NATION = "VN"
FORM = "BC-SN"  # báo cáo sáp nhập: the form family of this report
SURPLUS_COLOR, SHORTAGE_COLOR = "#E46C0A", "#1F5FA8"
FLAGGED_PROVINCES_SHOWN = 6  # above this, the header gives the range of cut-off dates


def form_no(n: str) -> str:
    return f"{n}/{FORM}"


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _dicts(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _vn(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def report_scopes(con, month: date) -> list[dict]:
    """The reports of the month: the nation first, then each province (rpt_report_scope)."""
    return _dicts(con, """
        select * from marts.rpt_report_scope where report_month = ?
        order by scope_code = 'VN' desc, scope_code
    """, [month])


def latest_month(con) -> date | None:
    return con.execute("select max(report_month) from marts.rpt_report_scope").fetchone()[0]


# --- What the reader must know first ---------------------------------------------------


def delivery_warnings(con, month: date, scope: dict) -> list[str]:
    """The provinces whose roster of the month is not delivered in full (the month is then
    provisional), and, for the nation, how many provinces the data covers."""
    code = scope["scope_code"]
    missing = _dicts(con, """
        select * from marts.rpt_report_delivery
        where report_month = ? and scope_code = ? and not is_complete
        order by province_code
    """, [month, code])
    warnings = []
    if missing:
        parts = []
        for m in missing:
            detail = m["delivery_status_vi"].lower()
            if m["delivery_status"] == "incomplete" and m["reference_headcount"]:
                detail += f": {_vn(m['headcount'])}/{_vn(m['reference_headcount'])} người so với các tháng khác"
            parts.append(f"{m['province_code']} {m['province_name']} ({detail})")
        who = f"{len(missing)} tỉnh" if code == NATION else "tỉnh"
        warnings.append(
            f"SỐ LIỆU TẠM TÍNH: tháng {month:%m/%Y} thiếu dữ liệu của {who}: {'; '.join(parts)}. "
            "Cân đối biên chế và lộ trình không tính các tỉnh này (không phải thiếu biên chế); "
            "người của các tỉnh này không được tính là đã nghỉ việc. Báo cáo sẽ được lập lại khi "
            "nhận đủ dữ liệu. (Provisional: provinces missing from the month are left out of the "
            "staffing balance and their staff are not counted as leavers.)")
    if code == NATION and scope["n_provinces_expected"] < scope["n_provinces"]:
        covered, total = scope["n_provinces_expected"], scope["n_provinces"]
        warnings.append(f"Dữ liệu gồm {covered}/{total} tỉnh, thành phố; {total - covered} tỉnh "
                        "chưa gửi dữ liệu nhân sự lần nào và không có trong báo cáo. "
                        f"(The data covers {covered} of {total} provinces.)")
    return warnings


def cutoff_text(con, month: date, scope: dict) -> str:
    """The data cut-off: the date of the roster each province's month uses."""
    rows = _dicts(con, """
        select * from marts.rpt_report_delivery where report_month = ? and scope_code = ?
        order by province_code
    """, [month, scope["scope_code"]])

    def one(r: dict) -> str:
        if r["is_complete"]:
            return f"{r['snapshot_date']:%d/%m/%Y}"
        if r["snapshot_date"]:
            return f"{r['snapshot_date']:%d/%m/%Y} ({r['delivery_status_vi'].lower()})"
        return r["delivery_status_vi"].lower()

    if scope["scope_code"] != NATION:
        return f"Số liệu nhân sự theo danh sách ngày {one(rows[0])} của tỉnh." if rows else ""
    if len(rows) <= FLAGGED_PROVINCES_SHOWN:
        return "Ngày chốt danh sách nhân sự: " + "; ".join(
            f"{r['province_code']} {r['province_name']}: {one(r)}" for r in rows) + "."
    first, last = scope["first_snapshot_date"], scope["last_snapshot_date"]
    span = f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}" if first else "chưa có"
    return (f"Ngày chốt danh sách nhân sự của các tỉnh đã gửi đủ: {span}; ngày của từng tỉnh "
            f"tại Biểu {form_no('03')}.")


# --- 01 Tổng hợp -----------------------------------------------------------------------


def summary_sheet(con, month: date, code: str) -> Sheet:
    lines = _dicts(con, """
        select * from marts.rpt_report_summary where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    rows = [Row((r["line_code"], r["label_vi"], r["unit_vi"], r["persons"], r["amount_million_vnd"],
                 r["note_vi"], r["label_en"]),
                SECTION if r["row_kind"] == "section" else DETAIL) for r in lines]
    table = Table(
        key="summary",
        columns=[Col("line_code", "Mã số", "Code", TEXT, width=7),
                 Col("label_vi", "Chỉ tiêu", "Indicator", TEXT, width=62),
                 Col("unit_vi", "Đơn vị tính", "Unit", TEXT, width=10),
                 Col("persons", "Số lượng", "Count", INTEGER, width=13),
                 Col("amount_million_vnd", "Số tiền (triệu đồng)", "Amount (million VND)", MILLION, width=17),
                 Col("note_vi", "Ghi chú", "Note", TEXT, width=30),
                 Col("label_en", "Chỉ tiêu (tiếng Anh)", "Indicator (English)", TEXT, width=44)],
        rows=rows,
    )
    return Sheet(
        name="Tổng hợp", form_no=form_no("01"),
        title_vi="BÁO CÁO TỔNG HỢP TÌNH HÌNH SẮP XẾP TỔ CHỨC BỘ MÁY, BIÊN CHẾ VÀ THỰC HIỆN CHÍNH SÁCH NGHỈ VIỆC",
        title_en="Summary: staffing after the merger, leavers and Decree 178/67 payments",
        unit_vi="Đơn vị tính: theo cột Đơn vị tính; số tiền: triệu đồng",
        tables=[table],
        notes_vi=["Cân đối biên chế (A) và lộ trình (F) chỉ tính các tỉnh đã gửi đủ danh sách tháng; biến động "
                  "nhân sự (B) và đối tượng còn công tác (E) theo danh sách tháng của từng tỉnh; chính sách (C) "
                  "và kiểm tra chi trả (D) lũy kế đến hết ngày cuối tháng (khoản chi tính từ ngày chi)."],
    )


def summary_figures(con, month: date, code: str) -> dict[str, tuple[str, int | None, int | None]]:
    """Line code -> (label, count, amount in đồng) of the summary: what a restatement compares."""
    return {r[0]: (r[1], r[2], r[3]) for r in _rows(con, """
        select line_code, label_vi, persons, amount_vnd from marts.rpt_report_summary
        where report_month = ? and scope_code = ? and row_kind = 'line' order by row_order
    """, [month, code])}


def changes_table(report: Report) -> Table:
    """What changed against the pack issued before (a restated report)."""
    def million(vnd):
        return None if vnd is None else vnd / 1_000_000

    return Table(
        key="changes",
        title_vi=f"BÁO CÁO ĐIỀU CHỈNH: các chỉ tiêu thay đổi so với báo cáo tháng {report.month:%m/%Y} đã lập",
        title_en="Restated report: lines changed from the report issued before",
        columns=[Col("line_code", "Mã số", "Code", TEXT),
                 Col("label_vi", "Chỉ tiêu", "Indicator", TEXT),
                 Col("persons_before", "Số lượng đã báo cáo", "Count reported", INTEGER),
                 Col("persons_now", "Số lượng điều chỉnh", "Count restated", INTEGER),
                 Col("amount_before", "Số tiền đã báo cáo (triệu đồng)", "Amount reported (million VND)", MILLION),
                 Col("amount_now", "Số tiền điều chỉnh (triệu đồng)", "Amount restated (million VND)", MILLION)],
        rows=[Row((c.line_code, c.label_vi, c.persons_before, c.persons_now,
                   million(c.amount_before_vnd), million(c.amount_now_vnd))) for c in report.changes or []],
    )


# --- 02 Biểu đồ ------------------------------------------------------------------------


def _nice_floor(value: float) -> float:
    """A round number at or below `value` (for an axis that starts near the data)."""
    if value <= 0:
        return 0.0
    step = 10 ** max(len(str(int(value))) - 2, 0)
    return float(int(value // step) * step)


def charts_sheet(con, month: date, code: str, glide: Table) -> Sheet:
    is_nation = code == NATION
    if is_nation:
        balance_rows = _dicts(con, """
            select * from marts.rpt_report_balance
            where report_month = ? and scope_code = ? and row_kind = 'detail' order by row_order
        """, [month, code])
        balance_title = f"Dôi dư (+) / thiếu (−) biên chế theo tỉnh, tháng {month:%m/%Y}"
        category_vi = "Tỉnh, thành phố"
    else:
        balance_rows = _dicts(con, """
            select * from marts.rpt_report_balance
            where report_month = ? and scope_code = ? and row_kind = 'detail' and group_code = 'II'
              and (surplus_rank <= 15 or shortage_rank <= 15)
            order by row_order
        """, [month, code])
        balance_title = (f"15 xã, phường dôi dư nhiều nhất và 15 xã, phường thiếu nhiều nhất, "
                         f"tháng {month:%m/%Y}")
        category_vi = "Xã, phường, đặc khu"
    balance = Table(
        key="chart_balance",
        title_vi=f"Số liệu biểu đồ 1: {balance_title}",
        title_en="Chart 1 data: surplus and shortage",
        columns=[Col("label", category_vi, "Province" if is_nation else "Commune", TEXT, width=44),
                 Col("surplus_positive", "Dôi dư", "Surplus", INTEGER, width=18),
                 Col("surplus_negative", "Thiếu", "Shortage", INTEGER, width=18)],
        rows=[Row((r["row_label_vi"], r["surplus_positive"] or None, r["surplus_negative"] or None))
              for r in balance_rows],
        note_vi=("Tỉnh chưa gửi đủ số liệu tháng: không có cột (không phải thiếu biên chế)." if is_nation else
                 "Dôi dư, thiếu của mỗi xã là tổng của các cơ quan ở xã; đầy đủ các xã tại Biểu 03."),
    )
    money_rows = _dicts(con, """
        select * from marts.rpt_report_settlement
        where report_month = ? and scope_code = ? and row_kind = 'detail' order by row_order
    """, [month, code])
    money = Table(
        key="chart_money",
        title_vi="Số liệu biểu đồ 2 và 3: nghỉ việc, chi trả và tồn đọng theo tháng",
        title_en="Charts 2 and 3 data: leavers, payments and outstanding by month",
        columns=[Col("month", "Tháng", "Month", MONTH, width=44),
                 Col("n_left", "Số người nghỉ", "Left", INTEGER, width=18),
                 Col("n_paid", "Số người được chi", "Paid (persons)", INTEGER, width=18),
                 Col("paid_million_vnd", "Đã chi (triệu đồng)", "Paid (million VND)", MILLION, width=20),
                 Col("outstanding_million_vnd", "Tồn đọng cuối tháng (triệu đồng)", "Outstanding (million VND)",
                     MILLION, width=22)],
        rows=[Row((r["month"], r["n_left"], r["n_paid"], r["paid_million_vnd"], r["outstanding_million_vnd"]))
              for r in money_rows],
    )
    charts = []
    glide_values = [v for name in ("projected_headcount_in_quota", "staffing_quota")
                    for v in glide.values(name) if v is not None]
    if glide_values:
        close = [r for r in glide.rows if r.kind == DETAIL and r.values[glide.column_index("note")]]
        label = f"{close[0].values[-1]}: tháng {close[0].values[0]:%m/%Y}" if close else ""
        charts.append(Chart(
            "line", "Lộ trình: cán bộ, công chức dự kiến (chỉ nghỉ hưu đúng tuổi) so với biên chế được giao",
            "glide", "projection_month",
            (Series("projected_headcount_in_quota", "CB, CC dự kiến", SURPLUS_COLOR),
             Series("staffing_quota", "Biên chế được giao", SHORTAGE_COLOR)),
            y_title_vi="người", y_min=_nice_floor(min(glide_values) * 0.98),
            highlight="note", highlight_label_vi=label,
            note_vi=(label + "." if close else "Dôi dư chưa hết trong thời gian dự báo nếu chỉ chờ nghỉ hưu.")
            + f" Số liệu tại Biểu {form_no('05')}."))
    charts += [
        Chart("bar", balance_title, "chart_balance", "label",
              (Series("surplus_positive", "Dôi dư", SURPLUS_COLOR),
               Series("surplus_negative", "Thiếu", SHORTAGE_COLOR)),
              y_title_vi="người", stacked=True, labels=True),
        Chart("column", "Số người nghỉ việc và số người được chi trả theo tháng", "chart_money", "month",
              (Series("n_left", "Số người nghỉ", "#7F7F7F"), Series("n_paid", "Số người được chi", "#2E8B57")),
              y_title_vi="người"),
        Chart("column", "Số tiền đã chi trong tháng và số tiền còn tồn đọng cuối tháng", "chart_money", "month",
              (Series("paid_million_vnd", "Đã chi trong tháng", "#2E8B57"),
               Series("outstanding_million_vnd", "Tồn đọng cuối tháng", "#C00000", kind="line")),
              y_title_vi="triệu đồng"),
    ]
    return Sheet(
        name="Biểu đồ", form_no=form_no("02"),
        title_vi="BIỂU ĐỒ: CÂN ĐỐI BIÊN CHẾ, NGHỈ VIỆC, CHI TRẢ VÀ LỘ TRÌNH NGHỈ HƯU",
        title_en="Charts: staffing balance, leavers, payments and the glide path",
        unit_vi="Đơn vị tính: người; số tiền: triệu đồng",
        tables=[balance, money], charts=charts,
    )


# --- 03 Cân đối biên chế ---------------------------------------------------------------

BALANCE_FIGURES = [
    Col("n_units", "Số cơ quan, đơn vị", "Agencies", INTEGER, width=10),
    Col("headcount", "Tổng số người", "Headcount", INTEGER, width=10),
    Col("headcount_in_quota", "CB, CC ở cơ quan được giao biên chế", "Cadres and civil servants (agencies with a quota)",
        INTEGER, width=13),
    Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER, width=11),
    Col("surplus", "Dôi dư (+) / thiếu (−)", "Surplus (+) / shortage (−)", INTEGER, width=11),
    Col("norm_posts", "Khung theo quy mô dân số (cấp xã)", "Framework norm (communes)", INTEGER, width=12),
    Col("leaders_with_allowance", "Lãnh đạo CQ hành chính cấp xã", "Leaders (commune government)", INTEGER, width=12),
    Col("leaders_allowed", "Lãnh đạo tối đa theo quy định", "Leaders allowed", INTEGER, width=12),
    Col("leaders_over", "Số lãnh đạo vượt quy định", "Leaders over the allowance", INTEGER, width=11),
]
ROW_KINDS = {"detail": DETAIL, "group": GROUP, "subtotal": SUBTOTAL, "province_total": SUBTOTAL,
             "total": TOTAL, "section": SECTION}


def _figures(r: dict) -> tuple:
    return tuple(r[c.name] for c in BALANCE_FIGURES)


def _leaders_mark(r: dict) -> frozenset:
    return frozenset({"leaders_with_allowance", "leaders_over"}) if r["is_leaders_over"] else frozenset()


def balance_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_balance where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    if code == NATION:
        columns = [Col("row_code", "Mã tỉnh", "Province code", TEXT, width=7),
                   Col("row_label_vi", "Tỉnh, thành phố", "Province", TEXT, width=30),
                   Col("delivery_status_vi", "Số liệu tháng", "Month's data", TEXT, width=12),
                   Col("snapshot_date", "Ngày chốt danh sách", "Roster date", DATE, width=12),
                   *BALANCE_FIGURES]
        table_rows = [Row((r["row_code"] if r["row_kind"] == "detail" else "", r["row_label_vi"],
                           r["delivery_status_vi"], r["snapshot_date"], *_figures(r)),
                          ROW_KINDS[r["row_kind"]], _leaders_mark(r)) for r in rows]
        title = "CÂN ĐỐI BIÊN CHẾ THEO TỈNH, THÀNH PHỐ"
        note = ("Dôi dư = cán bộ, công chức ở các cơ quan được giao biên chế − biên chế được giao. Tỉnh chưa gửi "
                "đủ số liệu tháng: để trống, không tính vào tổng (không phải thiếu biên chế). Lãnh đạo so với "
                "định mức ở các cơ quan hành chính cấp xã; ô tô đỏ: có cơ quan vượt số lãnh đạo tối đa.")
    else:
        columns = [Col("row_code", "Mã", "Code", TEXT, width=17),
                   Col("row_label_vi", "Cơ quan, đơn vị cấp tỉnh; đơn vị hành chính cấp xã", "Agency; commune",
                       TEXT, width=44),
                   *BALANCE_FIGURES]
        table_rows = [Row((r["row_code"] if r["row_kind"] == "detail" else "", r["row_label_vi"], *_figures(r)),
                          ROW_KINDS[r["row_kind"]], _leaders_mark(r)) for r in rows]
        title = "CÂN ĐỐI BIÊN CHẾ THEO CƠ QUAN CẤP TỈNH VÀ THEO XÃ, PHƯỜNG, ĐẶC KHU"
        note = ("Mỗi xã, phường, đặc khu là tổng các cơ quan của xã (chi tiết từng cơ quan tại Biểu "
                f"{form_no('04')}); khung theo quy mô dân số tính cho cơ quan hành chính cấp xã. Ô tô đỏ: có cơ "
                "quan vượt số lãnh đạo tối đa theo quy định.")
    return Sheet(
        name="Cân đối biên chế", form_no=form_no("03"), title_vi=title,
        title_en="Staffing balance against the quota",
        unit_vi="Đơn vị tính: người", tables=[Table("balance", columns, table_rows)], notes_vi=[note],
    )


# --- 04 Chi tiết đơn vị (a province) ----------------------------------------------------


def units_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_units where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    columns = [Col("unit_code", "Mã cơ quan", "Agency code", TEXT, width=17),
               Col("unit_name", "Tên cơ quan, đơn vị", "Agency", TEXT, width=46),
               Col("level_vi", "Cấp", "Level", TEXT, width=8),
               Col("unit_kind_vi", "Loại", "Kind", TEXT, width=18),
               Col("commune_name", "Xã, phường, đặc khu", "Commune", TEXT, width=18),
               Col("headcount", "Tổng số người", "Headcount", INTEGER, width=9),
               Col("headcount_cadre", "Cán bộ", "Cadres", INTEGER, width=8),
               Col("headcount_civil_servant", "Công chức", "Civil servants", INTEGER, width=9),
               Col("headcount_public_employee", "Viên chức", "Public employees", INTEGER, width=9),
               Col("headcount_contract_worker", "Hợp đồng lao động", "Contract workers", INTEGER, width=9),
               Col("headcount_commune_part_time", "Không chuyên trách", "Commune part-time", INTEGER, width=10),
               Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER, width=9),
               Col("surplus", "Dôi dư (+) / thiếu (−)", "Surplus", INTEGER, width=9),
               Col("leaders", "Lãnh đạo", "Leaders", INTEGER, width=8),
               Col("leaders_allowed", "Lãnh đạo tối đa", "Leaders allowed", INTEGER, width=8),
               Col("leaders_over", "Vượt", "Over", INTEGER, width=7)]
    table_rows = [Row(tuple(r[c.name] for c in columns), ROW_KINDS[r["row_kind"]],
                      frozenset({"leaders", "leaders_over"}) if r["is_leaders_over"] else frozenset())
                  for r in rows]
    return Sheet(
        name="Chi tiết đơn vị", form_no=form_no("04"),
        title_vi="CHI TIẾT CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC VÀ LÃNH ĐẠO THEO TỪNG CƠ QUAN, ĐƠN VỊ",
        title_en="Every agency: staff by category, quota and leaders",
        unit_vi="Đơn vị tính: người", tables=[Table("units", columns, table_rows)],
        notes_vi=["Ô tô đỏ: cơ quan có số lãnh đạo vượt số tối đa theo quy định (Nghị quyết 332/NQ-CP: bình quân "
                  "3 lãnh đạo mỗi cơ quan hành chính cấp xã)."],
    )


# --- 05 Lộ trình nghỉ hưu --------------------------------------------------------------


def glide_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_glide_path where report_month = ? and scope_code = ?
        order by projection_month
    """, [month, code])
    retired = _rows(con, """
        select persons from marts.rpt_report_summary
        where report_month = ? and scope_code = ? and line_code = 'F02'
    """, [month, code])
    columns = [Col("projection_month", "Tháng", "Month", MONTH, width=10),
               Col("projected_headcount_in_quota", "CB, CC dự kiến còn công tác", "Projected in quota", INTEGER,
                   width=14),
               Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER, width=12),
               Col("projected_surplus", "Dôi dư (+) / thiếu (−) dự kiến", "Projected surplus", INTEGER, width=14),
               Col("retirements_in_month", "Nghỉ hưu đúng tuổi trong tháng", "Retirements in the month", INTEGER,
                   width=14),
               Col("note", "Ghi chú", "Note", TEXT, width=22)]
    table_rows = [Row((r["projection_month"], r["projected_headcount_in_quota"], r["staffing_quota"],
                       r["projected_surplus"], r["retirements_in_month"],
                       "Hết dôi dư" if r["is_close_month"] and r["projection_month"] > month else
                       ("Không dôi dư" if r["is_close_month"] else "")))
                  for r in rows]
    if rows:
        table_rows.append(Row(("Cộng", None, None, None, retired[0][0] if retired else None,
                               f"đến tháng {rows[-1]['projection_month']:%m/%Y}"), TOTAL))
    note = ("Dự báo từ danh sách tháng báo cáo, chỉ tính nghỉ hưu đúng tuổi (Nghị định 135/2020; Phụ lục II cho người "
            "có từ 15 năm làm nghề nặng nhọc, độc hại), cán bộ, công chức ở các cơ quan được giao biên chế.")
    if not rows:
        note = ("Không lập lộ trình: tỉnh chưa gửi đủ danh sách tháng (dự báo trên danh sách thiếu sẽ sai). "
                + note)
    return Sheet(
        name="Lộ trình nghỉ hưu", form_no=form_no("05"),
        title_vi="LỘ TRÌNH GIẢM DÔI DƯ THEO NGHỈ HƯU ĐÚNG TUỔI",
        title_en="Retirement glide path against the quota",
        unit_vi="Đơn vị tính: người", tables=[Table("glide", columns, table_rows)], notes_vi=[note],
    )


# --- 06 Thực hiện NĐ 178/67 ------------------------------------------------------------


def settlement_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_settlement where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    columns = [Col("month", "Tháng", "Month", MONTH, width=12),
               Col("n_decided", "Số quyết định ban hành", "Decisions", INTEGER, width=11),
               Col("n_left", "Số người nghỉ việc", "Left", INTEGER, width=10),
               Col("due_vnd", "Kinh phí theo quy định của người nghỉ (đồng)", "Due for leavers (VND)", MONEY, width=19),
               Col("n_paid", "Số người được chi", "Paid (persons)", INTEGER, width=10),
               Col("paid_vnd", "Số tiền đã chi (đồng)", "Paid (VND)", MONEY, width=19),
               Col("overpaid_vnd", "Chi thừa (đồng)", "Overpaid (VND)", MONEY, width=15),
               Col("underpaid_vnd", "Chi thiếu (đồng)", "Underpaid (VND)", MONEY, width=15),
               Col("paid_ineligible_vnd", "Chi cho trường hợp không đủ điều kiện (đồng)", "Paid, ineligible (VND)",
                   MONEY, width=17),
               Col("n_outstanding", "Tồn đọng cuối tháng (người)", "Outstanding (persons)", INTEGER, width=11),
               Col("outstanding_vnd", "Tồn đọng cuối tháng (đồng)", "Outstanding (VND)", MONEY, width=19)]
    table_rows = []
    for r in rows:
        values = tuple(r[c.name] for c in columns)
        if r["row_kind"] == "total":
            values = (f"Lũy kế đến {month:%m/%Y}",) + values[1:]
        table_rows.append(Row(values, ROW_KINDS[r["row_kind"]]))
    return Sheet(
        name="Thực hiện NĐ 178-67", form_no=form_no("06"),
        title_vi="TÌNH HÌNH THỰC HIỆN CHÍNH SÁCH NGHỈ VIỆC THEO NGHỊ ĐỊNH 178/2024, 67/2025 VÀ 154/2025 THEO THÁNG",
        title_en="Decree 178/67 and 154 settlement by month",
        unit_vi="Đơn vị tính: người; số tiền: đồng", tables=[Table("settlement", columns, table_rows)],
        notes_vi=["Tồn đọng: người đã nghỉ, đủ điều kiện, chưa được chi đến cuối tháng; dòng lũy kế: tồn đọng cuối "
                  "tháng báo cáo. Khoản chi tính vào tháng của ngày chi."],
    )


# --- 07 Kiểm tra chi trả ---------------------------------------------------------------


def audit_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_audit_detail where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    columns = [Col("province_name", "Tỉnh, thành phố", "Province", TEXT, width=16),
               Col("finding_vi", "Kết quả kiểm tra", "Finding", TEXT, width=24),
               Col("row_label_vi", "Số quyết định", "Decision", TEXT, width=20),
               Col("person_key", "Mã người (ẩn danh)", "Person key", TEXT, width=25),
               Col("decree", "Nghị định", "Decree", TEXT, width=8),
               Col("policy_vi", "Chế độ", "Policy", TEXT, width=24),
               Col("leave_date", "Ngày nghỉ", "Leave date", DATE, width=11),
               Col("paid_date", "Ngày chi", "Paid on", DATE, width=11),
               Col("failed_rule_vi", "Điều kiện không đạt", "Rule failed", TEXT, width=26),
               Col("n_decisions", "Số trường hợp", "Cases", INTEGER, width=9),
               Col("total_vnd", "Số tiền theo quy định (đồng)", "Computed (VND)", MONEY, width=16),
               Col("amount_paid_vnd", "Số tiền đã chi (đồng)", "Paid (VND)", MONEY, width=16),
               Col("finding_amount_vnd", "Số tiền chi thừa, chi thiếu, chi sai hoặc còn phải chi (đồng)",
                   "Amount at issue (VND)", MONEY, width=18)]
    if code != NATION:
        columns = columns[1:]
    table_rows = []
    for r in rows:
        values = dict(r)
        if r["row_kind"] == "detail":
            values["n_decisions"] = None
        else:
            values["finding_vi"] = values["finding_vi"] if r["row_kind"] == "subtotal" else None
        table_rows.append(Row(tuple(values[c.name] for c in columns), ROW_KINDS[r["row_kind"]]))
    return Sheet(
        name="Kiểm tra chi trả", form_no=form_no("07"),
        title_vi="KẾT QUẢ KIỂM TRA CHI TRẢ: CÁC QUYẾT ĐỊNH CẦN XỬ LÝ",
        title_en="Payment audit: decisions to act on",
        unit_vi="Đơn vị tính: trường hợp; số tiền: đồng", tables=[Table("audit", columns, table_rows)],
        notes_vi=["Đối chiếu số tiền đã chi với số tiền tính theo quy định (Nghị định 178/2024, 67/2025, 154/2025), "
                  "chênh lệch trên 1.000 đồng là chi thừa hoặc chi thiếu; khoản chi sau ngày cuối tháng báo cáo chưa "
                  "tính. Các quyết định chi đúng quy định không liệt kê (số lượng tại Biểu 01, mục D)."],
    )


# --- 08 Đối tượng còn công tác ---------------------------------------------------------


def cohort_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_cohort where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    columns = [Col("row_label_vi", "Chế độ nếu nghỉ; lý do chưa đủ điều kiện", "Path if leaving; reason not eligible",
                   TEXT, width=70),
               Col("decree", "Nghị định", "Decree", TEXT, width=10),
               Col("persons", "Số người", "Persons", INTEGER, width=12),
               Col("total_vnd", "Kinh phí nếu nghỉ (đồng)", "Cost if they left (VND)", MONEY, width=22)]
    table_rows = [Row(tuple(r[c.name] for c in columns), ROW_KINDS[r["row_kind"]]) for r in rows]
    return Sheet(
        name="Đối tượng còn công tác", form_no=form_no("08"),
        title_vi=f"ĐỐI TƯỢNG CÒN CÔNG TÁC: CHẾ ĐỘ VÀ KINH PHÍ NẾU NGHỈ TỪ NGÀY "
                 f"{date(month.year + month.month // 12, month.month % 12 + 1, 1):%d/%m/%Y}",
        title_en="Staff still in post: the path each would qualify for and what it would cost",
        unit_vi="Đơn vị tính: người; số tiền: đồng", tables=[Table("cohort", columns, table_rows)],
        notes_vi=["Người có trong danh sách tháng, chưa có quyết định nghỉ việc đến ngày đầu tháng sau (cùng số tại "
                  f"Biểu {form_no('01')}, dòng B13). Ưu tiên nghỉ hưu trước tuổi, sau đó thôi việc; người chưa đủ "
                  "điều kiện được xếp theo điều kiện đầu tiên không đạt."],
    )


# --- 09 Rà soát, phân loại --------------------------------------------------------------


def review_sheet(con, month: date, code: str) -> Sheet:
    rows = _dicts(con, """
        select * from marts.rpt_report_review where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    nation = code == NATION
    columns = [Col("row_label_vi", "Tỉnh, thành phố" if nation else "Cơ quan, đơn vị dôi dư",
                   "Province" if nation else "Agency with a surplus", TEXT, width=40),
               *([Col("n_units", "Số cơ quan dôi dư", "Agencies", INTEGER, width=11)] if nation else []),
               Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER, width=11),
               Col("n_in_post", "Số có mặt", "In post", INTEGER, width=10),
               Col("surplus", "Dôi dư", "Surplus", INTEGER, width=9),
               Col("n_excellent", "Hoàn thành xuất sắc", "Excellent", INTEGER, width=11),
               Col("n_good", "Hoàn thành tốt", "Good", INTEGER, width=10),
               Col("n_completed", "Hoàn thành", "Completed", INTEGER, width=10),
               Col("n_not_completed", "Không hoàn thành", "Not completed", INTEGER, width=11),
               Col("n_unrated", "Chưa có xếp loại", "Unrated", INTEGER, width=10),
               *([] if nation else [Col("lowest_rating_vi", "Mức xếp loại thấp nhất", "Lowest rating",
                                        TEXT, width=22)]),
               Col("n_lowest_rated", "Số người xếp loại thấp nhất", "Lowest rated", INTEGER, width=12),
               Col("n_lowest_rated_eligible", "Trong đó đủ điều kiện hưởng chính sách",
                   "Of whom eligible", INTEGER, width=14),
               Col("lowest_rated_cost_vnd", "Kinh phí nếu nghỉ (đồng)", "Cost if they left (VND)",
                   MONEY, width=20)]
    table_rows = [Row(tuple(r[c.name] for c in columns), ROW_KINDS[r["row_kind"]]) for r in rows]
    return Sheet(
        name="Rà soát, phân loại", form_no=form_no("09"),
        title_vi="RÀ SOÁT, ĐÁNH GIÁ, PHÂN LOẠI CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC TẠI CÁC CƠ QUAN, ĐƠN VỊ DÔI DƯ",
        title_en="Review and classify: staff of the agencies with a surplus by their last annual rating",
        unit_vi="Đơn vị tính: người; số tiền: đồng", tables=[Table("review", columns, table_rows)],
        notes_vi=["Cơ quan, đơn vị có số người có mặt vượt biên chế được giao trong tháng; xếp loại chất lượng "
                  "năm gần nhất ghi trong danh sách nhân sự. Kinh phí: chế độ theo Nghị định 178/2024/NĐ-CP "
                  "(sửa đổi bởi Nghị định 67/2025/NĐ-CP) hoặc Nghị định 154/2025/NĐ-CP nếu những người có mức "
                  "xếp loại thấp nhất của mỗi cơ quan nghỉ từ ngày đầu tháng sau; người chưa có xếp loại không "
                  "được tính vào mức thấp nhất."],
    )


# --- 09 Chất lượng dữ liệu -------------------------------------------------------------


def quality_sheet(con, month: date, code: str) -> Sheet:
    files = _dicts(con, """
        select * from marts.rpt_report_files where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    file_columns = [Col("table_vi", "Loại dữ liệu", "Data", TEXT, width=26),
                    Col("file", "Tệp", "File", TEXT, width=50),
                    Col("status_vi", "Tình trạng", "Status", TEXT, width=14),
                    Col("n_files", "Số tệp", "Files", INTEGER, width=9),
                    Col("rows_read", "Số dòng đọc", "Rows read", INTEGER, width=11),
                    Col("rows_loaded", "Số dòng nạp", "Rows loaded", INTEGER, width=11),
                    Col("rows_quarantined", "Số dòng cách ly", "Rows quarantined", INTEGER, width=11),
                    Col("note_vi", "Lý do từ chối", "Why rejected", TEXT, width=46)]
    file_rows = [Row(tuple(r[c.name] for c in file_columns), ROW_KINDS[r["row_kind"]],
                     frozenset({"status_vi", "note_vi"}) if r["status"] == "rejected" else frozenset())
                 for r in files]
    return Sheet(
        name="Chất lượng dữ liệu", form_no=form_no("10"),
        title_vi="CHẤT LƯỢNG DỮ LIỆU: CÁC TỆP LÀM CĂN CỨ BÁO CÁO VÀ CÁC DÒNG BỊ CÁCH LY",
        title_en="Data quality: the files the report rests on and the rows set aside",
        unit_vi="Đơn vị tính: tệp, dòng",
        tables=[Table("files", file_columns, file_rows)],
        notes_vi=[f"Danh sách nhân sự của tháng {month:%m/%Y} và các tệp danh mục cơ quan, bảng chuyển đổi, quyết "
                  "định đang dùng. Tệp bị từ chối không được nạp dòng nào; tỉnh gửi lại tệp đã sửa thì báo cáo được "
                  "lập lại."],
    )


# --- 11 Lý do cách ly ------------------------------------------------------------------


def quarantine_sheet(con, month: date, code: str) -> Sheet:
    reasons = _dicts(con, """
        select * from marts.rpt_report_quarantine where report_month = ? and scope_code = ?
        order by row_order
    """, [month, code])
    columns = [Col("rule", "Mã quy tắc", "Rule", TEXT, width=26),
               Col("rule_vi", "Lý do cách ly", "Reason", TEXT, width=56),
               Col("n_files", "Số tệp", "Files", INTEGER, width=12),
               Col("n_rows", "Số dòng", "Rows", INTEGER, width=14)]
    rows = [Row(tuple(r[c.name] for c in columns), ROW_KINDS[r["row_kind"]]) for r in reasons]
    return Sheet(
        name="Lý do cách ly", form_no=form_no("11"),
        title_vi="SỐ DÒNG DỮ LIỆU BỊ CÁCH LY THEO LÝ DO",
        title_en="Rows quarantined by reason",
        unit_vi="Đơn vị tính: tệp, dòng", tables=[Table("quarantine", columns, rows)],
        notes_vi=[f"Các tệp tại Biểu {form_no('10')}. Một tệp bị từ chối cả tệp tính là một dòng của lý do tương ứng; "
                  "nội dung các dòng bị cách ly (có thể có thông tin cá nhân) không đưa vào báo cáo."],
    )


# --- Assembling ------------------------------------------------------------------------


def build_report(con, month: date, scope: dict) -> Report:
    code = scope["scope_code"]
    glide = glide_sheet(con, month, code)
    sheets = [summary_sheet(con, month, code),
              charts_sheet(con, month, code, glide.tables[0]),
              balance_sheet(con, month, code)]
    if code != NATION:
        sheets.append(units_sheet(con, month, code))
    sheets += [glide, settlement_sheet(con, month, code), audit_sheet(con, month, code),
               cohort_sheet(con, month, code), review_sheet(con, month, code),
               quality_sheet(con, month, code), quarantine_sheet(con, month, code)]
    return Report(
        scope_code=code, scope_name_vi=scope["scope_name_vi"], month=month,
        issuer_parent_vi=scope["issuer_parent_vi"] or "", issuer_vi=scope["issuer_vi"],
        place_vi=scope["place_vi"], period_end=scope["period_end_date"],
        cutoff_vi=cutoff_text(con, month, scope), sheets=sheets,
        warnings_vi=delivery_warnings(con, month, scope),
        figures=summary_figures(con, month, code),
    )
