"""The entry point: lay out the delivery files per old province, write them, and write the
ground truth under `_manifest/`."""

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from tqdm import tqdm

from dagster_project.contract import DECISIONS, LINEAGE, PERSONNEL, UNITS
from dagster_project.synth import config, deliveries, territory, timeline, units
from dagster_project.synth.config import MERGER
from dagster_project.synth.files import FileSpec, Form, Sheet, write
from dagster_project.synth.names import full_names

FOLDERS = ("units", "lineage", "personnel", "decisions")


def _choice(rng, table):
    labels = [x for x, _ in table]
    w = np.array([p for _, p in table], float)
    return labels[int(rng.choice(len(labels), p=w / w.sum()))]


def _csv_opts(rng) -> dict:
    return {"sep": ";" if rng.random() < config.CSV_SEMICOLON_SHARE else ",",
            "bom": bool(rng.random() < config.CSV_BOM_SHARE)}


def _header_mode(rng, fmt: str) -> str:
    if fmt == "xlsx":
        return "vietnamese" if rng.random() < 0.7 else "mixed"
    return _choice(rng, config.HEADER_MODES)


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31]
    out, i = base, 2
    while out in used:
        suffix = f" ({i})"
        out, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(out)
    return out


def _district_of(code: str, t: territory.Territory) -> str:
    if code.startswith("H"):
        return code[1:4]
    if code.startswith("X"):
        return t.communes_pre[code[1:6]]["district_code"]
    return ""


def _bare_province(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


ROSTER_TITLE = "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG"
DECISION_TITLE = ("DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC NGHỈ VIỆC THEO NGHỊ ĐỊNH "
                  "178/2024/NĐ-CP VÀ NGHỊ ĐỊNH 154/2025/NĐ-CP")
DATE_LABELS = ("Thời điểm báo cáo: {}", "(Tính đến ngày {})", "Số liệu tính đến ngày {}")
NOTES = ["Hướng dẫn lập biểu", "- Ghi đủ 12 chữ số của số định danh cá nhân",
         "- Ngày tháng ghi theo định dạng ngày/tháng/năm", "- Không chèn thêm cột"]


def _form(rng, t, province: str, post: bool, title: str, dated: bool, signed: date) -> Form:
    """An official form of the Department of Home Affairs of `province` (old code before the
    merger, new code after)."""
    name = (t.provinces_post if post else t.provinces_pre)[province]["name"]
    signers = full_names(rng, rng.random(2) < 0.5)
    return Form(
        left=(f"UBND {name.upper()}", "SỞ NỘI VỤ"), place=_bare_province(name), title=title,
        date_label=DATE_LABELS[int(rng.integers(0, len(DATE_LABELS)))] if dated else None,
        signed=signed, group_header=bool(rng.random() < config.FORM_GROUP_HEADER),
        number_row=bool(rng.random() < config.FORM_NUMBER_ROW),
        blank_row=bool(rng.random() < config.FORM_BLANK_ROW), signers=(signers[0], signers[1]))


@dataclass
class Tally:
    """What was delivered per (old province, month index): rows on the full roster, rows in
    files that load, and the files."""

    full: dict = field(default_factory=dict)
    delivered: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    def add(self, key, full: int, delivered: int, rel: str | None) -> None:
        self.full[key] = max(self.full.get(key, 0), full)
        self.delivered[key] = self.delivered.get(key, 0) + delivered
        if rel is not None:
            self.files.setdefault(key, set()).add(rel)


def _rating_styles(olds: list[str], seed: int) -> tuple[set[str], set[str]]:
    """OLD provinces whose rosters lack the rating columns, and those writing the rating in
    Vietnamese. A selection of 3+ old provinces has both kinds and one of each style."""
    rng = np.random.default_rng([seed, 98])
    unrated = {o for o, x in zip(olds, rng.random(len(olds)), strict=True)
               if x < config.RATING_ABSENT_SHARE}
    vietnamese = {o for o, x in zip(olds, rng.random(len(olds)), strict=True)
                  if x < config.RATING_VIETNAMESE_SHARE} - unrated
    if len(olds) >= 3:
        unrated = unrated or {olds[-1]}
        rated = [o for o in olds if o not in unrated]
        rated += [o for o in olds if o not in rated][:max(0, 2 - len(rated))]
        unrated -= set(rated)
        vietnamese = ((vietnamese - unrated) | {rated[0]}) - {rated[1]}
    return unrated, vietnamese


def plan(t, u, tl, seed: int, clean: bool, tally: Tally):  # noqa: C901 - one province at a time
    """Yield FileSpecs (lazily: each builds its frames when asked), per old province: units,
    lineage, the rosters of the delivery plan (with its incidents), decisions."""
    persons = tl.persons
    dp = tl.plan
    dec = tl.decisions
    protected: dict[tuple[str, int], set] = {}
    for o, mi, nid in dec.select("old_province", "basis_month", "national_id").iter_rows():
        protected.setdefault((o, mi), set()).add(nid)

    unit_rows = pl.DataFrame(u.rows, schema={**{c: pl.Utf8 for c in UNITS.column_names},
                                             "staffing_quota": pl.Int64, "_old": pl.Utf8})
    unit_rows = unit_rows.with_columns(
        pl.col("arrangement_date").replace("", None).str.to_date(),
        *[pl.col(c).replace("", None) for c in ("district_code", "commune_code")])
    edges = pl.DataFrame(u.edges, schema={"old_unit_code": pl.Utf8, "new_unit_code": pl.Utf8,
                                          "share": pl.Float64, "event": pl.Utf8,
                                          "legal_basis": pl.Utf8, "_old": pl.Utf8})
    edges = edges.with_columns(pl.col("legal_basis").replace("", None))
    # a selection of 3+ old provinces shows an official form among its roster workbooks (the
    # first one, dated in its title block only) and among its decision lists
    many = len(t.old_provinces) >= 3 and not clean
    forced = {"roster_form": many}
    decision_form = (t.old_provinces[int(np.random.default_rng([seed, 81]).integers(
        0, len(t.old_provinces)))] if many else None)
    unrated, rated_vi = _rating_styles(t.old_provinces, seed)
    vi_rating = {k: v[0] for k, v in PERSONNEL.column("quality_rating").values.items()}

    for o in t.old_provinces:
        rng = np.random.default_rng([seed, int(o), 31])
        f = t.folder[o]
        new = t.new_of_old[o]
        # units
        ur = unit_rows.filter(pl.col("_old") == o).drop("_old")
        fmt = _choice(rng, (("csv", 0.5), ("xlsx", 0.3), ("parquet", 0.2)))
        if fmt == "xlsx":
            sheets = [Sheet("Trước sắp xếp", ur.filter(pl.col("period") == "pre")),
                      Sheet("Sau sắp xếp", ur.filter(pl.col("period") == "post"))]
            sheets = [s for s in sheets if s.frame.height]
        else:
            sheets = [Sheet(None, ur)]
        yield FileSpec(f"units/{f}/units_{o}.{fmt}", fmt, UNITS, sheets,
                       _header_mode(rng, fmt), defects=not clean, **_csv_opts(rng))
        # lineage
        er = edges.filter(pl.col("_old") == o).drop("_old")
        fmt = _choice(rng, (("csv", 0.5), ("xlsx", 0.2), ("parquet", 0.3)))
        if fmt == "xlsx":
            first = pl.col("old_unit_code").str.slice(0, 1)
            sheets = [Sheet(n, er.filter(first == p)) for n, p in
                      (("Cấp tỉnh", "T"), ("Cấp huyện", "H"), ("Cấp xã", "X"))]
        else:
            sheets = [Sheet(None, er)]
        yield FileSpec(f"lineage/{f}/lineage_{o}.{fmt}", fmt, LINEAGE, sheets,
                       _header_mode(rng, fmt), defects=not clean, **_csv_opts(rng))
        # personnel
        po = persons.filter(pl.col("old_province") == o)
        supplements: list[FileSpec] = []
        copies: list[tuple[str, list[int]]] = []  # (main file, months it covers)

        def month(mi, rng=rng, po=po, o=o, f=f, supplements=supplements):
            """The part's roster for month mi as its main file holds it (cut, or without the
            persons left for the supplement), typed, with `_protect`; queues the supplement."""
            part = dp.parts[(o, mi)]
            r = timeline.roster(po, part.snapshot_date)
            if o in unrated:
                r = r.drop("quality_rating", "rating_year")
            elif o in rated_vi:
                r = r.with_columns(pl.col("quality_rating").replace_strict(vi_rating, default=None))
            full = r.height
            keep = timeline.kept_rows(full, part.keep) if part.status == "truncated" else full
            r = r.head(keep)
            prot = protected.get((o, mi), set())
            r = r.with_columns(pl.col("national_id").is_in(list(prot)).alias("_protect"))
            delivered = 0 if part.status in ("missing", "rejected") else keep
            tally.add((o, mi), full, delivered, None)
            if part.supplement is None or r.height < 10:
                return r
            share, overlap = part.supplement
            idx = rng.permutation(r.height)
            moved = np.sort(idx[:max(1, int(round(share * r.height)))])
            both = np.sort(idx[len(moved):len(moved) + overlap])
            flags = np.zeros(r.height, bool)
            flags[moved] = True
            dup = np.zeros(r.height, bool)
            dup[both] = True
            r = r.with_columns(pl.Series("_move", flags), pl.Series("_both", dup))
            main = r.filter(~pl.col("_move")).with_columns(
                (pl.col("_protect") | pl.col("_both")).alias("_protect")).drop("_move", "_both")
            extra = r.filter(pl.col("_move") | pl.col("_both")).with_columns(
                pl.col("_both").alias("_dup")).drop("_move", "_both", "snapshot_date")
            supplements.append((mi, extra))
            return main

        def supplement_specs(main_rel: str, rng=rng, f=f, o=o, supplements=supplements):
            """The supplement files queued while building `main_rel`."""
            out = []
            stem = main_rel.rsplit(".", 1)[0]
            for mi, extra in supplements:
                d = dp.parts[(o, mi)].snapshot_date.isoformat()
                rel = f"{stem}_bo_sung.csv" if d in stem else f"{stem}_bo_sung_{d}.csv"
                tally.files.setdefault((o, mi), set()).add(rel)
                out.append(FileSpec(rel, "csv", PERSONNEL, [Sheet(None, extra)],
                                    _header_mode(rng, "csv"), defects=not clean,
                                    **_csv_opts(rng)))
            supplements.clear()
            return out

        def files_of(rel: str, mis: list[int], o=o, copies=copies):
            for mi in mis:
                tally.files.setdefault((o, mi), set()).add(rel)
            if any(dp.parts[(o, mi)].copy for mi in mis):
                copies.append((rel, mis))

        def workbook(rel, sheets, post, report, force=False, rng=rng, o=o, new=new):
            """A roster workbook: an official form (FORM_SHARE) or a plain table."""
            form = None
            if (rng.random() < config.FORM_SHARE or force) and not clean:
                form = _form(rng, t, new if post else o, post, ROSTER_TITLE, True,
                             report + timedelta(days=int(rng.integers(3, 13))))
            if rng.random() < config.XLSX_NOTES_SHEET and not clean:
                sheets = [Sheet("Hướng dẫn", pl.DataFrame(), notes=NOTES), *sheets]
            return FileSpec(rel, "xlsx", PERSONNEL, sheets, _header_mode(rng, "xlsx"),
                            defects=not clean, form=form)

        pre = [mi for mi in dp.scheduled(o) if not dp.is_post(mi)]
        pre_fmt = "xlsx" if rng.random() < config.PRE_XLSX_SHARE else _choice(
            rng, (("csv", 0.6), ("parquet", 0.4)))
        for mi in pre:
            d = dp.parts[(o, mi)].snapshot_date
            if pre_fmt == "xlsx":
                title_only = rng.random() < config.FORM_TITLE_DATE_ONLY
                r0 = month(mi).drop("snapshot_date")
                dist = r0["unit_code"].map_elements(lambda c: _district_of(c, t),
                                                    return_dtype=pl.Utf8)
                r0 = r0.with_columns(dist.alias("_d"))
                used: set[str] = set()
                sheets = [Sheet(_sheet_name("Cấp tỉnh", used),
                                r0.filter(pl.col("_d") == "").drop("_d"), report_date=d)]
                for dcode in sorted(set(dist.to_list()) - {""}):
                    name = territory.lower_first(t.districts[dcode]["name"])
                    name = name[:1].upper() + name[1:]
                    sheets.append(Sheet(_sheet_name(name, used),
                                        r0.filter(pl.col("_d") == dcode).drop("_d"), report_date=d))
                force = forced.pop("roster_form", False)
                spec = workbook(f"personnel/{f}/roster_{d.isoformat()}.xlsx", sheets, False, d, force)
                if spec.form is not None and (title_only or force):
                    spec.rel = f"personnel/{f}/roster_T{d.month:02d}-{d.year}.xlsx"
            else:
                with_date = pre_fmt == "parquet"
                r = month(mi)
                spec = FileSpec(f"personnel/{f}/roster_{d.isoformat()}.{pre_fmt}", pre_fmt,
                                PERSONNEL, [Sheet(None, r if with_date else r.drop("snapshot_date"))],
                                _header_mode(rng, pre_fmt), defects=not clean, **_csv_opts(rng))
            files_of(spec.rel, [mi])
            yield spec
        mode = dp.post_mode[o]
        post = [mi for mi in dp.scheduled(o) if dp.is_post(mi)]
        if mode == "csv_monthly":
            for mi in post:
                part = dp.parts[(o, mi)]
                with_date = rng.random() >= config.CSV_DATE_IN_NAME_SHARE
                opts = _csv_opts(rng)
                mode_h = _header_mode(rng, "csv")
                r = month(mi)
                if part.status == "missing":
                    continue
                drop = "si_months" if part.status == "rejected" else None
                rel = f"personnel/{f}/roster_{part.snapshot_date.isoformat()}.csv"
                files_of(rel, [mi])
                yield FileSpec(rel, "csv", PERSONNEL,
                               [Sheet(None, r if with_date else r.drop("snapshot_date"))],
                               mode_h, defects=not clean and drop is None, drop_column=drop,
                               **opts)
                yield from supplement_specs(rel)
        elif mode == "parquet_yearly":
            for year in sorted({dp.months[mi][0] for mi in post}):
                ks = [mi for mi in post if dp.months[mi][0] == year]
                frames = [month(mi) for mi in ks]
                ks_kept = [mi for mi in ks if dp.parts[(o, mi)].status != "missing"]
                frames = [fr for mi, fr in zip(ks, frames, strict=True) if mi in ks_kept]
                rel = f"personnel/{f}/roster_{year}.parquet"
                files_of(rel, ks_kept)
                yield FileSpec(rel, "parquet", PERSONNEL, [Sheet(None, pl.concat(frames))],
                               _header_mode(rng, "parquet"), defects=not clean)
                yield from supplement_specs(rel)
        else:
            quarters: dict[tuple[int, int], list[int]] = {}
            for mi in post:
                y, m = dp.months[mi]
                quarters.setdefault((y, (m - 1) // 3 + 1), []).append(mi)
            for (year, q), ks in sorted(quarters.items()):
                title_only = rng.random() < config.FORM_TITLE_DATE_ONLY
                sheets = []
                for mi in ks:
                    part = dp.parts[(o, mi)]
                    r = month(mi)
                    if part.status != "missing":
                        sheets.append(Sheet(f"T{dp.months[mi][1]:02d}-{year}", r,
                                            report_date=part.snapshot_date))
                kept = [mi for mi in ks if dp.parts[(o, mi)].status != "missing"]
                if not sheets:
                    continue
                rel = f"personnel/{f}/roster_{year}_Q{q}.xlsx"
                force = forced.pop("roster_form", False)
                spec = workbook(rel, sheets, True, sheets[-1].report_date, force)
                if spec.form is not None and (title_only or force):
                    for sh in spec.sheets:
                        if sh.notes is None:
                            sh.frame = sh.frame.drop("snapshot_date")
                files_of(rel, kept)
                yield spec
                yield from supplement_specs(rel)
        for rel, mis in copies:  # sent twice: a second name, the same bytes
            stem, suffix = rel.rsplit(".", 1)
            copy = f"{stem} (1).{suffix}"
            for mi in mis:
                tally.files.setdefault((o, mi), set()).add(copy)
            yield FileSpec(copy, suffix, PERSONNEL, [], copy_of=rel)
        # decisions
        do = dec.filter(pl.col("old_province") == o).select(DECISIONS.column_names)
        if do.height:
            fmt = _choice(rng, (("csv", 0.45), ("xlsx", 0.3), ("parquet", 0.25)))
            fmt = "xlsx" if o == decision_form else fmt
            form = None
            if fmt == "xlsx":
                sheets = [Sheet(n, do.filter(pl.col("decree") == d))
                          for n, d in (("NĐ 178", "178"), ("NĐ 154", "154"))]
                sheets = [s for s in sheets if s.frame.height]
                if (rng.random() < config.FORM_SHARE or o == decision_form) and not clean:
                    last = do["decision_date"].max()
                    post_form = last >= MERGER
                    form = _form(rng, t, new if post_form else o, post_form, DECISION_TITLE,
                                 False, last + timedelta(days=int(rng.integers(3, 13))))
            else:
                sheets = [Sheet(None, do)]
            yield FileSpec(f"decisions/{f}/decisions_{o}.{fmt}", fmt, DECISIONS, sheets,
                           _header_mode(rng, fmt), defects=not clean, form=form, **_csv_opts(rng))


def deliveries_rows(t, dp, tally: Tally) -> list[dict]:
    """The ground truth of what each province delivered for each month (see `generate`)."""
    out = []
    inc = {(n, mi): k for n, mi, k in dp.incidents}
    for mi in range(len(dp.months)):
        post = dp.is_post(mi)
        groups = ([(n, t.old_of_new[n]) for n in t.new_provinces] if post
                  else [(o, [o]) for o in t.old_provinces])
        for code, olds in groups:
            parts = [(o, dp.parts[(o, mi)]) for o in olds if (o, mi) in dp.parts]
            if not parts:
                continue
            status = deliveries.status_of(dp, olds, mi)
            dates = sorted({p.snapshot_date.isoformat() for o, p in parts if p.status != "missing"})
            files = sorted(set().union(*(tally.files.get((o, mi), set()) for o, _p in parts)))
            out.append({
                "period": "post" if post else "pre", "province_code": code,
                "report_month": dp.month_key(mi), "snapshot_dates": ",".join(dates),
                "date_style": dp.post_style[code] if post else dp.pre_style[code],
                "is_deviation": any(p.deviation for _o, p in parts), "status": status,
                "incident": inc.get((code, mi), "") if post else "",
                "rows_delivered": sum(tally.delivered.get((o, mi), 0) for o, _p in parts),
                "rows_full": sum(tally.full.get((o, mi), 0) for o, _p in parts),
                "files": ";".join(files),
            })
    return out


def _count_files(t, dp) -> int:
    """About how many files `plan` writes (for the progress bar)."""
    n = 3 * len(t.old_provinces)
    for o in t.old_provinces:
        post = [mi for mi in dp.scheduled(o) if dp.is_post(mi)]
        n += len(dp.scheduled(o)) - len(post)
        mode = dp.post_mode[o]
        if mode == "csv_monthly":
            n += len(post)
        elif mode == "parquet_yearly":
            n += len({dp.months[mi][0] for mi in post})
        else:
            n += len({(dp.months[mi][0], (dp.months[mi][1] - 1) // 3) for mi in post})
    return n + sum(1 for _n, _m, k in dp.incidents if k in ("supplement", "copy"))


def _peak_rss_mb() -> float:
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except Exception:  # pragma: no cover - non-POSIX
        return float("nan")


def calibration(t, u, tl, scale: float) -> list[dict]:
    """Target vs generated, targets scaled by the share of old communes selected."""
    share = t.n_old_communes / config.NATIONAL_OLD_COMMUNES * scale
    p = tl.persons
    june = config.FIRST_SNAPSHOT
    pre = p.filter((pl.col("join_date") <= june) & (pl.col("leave_date") > june))
    n = {
        "commune_cadres_civil_servants_pre": pre.filter(
            (pl.col("level") == "commune")
            & pl.col("staff_category").is_in(["cadre", "civil_servant"])).height,
        "commune_part_time_pre": pre.filter(pl.col("staff_category") == "commune_part_time").height,
        "district_staff_pre": pre.filter(pl.col("level") == "district").height,
        "provincial_staff_pre": pre.filter(pl.col("level") == "province").height,
        "decree_178_leavers": tl.decisions.filter(pl.col("decree") == "178").height,
    }
    rows = [{"metric": k, "target": round(v * share), "generated": n[k],
             "deviation_pct": round(100 * (n[k] - v * share) / (v * share), 2)}
            for k, v in config.TARGETS.items()]
    per_commune = n["commune_cadres_civil_servants_pre"] / max(1, t.n_old_communes)
    rows.append({"metric": "commune_cadres_civil_servants_per_old_commune", "target": 20.6,
                 "generated": round(per_commune, 2),
                 "deviation_pct": round(100 * (per_commune - 20.6 * scale) / (20.6 * scale), 2)})
    return rows


DEFECT_SCHEMA = {"file": pl.Utf8, "sheet": pl.Utf8, "row": pl.Int64, "column": pl.Utf8,
                 "kind": pl.Utf8, "value": pl.Utf8}
LAYOUT_SCHEMA = {"file": pl.Utf8, "sheet": pl.Utf8, "form": pl.Boolean, "header_rows": pl.Utf8,
                 "number_row": pl.Int64, "first_data_row": pl.Int64, "last_data_row": pl.Int64,
                 "blank_rows": pl.Utf8, "total_row": pl.Int64, "footer_rows": pl.Utf8,
                 "data_rows": pl.Int64, "rows_skipped": pl.Int64, "snapshot_source": pl.Utf8,
                 "title_date": pl.Date}
DELIVERY_SCHEMA = {"period": pl.Utf8, "province_code": pl.Utf8, "report_month": pl.Utf8,
                   "snapshot_dates": pl.Utf8, "date_style": pl.Utf8, "is_deviation": pl.Boolean,
                   "status": pl.Utf8, "incident": pl.Utf8, "rows_delivered": pl.Int64,
                   "rows_full": pl.Int64, "files": pl.Utf8}


def generate(out_dir: Path, provinces: str = "default", scale: float = 1.0,
             through: str = config.DEFAULT_THROUGH, seed: int = config.DEFAULT_SEED,
             clean: bool = False, progress: bool = True) -> dict:
    """Write a synthetic delivery set under `out_dir`; see the package docstring."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = territory.load(provinces)
    u = units.build(t, seed, scale)
    communes = {}
    for r in t.communes_pre.values():
        communes[r["province_code"]] = communes.get(r["province_code"], 0) + 1
    dp = deliveries.build(t.old_of_new, communes, seed, through, clean)
    bar = tqdm(total=len(t.old_provinces), desc="people", unit="province",
               disable=not progress, file=None)
    tl = timeline.build(t, u, dp, seed, scale, progress=bar)
    bar.close()
    tally = Tally()
    specs = plan(t, u, tl, seed, clean, tally)
    rows = dict.fromkeys(FOLDERS, 0)
    sizes = dict.fromkeys(FOLDERS, 0)
    files = dict.fromkeys(FOLDERS, 0)
    fmt_rows: dict[str, int] = {}
    manifest: list[dict] = []
    layouts: list[dict] = []
    by_file: dict[str, tuple[list[dict], list[dict], int]] = {}
    bar = tqdm(total=_count_files(t, dp), desc="files", unit="file", disable=not progress)
    for i, spec in enumerate(specs):
        folder = spec.rel.split("/", 1)[0]
        w = write(out_dir, spec, [seed, 41, i])
        if spec.copy_of is not None:  # the same bytes: the same defects and layout
            found, lays, n = by_file[spec.copy_of]
            w.manifest = [m | {"file": spec.rel} for m in found]
            w.layouts = [x | {"file": spec.rel} for x in lays]
            w.rows = n
            first, later = sorted((spec.copy_of, spec.rel))
            manifest.append({"file": later, "sheet": "", "row": None, "column": "",
                             "kind": "duplicate_file", "value": first})
        by_file[spec.rel] = (w.manifest, w.layouts, w.rows)
        rows[folder] += w.rows
        sizes[folder] += w.bytes
        files[folder] += 1
        fmt_rows[f"{folder}.{spec.fmt}"] = fmt_rows.get(f"{folder}.{spec.fmt}", 0) + w.rows
        manifest.extend(w.manifest)
        layouts.extend(w.layouts)
        if spec.drop_column:
            manifest.append({"file": spec.rel, "sheet": "", "row": None,
                             "column": spec.drop_column, "kind": "missing_required_column",
                             "value": ""})
        bar.update(1)
    bar.close()

    mdir = out_dir / "_manifest"
    mdir.mkdir(exist_ok=True)
    pl.DataFrame(manifest, schema=DEFECT_SCHEMA).write_csv(mdir / "defects.csv")
    pl.DataFrame(layouts, schema=LAYOUT_SCHEMA).sort("file", "sheet", nulls_last=False
                                                     ).write_csv(mdir / "layouts.csv")
    delivered = pl.DataFrame(deliveries_rows(t, dp, tally), schema=DELIVERY_SCHEMA)
    delivered.write_csv(mdir / "deliveries.csv")
    tl.decisions.select("decision_no", "national_id", "truth", "expected_total_vnd",
                        "amount_paid_vnd", "decree", "policy", "failed_rule", "leave_date",
                        "old_province", "basis_snapshot_date"
                        ).write_csv(mdir / "payments.csv")
    tl.leavers.select("national_id", "leave_month", "reason", "leave_date"
                      ).write_csv(mdir / "leavers.csv")
    tl.joiners.write_csv(mdir / "joiners.csv")
    tl.transfers.write_csv(mdir / "transfers.csv")
    qd = pl.DataFrame({"commune_code": list(u.quota_deviates),
                       "quota_minus_norm": list(u.quota_deviates.values())},
                      schema={"commune_code": pl.Utf8, "quota_minus_norm": pl.Int64})
    qd.sort("commune_code").write_csv(mdir / "quota_deviations.csv")
    group_sizes = tl.decisions.group_by("decision_no", "old_province").len()["len"]
    summary = {
        "provinces": t.new_provinces, "old_provinces": t.old_provinces,
        "old_communes": t.n_old_communes, "scale": scale, "through": through, "seed": seed,
        "clean": clean, "rows": rows, "bytes": sizes, "files": files, "rows_by_format": fmt_rows,
        "persons": tl.persons.height, "months": len(dp.months),
        "roster_deliveries_by_status": dict(sorted(
            delivered.group_by("status").len().iter_rows())),
        "incidents": [f"{n} {dp.month_key(mi)} {k}" for n, mi, k in dp.incidents],
        "pre_history": dict(sorted(dp.pre_history.items())),
        "decisions": tl.decisions.height,
        "decisions_listing_several": int((group_sizes > 1).sum()),
        "defects": len(manifest),
        "defects_by_kind": dict(sorted(
            pl.DataFrame({"k": [m["kind"] for m in manifest]}, schema={"k": pl.Utf8})
            .group_by("k").len().iter_rows())),
        "leavers_by_reason": dict(sorted(tl.leavers.group_by("reason").len().iter_rows())),
        "decisions_by_truth": dict(sorted(tl.decisions.group_by("truth").len().iter_rows())),
        "joiners": tl.joiners.height, "transfers": tl.transfers.height,
        "calibration": calibration(t, u, tl, scale),
    }
    # wall time and memory go in the returned summary only, so the manifest stays
    # byte-identical for the same seed
    (mdir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    summary["seconds"] = round(time.perf_counter() - t0, 1)
    summary["peak_rss_mb"] = round(_peak_rss_mb(), 0)
    summary["out_dir"] = str(out_dir)
    return summary
