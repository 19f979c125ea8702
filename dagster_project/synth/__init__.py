"""Synthetic personnel deliveries for sapnhap (issue 3): the demo data set and the test bed.

`generate(out_dir, provinces="default", scale=1.0, through="2026-10", seed=20250701,
clean=False, progress=True) -> dict` writes `units/`, `lineage/`, `personnel/` and
`decisions/` under `out_dir` as docs/delivery_contract.md describes, one or more files per OLD
province in sub-folders (`personnel/35_ha_nam/roster_2025-06-28.xlsx`), in a mix of CSV
(UTF-8, some with BOM, some `;`-separated), XLSX (several sheets, Vietnamese headers, some as
official forms with a title block, a two-row header, a total row and a signature footer) and
Parquet, plus the ground truth under `out_dir/_manifest/` (never read by ingest). Same seed,
same bytes. Deliveries are as messy as the provinces' (`deliveries.py`, knobs in `config.py`):
rosters from January 2025 (some provinces only June, some March and June, some monthly),
dated each province's way (the 28th to the last day, or mid-month; from July 2025 the new
province's way), with supplements, second copies, months not delivered, rejected or
incomplete; decisions listing several people under one number.

Ground truth in `_manifest/`:

| file | one row per | columns |
|---|---|---|
| `defects.csv` | injected defect | file, sheet, row (spreadsheet row), column, kind, value; file-level kinds `missing_required_column`, `duplicate_file` (value: the first file) have no row |
| `deliveries.csv` | province and report month | period (pre/post), province_code (old for pre, new for post), report_month, snapshot_dates, date_style, is_deviation, status (delivered / not_delivered / rejected / incomplete), incident, rows_delivered, rows_full, files |
| `layouts.csv` | file and sheet | file, sheet, form, header_rows, number_row, first_data_row, last_data_row, blank_rows, total_row, footer_rows, data_rows, rows_skipped, snapshot_source (column / file_name / title), title_date |
| `payments.csv` | decision (decision_no and national_id) | truth, expected_total_vnd, amount_paid_vnd, decree, policy, failed_rule, leave_date, old_province, basis_snapshot_date |
| `leavers.csv`, `joiners.csv`, `transfers.csv`, `quota_deviations.csv`, `summary.json` | leaver, joiner, transfer, commune | as named |

`provinces`: "default" (new provinces 04 Cao Bằng unchanged, 33 Hưng Yên = old 33+34,
37 Ninh Bình = old 35+36+37), "all" (the 34), or comma-separated NEW codes ("04,33").

Unit codes (readable, deterministic; `pre` and `post` never share a code):

| period | level | code | example |
|---|---|---|---|
| pre | province agency | `T<old province>-<agency>` | `T35-SNV` (Sở Nội vụ tỉnh Hà Nam) |
| pre | district agency | `H<district>-<agency>` | `H351-PNV` (Phòng Nội vụ) |
| pre | commune agency | `X<commune>-<agency>` | `X13351-UBND`, `-HDND`, `-DU`, `-MTTQ` |
| post | province agency | `TM<new province>-<agency>` | `TM37-SNV` |
| post | commune agency | `XM<new commune>-<agency>` | `XM13351-VP`, `-UBND`, `-HDND`, `-PKT`, `-PVHXH`, `-TTHCC`, `-DU`, `-MTTQ` |

Post commune government units (HĐND, UBND, VP, PKT, PVHXH) carry quotas that add up per
new commune to the docs/rules.md S2 norm (`units.commune_quota_norm`), except a listed minority
(`_manifest/quota_deviations.csv`). No Dagster import in this package.
"""

from dagster_project.synth.generate import generate

__all__ = ["generate"]
