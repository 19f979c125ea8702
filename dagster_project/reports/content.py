"""What the monthly report says: SQL over the published marts -> Report objects.

One national report and one per new province with data in the month. Every figure comes
from a mart; the writers only format. Money figures are cumulative up to the end of the
report month, so a month's report does not change when later months are delivered.
"""

from datetime import date

from dagster_project.reports.model import (
    DATE,
    DECIMAL,
    INTEGER,
    MONEY,
    MONTH,
    TEXT,
    Chart,
    Col,
    Report,
    Table,
)

NATION = "VN"


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _scalar(con, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row else None


def _filter(province: str | None, column: str = "province_code") -> tuple[str, list]:
    if province is None:
        return "true", []
    return f"{column} = ?", [province]


def report_provinces(con, month: date) -> list[tuple[str, str]]:
    """New provinces with a staffing balance in the month: (code, name)."""
    return _rows(con, """
        select p.province_code, p.province_name
        from marts.dim_province p
        where p.period = 'post' and p.province_code in (
            select distinct province_code from marts.fct_staffing_balance where report_month = ?)
        order by p.province_code
    """, [month])


def latest_month(con) -> date | None:
    return _scalar(con, "select max(report_month) from marts.fct_staffing_balance")


# --- A month that knows what it is missing --------------------------------------------


def delivery_warnings(con, month: date, province: str | None) -> list[str]:
    """The provinces whose roster of the month is not delivered in full (the month is then
    provisional), and, for the nation, how many provinces the data covers."""
    where, params = _filter(province)
    missing = _rows(con, f"""
        select province_code, province_name, delivery_status, delivery_status_vi, headcount,
               reference_headcount
        from marts.fct_delivery_status
        where report_month = ? and is_expected and not is_complete and {where}
        order by province_code
    """, [month, *params])
    warnings = []
    if missing:
        parts = []
        for code, name, status, status_vi, headcount, usual in missing:
            detail = status_vi.lower()
            if status == "incomplete" and usual:
                detail += f": {_vn(headcount)}/{_vn(usual)} người so với các tháng khác"
            parts.append(f"{code} {name} ({detail})")
        who = "tỉnh" if province else f"{len(missing)} tỉnh"
        warnings.append(
            f"SỐ LIỆU TẠM TÍNH: tháng {month:%m/%Y} thiếu dữ liệu của {who}: {'; '.join(parts)}. "
            "Cân đối biên chế không tính các tỉnh này (không phải thiếu biên chế); người của các "
            "tỉnh này không được tính là đã nghỉ việc. Báo cáo sẽ được lập lại khi nhận đủ dữ liệu. "
            "(Provisional: provinces missing from the month are left out of the staffing balance "
            "and their staff are not counted as leavers.)")
    if province is None:
        covered, total = _rows(con, """
            select count(*) filter (where is_expected), count(*)
            from marts.fct_delivery_status where report_month = ?
        """, [month])[0]
        if covered < total:
            warnings.append(f"Dữ liệu gồm {covered}/{total} tỉnh, thành phố; {total - covered} tỉnh "
                            "chưa gửi dữ liệu nhân sự lần nào và không có trong báo cáo. "
                            f"(The data covers {covered} of {total} provinces.)")
    return warnings


def _vn(n) -> str:
    return f"{int(n):,}".replace(",", ".")


# --- Tổng hợp -------------------------------------------------------------------------


def summary_table(con, month: date, province: str | None) -> Table:
    where, params = _filter(province)
    if province is None:
        bal = _rows(con, """
            select n_units, headcount, headcount_in_quota_with_quota, staffing_quota, surplus,
                   gross_surplus, gross_shortage
            from marts.rpt_staffing_balance_national where report_month = ?
        """, [month])
    else:
        bal = _rows(con, """
            select n_units, headcount, headcount_in_quota_with_quota, staffing_quota, surplus,
                   gross_surplus, gross_shortage
            from marts.rpt_staffing_balance_province where report_month = ? and province_code = ?
        """, [month, province])
    bal = bal[0] if bal else (None,) * 7
    flows = _rows(con, f"""
        select sum(persons_before), sum(stayed_out), sum(moved_out), sum(left_total),
               sum(left_unexplained), sum(persons_now), sum(joined), sum(not_reported)
        from marts.rpt_person_flows_province where report_month = ? and {where}
    """, [month, *params])[0]
    money = _rows(con, f"""
        select sum(n_decided), sum(n_left), sum(n_paid), sum(paid_vnd),
               sum(overpaid_vnd), sum(underpaid_vnd)
        from marts.rpt_policy_money_by_province_month where report_month <= ? and {where}
    """, [month, *params])[0]
    audit = _rows(con, f"""
        select count(*) filter (where audit_status = 'unpaid'),
               sum(total_vnd) filter (where audit_status = 'unpaid'),
               sum(total_vnd) filter (where is_eligible)
        from marts.fct_policy_entitlement
        where decision_date < (?::date + interval 1 month) and {where}
    """, [month, *params])[0]
    cohort = _rows(con, f"""
        select count(*) filter (where is_eligible), sum(total_vnd) filter (where is_eligible)
        from marts.fct_policy_cohort where report_month = ? and {where}
    """, [month, *params])[0]
    lines = [
        ("Số cơ quan, đơn vị (mới)", "Agencies (new structure)", bal[0], None),
        ("Tổng số người trong danh sách", "Headcount on the rosters", bal[1], None),
        ("Cán bộ, công chức ở các đơn vị được giao biên chế", "Cadres and civil servants in units with a quota", bal[2], None),
        ("Biên chế được giao", "Staffing quota assigned", bal[3], None),
        ("Dôi dư (+) / thiếu (−) so với biên chế", "Surplus (+) / shortage (−) against quota", bal[4], None),
        ("Tổng dôi dư ở các đơn vị thừa", "Gross surplus in units over quota", bal[5], None),
        ("Tổng thiếu ở các đơn vị thiếu", "Gross shortage in units under quota", bal[6], None),
        ("Số người trước sắp xếp (30/06/2025)", "Persons before the merger", flows[0], None),
        ("— ở lại đơn vị kế thừa", "— stayed in a successor unit", flows[1], None),
        ("— chuyển đơn vị khác", "— moved to another unit", flows[2], None),
        ("— đã nghỉ", "— left", flows[3], None),
        ("— nghỉ không rõ lý do", "— left unexplained", flows[4], None),
        ("— chưa có số liệu tháng này (tỉnh chưa gửi đủ)", "— not reported (province month missing)", flows[7], None),
        ("Số người hiện nay", "Persons now", flows[5], None),
        ("— tuyển mới, tiếp nhận", "— joined", flows[6], None),
        ("Quyết định nghỉ theo NĐ 178/67, 154 (lũy kế)", "Leave decisions (cumulative)", money[0], None),
        ("Đã nghỉ việc (lũy kế)", "Left (cumulative)", money[1], None),
        ("Đã chi trả (lũy kế)", "Paid (cumulative)", money[2], money[3]),
        ("Chưa chi trả", "Unpaid decisions", audit[0], audit[1]),
        ("Kinh phí theo quy định (các quyết định đủ điều kiện)", "Entitlement computed (eligible decisions)", None, audit[2]),
        ("Chi thừa", "Overpaid", None, money[4]),
        ("Chi thiếu", "Underpaid", None, money[5]),
        ("Người còn công tác đủ điều kiện nghỉ theo chính sách", "Staff in post who would qualify", cohort[0], None),
        ("— kinh phí nếu nghỉ tháng sau", "— cost if they left next month", None, cohort[1]),
    ]
    return Table(
        sheet_vi="Tổng hợp",
        title_vi=f"Tổng hợp tháng {month:%m/%Y}",
        title_en=f"Summary, {month:%m/%Y}",
        columns=[
            Col("indicator_vi", "Chỉ tiêu", "Indicator", TEXT, width=52),
            Col("indicator_en", "Chỉ tiêu (tiếng Anh)", "Indicator (English)", TEXT, width=46),
            Col("count", "Số lượng", "Count", INTEGER, width=14),
            Col("amount_vnd", "Số tiền (đồng)", "Amount (VND)", MONEY, width=22),
        ],
        rows=[(vi, en, n, vnd) for vi, en, n, vnd in lines],
        note_vi=("Luồng nhân sự tính đến kỳ dữ liệu mới nhất; tiền lũy kế đến hết tháng báo cáo. "
                 "Person flows as of the latest roster; money cumulative to the report month."),
    )


# --- Cân đối biên chế -----------------------------------------------------------------

BALANCE_COLUMNS = [
    Col("headcount", "Tổng số người", "Headcount", INTEGER),
    Col("headcount_in_quota", "CB, CC ở đơn vị có biên chế", "Cadres + civil servants (units with a quota)", INTEGER),
    Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER),
    Col("norm_posts", "Khung theo quy mô dân số", "Framework norm", DECIMAL),
    Col("surplus", "Dôi dư (+) / thiếu (−)", "Surplus", INTEGER),
]


def balance_by_province(con, month: date) -> Table:
    rows = _rows(con, """
        select b.province_code,
               p.province_name || case when b.delivery_status <> 'delivered'
                                       then ' (' || lower(d.status_vi) || ')' else '' end,
               d.status_vi, b.headcount, b.headcount_in_quota_with_quota,
               b.staffing_quota, b.norm_posts, b.surplus
        from marts.rpt_staffing_balance_province b
        join marts.dim_province p on p.period = 'post' and p.province_code = b.province_code
        join rules.delivery_statuses d on d.delivery_status = b.delivery_status
        where b.report_month = ?
        order by b.surplus desc nulls last, b.province_code
    """, [month])
    return Table(
        sheet_vi="Cân đối biên chế",
        title_vi=f"Cân đối biên chế theo tỉnh, tháng {month:%m/%Y}",
        title_en="Staffing balance by province",
        columns=[Col("province_code", "Mã tỉnh", "Province code", TEXT, width=9),
                 Col("province_name", "Tỉnh, thành phố", "Province", TEXT, width=28),
                 Col("delivery_status_vi", "Dữ liệu tháng", "Month's data", TEXT, width=14),
                 *BALANCE_COLUMNS],
        rows=rows,
        note_vi=("Dôi dư = CB, CC ở các đơn vị được giao biên chế − biên chế được giao. Tỉnh chưa gửi đủ "
                 "dữ liệu tháng: để trống, không tính là thiếu. "
                 "Surplus = cadres and civil servants in units with a quota − the quota; blank where "
                 "the province's month is missing."),
        charts=[Chart("bar", "Dôi dư (+) / thiếu (−) biên chế theo tỉnh", "province_name", ("surplus",),
                      "người")],
    )


def balance_by_unit(con, month: date, province: str) -> Table:
    rows = _rows(con, """
        select unit_code, unit_name, commune_code, headcount, headcount_in_quota,
               staffing_quota, norm_posts, surplus, leaders, leaders_allowed
        from marts.fct_staffing_balance
        where report_month = ? and province_code = ?
        order by surplus desc nulls last, unit_code
    """, [month, province])
    return Table(
        sheet_vi="Cân đối biên chế",
        title_vi=f"Cân đối biên chế theo đơn vị, tháng {month:%m/%Y}",
        title_en="Staffing balance per unit",
        columns=[Col("unit_code", "Mã đơn vị", "Unit code", TEXT, width=16),
                 Col("unit_name", "Tên đơn vị", "Unit", TEXT, width=44),
                 Col("commune_code", "Mã xã", "Commune", TEXT, width=9),
                 *BALANCE_COLUMNS,
                 Col("leaders", "Số lãnh đạo", "Leaders", INTEGER),
                 Col("leaders_allowed", "Số lãnh đạo theo quy định", "Leaders allowed", INTEGER)],
        rows=rows,
        note_vi="Đơn vị dôi dư nhiều nhất ở trên. Units with the largest surplus first.",
    )


# --- Thực hiện NĐ 178/67 -------------------------------------------------------------

MONEY_COLUMNS = [
    Col("n_decided", "Số quyết định", "Decided", INTEGER),
    Col("n_left", "Đã nghỉ", "Left", INTEGER),
    Col("n_paid", "Đã chi trả (người)", "Paid (persons)", INTEGER),
    Col("paid_vnd", "Đã chi trả (đồng)", "Paid (VND)", MONEY),
    Col("n_outstanding", "Còn tồn đọng (người)", "Outstanding (persons)", INTEGER),
    Col("outstanding_vnd", "Còn tồn đọng (đồng)", "Outstanding (VND)", MONEY),
    Col("overpaid_vnd", "Chi thừa (đồng)", "Overpaid (VND)", MONEY),
    Col("underpaid_vnd", "Chi thiếu (đồng)", "Underpaid (VND)", MONEY),
]


def settlement_by_month(con, month: date, province: str | None) -> Table:
    where, params = _filter(province)
    rows = _rows(con, f"""
        select report_month, sum(n_decided), sum(n_left), sum(n_paid), sum(paid_vnd),
               sum(n_outstanding), sum(outstanding_vnd), sum(overpaid_vnd), sum(underpaid_vnd)
        from marts.rpt_policy_money_by_province_month
        where report_month <= ? and {where}
        group by report_month order by report_month
    """, [month, *params])
    return Table(
        sheet_vi="Thực hiện NĐ 178-67",
        title_vi="Thực hiện Nghị định 178/67: quyết định, nghỉ việc và chi trả theo tháng",
        title_en="Decree 178/67 settlement by month",
        columns=[Col("report_month", "Tháng", "Month", MONTH, width=10), *MONEY_COLUMNS],
        rows=rows,
        charts=[Chart("column", "Số người có quyết định, đã nghỉ và đã chi trả theo tháng", "report_month",
                      ("n_decided", "n_left", "n_paid"), "người")],
        note_vi="Còn tồn đọng: tại cuối mỗi tháng. Outstanding: at the end of each month.",
    )


def audit_findings(con, month: date, province: str | None) -> Table:
    where, params = _filter(province)
    rows = _rows(con, f"""
        select decision_no, person_key, decree, policy, leave_date, audit_status,
               coalesce(failed_rule, ''), total_vnd, amount_paid_vnd, difference_vnd
        from marts.fct_policy_entitlement
        where audit_status in ('overpaid', 'underpaid', 'unpaid', 'ineligible')
          and decision_date < (?::date + interval 1 month) and {where}
        order by audit_status, abs(coalesce(difference_vnd, total_vnd)) desc nulls last, decision_no
    """, [month, *params])
    status_vi = {"overpaid": "chi thừa", "underpaid": "chi thiếu", "unpaid": "chưa chi trả",
                 "ineligible": "không đủ điều kiện"}
    rows = [(*r[:5], f"{status_vi[r[5]]} ({r[5]})", *r[6:]) for r in rows]
    return Table(
        sheet_vi="Kết quả kiểm tra chi trả",
        title_vi="Kết quả kiểm tra chi trả: các quyết định cần xử lý",
        title_en="Payment audit findings: decisions to act on",
        columns=[Col("decision_no", "Số quyết định", "Decision", TEXT, width=18),
                 Col("person_key", "Mã người (ẩn danh)", "Person key", TEXT, width=26),
                 Col("decree", "Nghị định", "Decree", TEXT, width=9),
                 Col("policy", "Chế độ", "Policy", TEXT, width=18),
                 Col("leave_date", "Ngày nghỉ", "Leave date", DATE, width=12),
                 Col("audit_status", "Kết quả", "Status", TEXT, width=26),
                 Col("failed_rule", "Điều kiện không đạt", "Failed rule", TEXT, width=22),
                 Col("total_vnd", "Số tiền theo quy định (đồng)", "Computed (VND)", MONEY),
                 Col("amount_paid_vnd", "Số tiền đã chi (đồng)", "Paid (VND)", MONEY),
                 Col("difference_vnd", "Chênh lệch (đồng)", "Difference (VND)", MONEY)],
        rows=rows,
    )


# --- Đối tượng còn công tác ----------------------------------------------------------


def cohort_table(con, month: date, province: str | None) -> Table:
    where, params = _filter(province)
    rows = _rows(con, f"""
        select coalesce(decree, '—'), coalesce(policy, 'không đủ điều kiện'), coalesce(band, ''),
               count(*), sum(total_vnd)
        from marts.fct_policy_cohort
        where report_month = ? and {where}
        group by all order by 1, 2, 3
    """, [month, *params])
    return Table(
        sheet_vi="Đối tượng còn công tác",
        title_vi="Đối tượng còn công tác: chế độ nếu nghỉ từ đầu tháng sau và kinh phí",
        title_en="Staff still in post: the path each would qualify for, and what it would cost",
        columns=[Col("decree", "Nghị định", "Decree", TEXT, width=10),
                 Col("policy", "Chế độ", "Policy", TEXT, width=24),
                 Col("band", "Nhóm", "Band", TEXT, width=8),
                 Col("persons", "Số người", "Persons", INTEGER),
                 Col("total_vnd", "Kinh phí (đồng)", "Cost (VND)", MONEY)],
        rows=rows,
        note_vi=("So sánh với lộ trình nghỉ hưu để thấy chi phí giải quyết dôi dư ngay so với chờ nghỉ hưu. "
                 "Compare with the glide path: the cost of closing the surplus now against waiting."),
    )


# --- Lộ trình nghỉ hưu ---------------------------------------------------------------


def glide_path_table(con, province: str | None) -> Table:
    where, params = _filter(province)
    rows = _rows(con, f"""
        select projection_month, sum(projected_headcount_in_quota), sum(staffing_quota),
               sum(projected_surplus), sum(retirements_in_month)
        from marts.fct_glide_path where {where}
        group by projection_month order by projection_month
    """, params)
    close = _scalar(con, f"select min(surplus_close_month) from marts.fct_glide_path where {where}", params) \
        if province else None
    note = ("Dự báo từ tháng dữ liệu mới nhất, chỉ tính nghỉ hưu đúng tuổi (Nghị định 135/2020). "
            "Projection from the latest roster, natural retirements only.")
    if province:
        note += (f" Hết dôi dư từ tháng {close:%m/%Y}." if close else
                 " Dôi dư chưa hết trước năm 2031 nếu chỉ chờ nghỉ hưu.")
    return Table(
        sheet_vi="Lộ trình nghỉ hưu",
        title_vi="Lộ trình nghỉ hưu: số cán bộ, công chức dự kiến so với biên chế đến 2030",
        title_en="Retirement glide path to 2030 against the quota",
        columns=[Col("projection_month", "Tháng", "Month", MONTH, width=10),
                 Col("projected_headcount_in_quota", "CB, CC dự kiến", "Projected in quota", INTEGER),
                 Col("staffing_quota", "Biên chế được giao", "Quota", INTEGER),
                 Col("projected_surplus", "Dôi dư dự kiến", "Projected surplus", INTEGER),
                 Col("retirements_in_month", "Nghỉ hưu trong tháng", "Retirements", INTEGER)],
        rows=rows,
        charts=[Chart("line", "CB, CC dự kiến so với biên chế được giao", "projection_month",
                      ("projected_headcount_in_quota", "staffing_quota"), "người")],
        note_vi=note,
    )


# --- Chất lượng dữ liệu --------------------------------------------------------------


LOCALITY = "split_part(file, '/', 2)"  # deliveries sit in <folder>/<old province>_<name>/...


def _locality_filter(province_old_codes: list[str] | None) -> tuple[str, list]:
    """Files delivered by the given old provinces (None: every file)."""
    if province_old_codes is None:
        return "true", []
    where = "(" + " or ".join([f"{LOCALITY} like ?"] * len(province_old_codes)) + ")"
    return where, [f"{code}%" for code in province_old_codes]


def quality_table(con, province_old_codes: list[str] | None) -> Table:
    where, params = _locality_filter(province_old_codes)
    rows = _rows(con, f"""
        select table_name, case when file like '%/%/%' then {LOCALITY} else '(chung)' end as locality,
               count(distinct file), sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
               count(*) filter (where status = 'rejected')
        from audit.ingest_ledger
        where is_current and {where}
        group by all order by 1, 2
    """, params)
    return Table(
        sheet_vi="Chất lượng dữ liệu",
        title_vi="Chất lượng dữ liệu: tệp nhận được theo địa phương",
        title_en="Data quality: files received per locality",
        columns=[Col("table_name", "Loại dữ liệu", "Data", TEXT, width=12),
                 Col("locality", "Địa phương gửi", "Locality", TEXT, width=22),
                 Col("files", "Số tệp", "Files", INTEGER),
                 Col("rows_read", "Số dòng đọc", "Rows read", INTEGER),
                 Col("rows_loaded", "Số dòng nạp", "Rows loaded", INTEGER),
                 Col("rows_quarantined", "Số dòng cách ly", "Rows quarantined", INTEGER),
                 Col("files_rejected", "Tệp bị từ chối", "Files rejected", INTEGER)],
        rows=rows,
    )


def quarantine_reasons_table(con, province_old_codes: list[str] | None) -> Table:
    where, params = _locality_filter(province_old_codes)
    rows = _rows(con, f"""
        select rule, any_value(message_vi), count(*)
        from audit.quarantine where {where}
        group by rule order by 3 desc, 1
    """, params)
    return Table(
        sheet_vi="Lý do cách ly",
        title_vi="Số dòng bị cách ly theo lý do",
        title_en="Rows quarantined by reason",
        columns=[Col("rule", "Quy tắc", "Rule", TEXT, width=26),
                 Col("message_vi", "Ví dụ thông báo", "Example message", TEXT, width=80),
                 Col("rows", "Số dòng", "Rows", INTEGER)],
        rows=rows,
        charts=[Chart("bar", "Số dòng bị cách ly theo lý do", "rule", ("rows",), "dòng")],
    )


# --- Assembling ----------------------------------------------------------------------


def national_report(con, month: date) -> Report:
    return Report(NATION, "Toàn quốc", month, warnings_vi=delivery_warnings(con, month, None), tables=[
        summary_table(con, month, None),
        balance_by_province(con, month),
        settlement_by_month(con, month, None),
        audit_findings(con, month, None),
        cohort_table(con, month, None),
        glide_path_table(con, None),
        quality_table(con, None),
        quarantine_reasons_table(con, None),
    ])


def province_report(con, month: date, code: str, name: str) -> Report:
    old_codes = [r[0] for r in _rows(con, "select old_province_code from marts.bridge_province_lineage "
                                          "where new_province_code = ? order by 1", [code])]
    return Report(code, name, month, warnings_vi=delivery_warnings(con, month, code), tables=[
        summary_table(con, month, code),
        balance_by_unit(con, month, code),
        settlement_by_month(con, month, code),
        audit_findings(con, month, code),
        cohort_table(con, month, code),
        glide_path_table(con, code),
        quality_table(con, old_codes),
        quarantine_reasons_table(con, old_codes),
    ])


def build_reports(con, month: date) -> list[Report]:
    provinces = report_provinces(con, month)
    if not provinces:
        latest = latest_month(con)
        raise ValueError(
            f"No staffing data for {month:%Y-%m} in the published warehouse "
            f"(latest month with data: {latest:%Y-%m})" if latest else
            f"No staffing data in the published warehouse for {month:%Y-%m}"
        )
    return [national_report(con, month)] + [province_report(con, month, c, n) for c, n in provinces]
