"""Synthetic personnel deliveries for sapnhap (issue 3): the demo data set and the test bed.

`generate(out_dir, provinces="default", scale=1.0, through="2026-10", seed=20250701,
clean=False, progress=True) -> dict` writes `units/`, `lineage/`, `personnel/` and
`decisions/` under `out_dir` as DATA_CONTRACT.md describes, one or more files per OLD
province in sub-folders (`personnel/35_ha_nam/roster_2025-06-30.xlsx`), in a mix of CSV
(UTF-8, some with BOM, some `;`-separated), XLSX (several sheets, Vietnamese headers) and
Parquet, plus the ground truth under `out_dir/_manifest/` (never read by ingest):
`defects.csv`, `payments.csv`, `leavers.csv`, `joiners.csv`, `transfers.csv`,
`quota_deviations.csv`, `summary.json`. Same seed, same bytes.

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
new commune to the POLICY §7.2 norm (`units.commune_quota_norm`), except a listed minority
(`_manifest/quota_deviations.csv`). No Dagster import in this package.
"""

from dagster_project.synth.generate import generate

__all__ = ["generate"]
