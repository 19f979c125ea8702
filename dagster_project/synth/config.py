"""Every realism knob of the synthetic generator, in one place.

Figures marked "key figures" come from docs/rules.md (key figures) (national, before scaling by the
share of old communes selected); the rest are this generator's own assumptions, chosen to
look like real deliveries and documented here so they can be changed in one line.
"""

from datetime import date

BASE_SALARY_VND = 2_340_000
FIRST_SNAPSHOT = date(2025, 6, 30)  # the reference date of the staff (the June roster)
FIRST_MONTH = "2025-01"  # Decree 178 in force 1 Jan 2025: the earliest roster a province sends
FIRST_POST_MONTH = "2025-07"
DEFAULT_THROUGH = "2026-10"
DEFAULT_SEED = 20250701
MERGER = date(2025, 7, 1)
DEFAULT_PROVINCES = ("04", "33", "37")  # NEW province codes: unchanged, 2-way, 3-way merger

NATIONAL_OLD_COMMUNES = 10_035

# --- National calibration targets (docs/rules.md key figures), scaled by the share of old communes -----
TARGETS = {
    "commune_cadres_civil_servants_pre": 206_707,  # docs/rules.md key figures (31 Dec 2024)
    "commune_part_time_pre": 120_500,  # docs/rules.md key figures planned end of part-timers
    "district_staff_pre": 140_000,  # docs/rules.md key figures district staff moving down
    "provincial_staff_pre": 75_000,  # assumption: ~1,200 per old province
    "decree_178_leavers": 146_839,  # docs/rules.md key figures (MoHA, 8 Jan 2026)
}

# --- Staff densities (persons per unit, before `scale`) ---------------------------------
# Commune cadres + civil servants by commune type: 38,279 / 1,724 wards, 154,766 / 7,695
# communes, 13,662 / 616 townships (docs/rules.md key figures), about half cadres.
COMMUNE_STAFF_MEAN = {"phường": 22.2, "xã": 20.1, "thị trấn": 22.2}
COMMUNE_CADRE_SHARE = 105_606 / 206_707
COMMUNE_PART_TIME_MEAN = 12.0
COMMUNE_CONTRACT_MEAN = 0.6  # contract workers per old commune (not calibrated)
# District staff = base + per-commune term, so a province subset scales with its communes.
DISTRICT_STAFF_BASE = 30
DISTRICT_STAFF_PER_COMMUNE = (140_000 - 30 * 696) / NATIONAL_OLD_COMMUNES
PROVINCE_STAFF_BASE = 250
PROVINCE_STAFF_PER_COMMUNE = (75_000 - 250 * 63) / NATIONAL_OLD_COMMUNES
# Share of district / provincial staff by unit kind (public employees kept a minority).
DISTRICT_KIND_SHARE = {"government": 0.58, "party": 0.14, "mass_org": 0.10, "public_service": 0.18}
PROVINCE_KIND_SHARE = {"government": 0.62, "party": 0.13, "mass_org": 0.08, "public_service": 0.17}
CONTRACT_WORKER_SHARE = 0.06  # of district / provincial government and party staff

# --- People ------------------------------------------------------------------------------
FEMALE_SHARE = {
    "cadre": 0.22, "civil_servant": 0.42, "public_employee": 0.58,
    "contract_worker": 0.45, "commune_part_time": 0.38,
}
AGE_MEAN = {"cadre": 48.0, "civil_servant": 42.0, "public_employee": 41.0,
            "contract_worker": 38.0, "commune_part_time": 46.0}
AGE_SD = 10.0  # a bell clipped to 22-62 and cut at each person's Decree 135 pension date
AGE_MIN, AGE_MAX = 22, 62
ID_OTHER_PROVINCE_SHARE = 0.15  # born (ID issued) in another province
HARDSHIP_SHARE = 0.03
HARDSHIP_SHARE_MOUNTAIN = 0.12
MOUNTAIN_PROVINCES = {"02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20",
                      "62", "64", "66", "67", "68"}
OTHER_ALLOWANCE_SHARE = 0.15
DEFERRAL_SHARE = {"pregnant": 0.004, "maternity_leave": 0.005, "child_under_36m": 0.012,
                  "discipline": 0.002, "prosecution": 0.0005, "inspection": 0.001}
PART_TIME_ALLOWANCE_B = (1.0, 1.14, 1.2, 1.3, 1.5)  # multiples of the base salary

# --- The annual quality rating on rosters (Decree 90/2020 as amended by 48/2023) ----------
# Each roster carries the last annual rating: `rating_year` is the year before the snapshot's,
# and a person's rating for a year is the same on every roster that carries it. Shares among
# those rated (assumption, in line with reported results: most good or completed, a few
# excellent, 2-5 % not completed); a person under discipline or prosecution is mostly rated
# not completed. Contract workers, and anyone who worked less than half of the year (joined
# after 30 June), have no rating. Some OLD provinces' rosters do not carry the two columns at
# all (the amended contract made them optional); some write the rating in Vietnamese.
QUALITY_RATING_SHARES = (("excellent", 0.10), ("good", 0.55), ("completed", 0.32),
                         ("not_completed", 0.03))
RATING_NOT_COMPLETED_IF_DISCIPLINE = 0.6
RATING_ABSENT_SHARE = 0.3  # of OLD provinces: rosters without the two columns
RATING_VIETNAMESE_SHARE = 0.5  # of the others: "hoàn thành tốt nhiệm vụ" rather than `good`

# --- Timeline ----------------------------------------------------------------------------
# Decree 178 leave dates: (leave_date, weight); late ones decided before 1 Aug are in time.
LEAVE_DATES_178 = (
    ("2025-07-01", 0.36), ("2025-08-01", 0.30), ("2025-09-01", 0.20),
    ("2025-07-15", 0.03), ("2025-08-16", 0.03),
    ("late_in_time", 0.06),  # leave Oct-Dec 2025, decision in July: valid (A13)
    ("out_of_time", 0.02),  # leave Oct-Nov 2025, decision in Aug-Sep: cut-off (A13)
)
# Decree 178 leavers before the merger (leave 1 Feb - 1 Jun 2025, decided 10-45 days before).
# MoHA counted 43,207 who had left by 30 Jun 2025 of the 146,839 in the end (docs/rules.md key figures):
# 29 %. Such a leaver shows only on rosters before the leave date, so they are drawn only
# where the old province delivers pre-merger history (monthly: leave Feb-Jun; quarterly:
# Apr-Jun, after the March roster), at PRE_JULY_178_SHARE of that province's leavers, and
# on top of the 30 June staff (the June calibration is unchanged). The national total stays
# 146,839: the leavers from July are the rest. With PRE_HISTORY below, about 60 % of the staff
# is in a province with history, so about 17 % of the national leavers leave before July.
PRE_JULY_178_SHARE = 0.29
LEAVE_DATES_178_PRE = (("2025-02-01", 0.10), ("2025-03-01", 0.15), ("2025-04-01", 0.20),
                       ("2025-05-01", 0.25), ("2025-06-01", 0.30))
INVOLUNTARY_SHARE = 0.03  # voluntary = false
PAY_UNPAID = 0.025
PAY_OVERPAID = 0.015
PAY_UNDERPAID = 0.015
PAY_INELIGIBLE_PAID = 0.6  # ineligible decisions paid anyway
PAY_DELAY_MEDIAN_DAYS = 35
# Decree 154 part-timers: leave month weights (first day without work), all gone by 1 Jun 2026.
PART_TIME_LEAVE = (
    ("2025-07-01", 0.28), ("2025-08-01", 0.10), ("2025-09-01", 0.06), ("2025-10-01", 0.05),
    ("2025-11-01", 0.04), ("2025-12-01", 0.05), ("2026-01-01", 0.06), ("2026-02-01", 0.03),
    ("2026-03-01", 0.04), ("2026-04-01", 0.04), ("2026-05-01", 0.05), ("2026-06-01", 0.20),
)
PART_TIME_NO_DECISION = 0.05  # leave without a decision (unexplained)
UNEXPLAINED_SHARE = 0.004  # others who simply vanish from the roster
TRANSFER_SHARE = 0.015  # moves between new units outside the lineage
RECRUIT_170_SHARE = 0.012  # of post staff, civil servants recruited (Decree 170)
RECRUIT_173_SHARE = 0.010  # contract workers (Decree 173)
ARRANGED_EARLY_SHARE = 0.03  # pre commune/district units arranged in 2024 (arrangement_date)
QUOTA_DEVIATION_SHARE = 0.08  # communes whose assigned quota deviates from the norm
H1_JOIN_SHARE = 0.004  # of the 30 June staff, recruited 1 Feb - 1 Jun 2025

# --- Decision numbers --------------------------------------------------------------------
# One quyết định lists every person the same authority decided on the same day under the
# same decree: the old province's People's Committee before 1 July, the new province's from
# then on (Decree 154 part-timers: the commune chairs, `QĐ-CT`). A day's list is split into
# decisions of 1 person (DECISION_SINGLE_SHARE) or 2-30; numbers run up through the year
# with gaps (the committee issues other decisions too), so two provinces may use the same
# number: a decision is identified by decision_no and national_id together.
DECISION_SINGLE_SHARE = 0.45
DECISION_GROUP_MAX = 30

# --- Deliveries: when, how often, how dated (synth/deliveries.py) ------------------------
# Pre-merger history an OLD province sends: only the June roster, March and June, or every
# month January-June. A selection of 3+ old provinces has at least one monthly and one
# quarterly.
PRE_HISTORY = (("june_only", 0.4), ("quarterly", 0.3), ("monthly", 0.3))
# The day a roster is dated: the last day of the month, the 30th, 29th or 28th (the last day
# when the month is shorter) or mid-month. Each OLD province has its style before the merger;
# from July 2025 the NEW province's Department of Home Affairs delivers for all its old
# parts, in its own style. A selection of 3+ provinces shows the last day, the 28th and 15th.
DATE_STYLES = (("last", 0.5), ("30", 0.12), ("29", 0.05), ("28", 0.13), ("15", 0.2))
DATE_DEVIATION_SHARE = 0.04  # one-off: a month dated a day or two off the usual day
# Incidents per NEW province and post-merger month (each at least once, one of them in a
# merged province, in a selection of 2+ new provinces and 3+ post-merger months):
INCIDENT_RATES = {
    "supplement": 0.02,  # a second file (`..._bo_sung.csv`) with persons the main file forgot
    "copy": 0.01,  # the same file sent twice under two names (identical bytes)
    "not_delivered": 0.008,  # no roster for the month (the next month is there)
    "incomplete": 0.008,  # one old part's roster missing, or the file cut at about half
}
SUPPLEMENT_SHARE = (0.01, 0.04)  # of the part's rows, left out of the main file
SUPPLEMENT_OVERLAP = (3, 15)  # persons in both files (duplicate_person in the supplement)
INCOMPLETE_KEEP = (0.35, 0.6)  # share of rows a truncated file keeps
# Official forms: XLSX rosters and decision lists as the Department fills them (title block,
# merged cells, two-row header, column numbers, a total row, a signature footer).
FORM_SHARE = 0.6  # of XLSX roster and decision files
FORM_TITLE_DATE_ONLY = 0.5  # of roster forms: the date only in the title (no column, no date
# in the file name)
FORM_GROUP_HEADER = 0.6  # a group header ("Phụ cấp") above its sub-columns
FORM_NUMBER_ROW = 0.6  # a row "(1) (2) (3) ..." under the header
FORM_BLANK_ROW = 0.15  # a blank row inside the data area
XLSX_NOTES_SHEET = 0.2  # a workbook with a sheet of notes and no table (skipped by ingest)

# --- Files -------------------------------------------------------------------------------
# How an old province delivers its post-merger rosters.
POST_MODES = (("csv_monthly", 0.55), ("parquet_yearly", 0.35), ("xlsx_quarterly", 0.10))
PRE_XLSX_SHARE = 0.35  # the 2025-06-30 roster as a workbook with one sheet per old district
CSV_BOM_SHARE = 0.4
CSV_SEMICOLON_SHARE = 0.3
CSV_DATE_IN_NAME_SHARE = 0.5  # monthly CSV without snapshot_date column
HEADER_MODES = (("english", 0.45), ("vietnamese", 0.25), ("mixed", 0.30))  # non-XLSX files

# --- Defects: share of rows per kind (about 0.2-1 %) -----------------------------------
DEFECT_RATES = {
    "decomposed_unicode": 0.006,
    "stray_spaces": 0.006,
    "date_dmy": 0.006,
    "date_dmy_dash": 0.003,
    "date_excel_serial": 0.003,
    "decimal_comma": 0.006,
    "money_thousands_dot": 0.005,
    "money_thousands_comma": 0.003,
    "id_sex_mismatch": 0.002,
    "id_birth_year_mismatch": 0.002,
    "unknown_unit_code": 0.003,
    "out_of_range": 0.002,
    "duplicate_person": 0.002,
    "duplicate_decision": 0.003,  # decisions: the same (decision_no, national_id) twice
}
QUARANTINE_KINDS = ("id_sex_mismatch", "id_birth_year_mismatch", "unknown_unit_code",
                    "out_of_range", "duplicate_person")
QUARANTINE_REASON = {  # defect kind -> the quarantine reason ingest gives it
    "id_sex_mismatch": "national_id_mismatch",
    "id_birth_year_mismatch": "national_id_mismatch",
    "unknown_unit_code": "unknown_unit_code",
    "out_of_range": "out_of_range",
    "duplicate_person": "duplicate_person",
    "duplicate_decision": "duplicate_decision",
}
