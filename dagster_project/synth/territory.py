"""The real map: old and new provinces, districts and communes, and their lineage, read
from the shipped reference CSVs (data/raw/reference/, see its PROVENANCE.md)."""

import csv
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.settings import SHIPPED_REFERENCE_DIR
from dagster_project.synth import config


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def slug(name: str) -> str:
    """`Tỉnh Hà Nam` -> `ha_nam` (ASCII, for folder names)."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "_".join("".join(c if c.isalnum() else " " for c in text).split())


def lower_first(name: str) -> str:
    """`Tỉnh Hà Nam` -> `tỉnh Hà Nam`, as the name reads inside a longer unit name."""
    return name[:1].lower() + name[1:]


@dataclass
class Territory:
    new_provinces: list[str]
    old_provinces: list[str]
    new_of_old: dict[str, str]
    old_of_new: dict[str, list[str]]
    provinces_pre: dict[str, dict]
    provinces_post: dict[str, dict]
    districts: dict[str, dict]  # pre districts of the selected old provinces
    communes_pre: dict[str, dict]
    communes_post: dict[str, dict]
    lineage: list[dict]  # commune lineage rows whose old province is selected
    folder: dict[str, str] = field(default_factory=dict)  # old province -> "35_ha_nam"

    @property
    def n_old_communes(self) -> int:
        return len(self.communes_pre)


def parse_provinces(provinces: str, all_new: list[str]) -> list[str]:
    if provinces == "default":
        return list(config.DEFAULT_PROVINCES)
    if provinces == "all":
        return sorted(all_new)
    codes = sorted({c.strip().zfill(2) for c in provinces.split(",") if c.strip()})
    unknown = [c for c in codes if c not in all_new]
    if unknown or not codes:
        raise ValueError(
            f"unknown new province code(s) {unknown or provinces!r}; "
            f"expected 'default', 'all' or codes among {sorted(all_new)}"
        )
    return codes


def load(provinces: str = "default", reference_dir: Path = SHIPPED_REFERENCE_DIR) -> Territory:
    pre = _read(reference_dir / "units_pre_2025.csv")
    post = _read(reference_dir / "units_post_2025.csv")
    lin_p = _read(reference_dir / "lineage_provinces.csv")
    lin_c = _read(reference_dir / "lineage_communes.csv")

    all_new = sorted({r["new_province_code"] for r in lin_p})
    new_codes = parse_provinces(provinces, all_new)
    new_of_old = {r["old_province_code"]: r["new_province_code"] for r in lin_p
                  if r["new_province_code"] in new_codes}
    old_codes = sorted(new_of_old)
    old_of_new: dict[str, list[str]] = {n: [] for n in new_codes}
    for o in old_codes:
        old_of_new[new_of_old[o]].append(o)

    t = Territory(
        new_provinces=new_codes,
        old_provinces=old_codes,
        new_of_old=new_of_old,
        old_of_new=old_of_new,
        provinces_pre={r["code"]: r for r in pre
                       if r["level"] == "province" and r["code"] in new_of_old},
        provinces_post={r["code"]: r for r in post
                        if r["level"] == "province" and r["code"] in old_of_new},
        districts={r["code"]: r for r in pre
                   if r["level"] == "district" and r["province_code"] in new_of_old},
        communes_pre={r["code"]: r for r in pre
                      if r["level"] == "commune" and r["province_code"] in new_of_old},
        communes_post={r["code"]: r for r in post
                       if r["level"] == "commune" and r["province_code"] in old_of_new},
        lineage=[r for r in lin_c if r["old_province_code"] in new_of_old],
    )
    t.folder = {o: f"{o}_{slug(t.provinces_pre[o]['name'])}" for o in old_codes}
    return t
