"""The entry point: lay out the delivery files per old province, write them, and write the
ground truth under `_manifest/`."""

import json
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from tqdm import tqdm

from dagster_project.contract import DECISIONS, LINEAGE, PERSONNEL, UNITS
from dagster_project.synth import config, territory, timeline, units
from dagster_project.synth.files import FileSpec, Sheet, write

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


def _post_modes(old_provinces: list[str], seed: int) -> dict[str, str]:
    """Each old province delivers post-merger rosters one way; a small selection still
    shows all three ways."""
    rng = np.random.default_rng([seed, 21])
    order = list(rng.permutation(old_provinces))
    modes = {}
    guaranteed = ["csv_monthly", "parquet_yearly", "xlsx_quarterly"]
    for i, o in enumerate(order):
        modes[o] = guaranteed[i] if i < len(guaranteed) and len(order) >= 3 else _choice(
            rng, config.POST_MODES)
    if "csv_monthly" not in modes.values():  # one file must be able to miss a column
        modes[order[0]] = "csv_monthly"
    return modes


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


def plan(t, u, tl, seed: int, clean: bool):
    """Yield FileSpecs (lazily: each builds its frames when asked)."""
    persons = tl.persons
    snaps = tl.snapshots
    modes = _post_modes(t.old_provinces, seed)
    # rows protected from quarantine defects: each decision's basis roster row
    snap_np = np.array([s.isoformat() for s in snaps], dtype="datetime64[D]")
    dec = tl.decisions
    k = np.maximum(np.searchsorted(snap_np, dec["leave_date"].to_numpy().astype("datetime64[D]"),
                                   side="left") - 1, 0)
    protected = {i: set() for i in range(len(snaps))}
    for nid, kk in zip(dec["national_id"].to_list(), k.tolist(), strict=True):
        protected[kk].add(nid)
    # the file that misses a required column: a monthly CSV with no protected rows, not the
    # last month if possible
    csv_provs = sorted(o for o, m in modes.items() if m == "csv_monthly")
    cand_k = [i for i in range(1, len(snaps)) if not protected[i]] or list(range(1, len(snaps)))
    cand_k = [i for i in cand_k if i != len(snaps) - 1] or cand_k
    missing = (csv_provs[0], cand_k[len(cand_k) // 2]) if (csv_provs and not clean) else None

    unit_rows = pl.DataFrame(u.rows, schema={**{c: pl.Utf8 for c in UNITS.column_names},
                                             "staffing_quota": pl.Int64, "_old": pl.Utf8})
    unit_rows = unit_rows.with_columns(
        pl.col("arrangement_date").replace("", None).str.to_date(),
        *[pl.col(c).replace("", None) for c in ("district_code", "commune_code")])
    edges = pl.DataFrame(u.edges, schema={"old_unit_code": pl.Utf8, "new_unit_code": pl.Utf8,
                                          "share": pl.Float64, "event": pl.Utf8,
                                          "legal_basis": pl.Utf8, "_old": pl.Utf8})
    edges = edges.with_columns(pl.col("legal_basis").replace("", None))

    for o in t.old_provinces:
        rng = np.random.default_rng([seed, int(o), 31])
        f = t.folder[o]
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

        def frame(kk, po=po, with_date=True):
            r = timeline.roster(po, snaps, kk)
            r = r.with_columns(pl.col("national_id").is_in(list(protected[kk])).alias("_protect"))
            return r if with_date else r.drop("snapshot_date")

        pre_fmt = "xlsx" if rng.random() < config.PRE_XLSX_SHARE else _choice(
            rng, (("csv", 0.6), ("parquet", 0.4)))
        if pre_fmt == "xlsx":
            r0 = frame(0, with_date=False)
            dist = r0["unit_code"].map_elements(lambda c: _district_of(c, t), return_dtype=pl.Utf8)
            r0 = r0.with_columns(dist.alias("_d"))
            used: set[str] = set()
            sheets = [Sheet(_sheet_name("Cấp tỉnh", used), r0.filter(pl.col("_d") == "").drop("_d"))]
            for d in sorted(set(dist.to_list()) - {""}):
                name = territory.lower_first(t.districts[d]["name"])
                name = name[:1].upper() + name[1:]
                sheets.append(Sheet(_sheet_name(name, used),
                                    r0.filter(pl.col("_d") == d).drop("_d")))
            yield FileSpec(f"personnel/{f}/roster_2025-06-30.xlsx", "xlsx", PERSONNEL, sheets,
                           _header_mode(rng, "xlsx"), defects=not clean)
        else:
            with_date = pre_fmt == "parquet"
            yield FileSpec(f"personnel/{f}/roster_2025-06-30.{pre_fmt}", pre_fmt, PERSONNEL,
                           [Sheet(None, frame(0, with_date=with_date))],
                           _header_mode(rng, pre_fmt), defects=not clean, **_csv_opts(rng))
        mode = modes[o]
        post_k = list(range(1, len(snaps)))
        if mode == "csv_monthly":
            for kk in post_k:
                with_date = rng.random() >= config.CSV_DATE_IN_NAME_SHARE
                drop = "si_months" if missing == (o, kk) else None
                yield FileSpec(f"personnel/{f}/roster_{snaps[kk].isoformat()}.csv", "csv",
                               PERSONNEL, [Sheet(None, frame(kk, with_date=with_date))],
                               _header_mode(rng, "csv"), defects=not clean and drop is None,
                               drop_column=drop, **_csv_opts(rng))
        elif mode == "parquet_yearly":
            for year in sorted({snaps[kk].year for kk in post_k}):
                ks = [kk for kk in post_k if snaps[kk].year == year]
                yield FileSpec(f"personnel/{f}/roster_{year}.parquet", "parquet", PERSONNEL,
                               [Sheet(None, pl.concat([frame(kk) for kk in ks]))],
                               _header_mode(rng, "parquet"), defects=not clean)
        else:
            quarters: dict[tuple[int, int], list[int]] = {}
            for kk in post_k:
                quarters.setdefault((snaps[kk].year, (snaps[kk].month - 1) // 3 + 1), []).append(kk)
            for (year, q), ks in sorted(quarters.items()):
                sheets = [Sheet(f"T{snaps[kk].month:02d}-{year}", frame(kk)) for kk in ks]
                yield FileSpec(f"personnel/{f}/roster_{year}_Q{q}.xlsx", "xlsx", PERSONNEL,
                               sheets, _header_mode(rng, "xlsx"), defects=not clean)
        # decisions
        do = dec.filter(pl.col("old_province") == o).select(DECISIONS.column_names)
        if do.height:
            fmt = _choice(rng, (("csv", 0.45), ("xlsx", 0.3), ("parquet", 0.25)))
            if fmt == "xlsx":
                sheets = [Sheet(n, do.filter(pl.col("decree") == d))
                          for n, d in (("NĐ 178", "178"), ("NĐ 154", "154"))]
                sheets = [s for s in sheets if s.frame.height]
            else:
                sheets = [Sheet(None, do)]
            yield FileSpec(f"decisions/{f}/decisions_{o}.{fmt}", fmt, DECISIONS, sheets,
                           _header_mode(rng, fmt), defects=not clean, **_csv_opts(rng))


def _count_files(t, tl, seed: int) -> int:
    """How many files `plan` writes (for the progress bar)."""
    snaps = tl.snapshots[1:]
    per_mode = {"csv_monthly": len(snaps),
                "parquet_yearly": len({s.year for s in snaps}),
                "xlsx_quarterly": len({(s.year, (s.month - 1) // 3) for s in snaps})}
    with_decisions = set(tl.decisions["old_province"].unique().to_list())
    return sum(3 + per_mode[m] + (o in with_decisions)
               for o, m in _post_modes(t.old_provinces, seed).items())


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
    pre = p.filter(pl.col("join_date") < date(2025, 6, 30))
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


def generate(out_dir: Path, provinces: str = "default", scale: float = 1.0,
             through: str = config.DEFAULT_THROUGH, seed: int = config.DEFAULT_SEED,
             clean: bool = False, progress: bool = True) -> dict:
    """Write a synthetic delivery set under `out_dir`; see the package docstring."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t = territory.load(provinces)
    u = units.build(t, seed, scale)
    bar = tqdm(total=len(t.old_provinces), desc="people", unit="province",
               disable=not progress, file=None)
    tl = timeline.build(t, u, seed, scale, through, progress=bar)
    bar.close()
    specs = plan(t, u, tl, seed, clean)
    n_files = _count_files(t, tl, seed)
    rows = dict.fromkeys(FOLDERS, 0)
    sizes = dict.fromkeys(FOLDERS, 0)
    files = dict.fromkeys(FOLDERS, 0)
    fmt_rows: dict[str, int] = {}
    manifest: list[dict] = []
    bar = tqdm(total=n_files, desc="files", unit="file", disable=not progress)
    for i, spec in enumerate(specs):
        folder = spec.rel.split("/", 1)[0]
        w = write(out_dir, spec, [seed, 41, i])
        rows[folder] += w.rows
        sizes[folder] += w.bytes
        files[folder] += 1
        fmt_rows[f"{folder}.{spec.fmt}"] = fmt_rows.get(f"{folder}.{spec.fmt}", 0) + w.rows
        manifest.extend(w.manifest)
        if spec.drop_column:
            manifest.append({"file": spec.rel, "sheet": "", "row": None,
                             "column": spec.drop_column, "kind": "missing_required_column",
                             "value": ""})
        bar.update(1)
    bar.close()

    mdir = out_dir / "_manifest"
    mdir.mkdir(exist_ok=True)
    pl.DataFrame(manifest, schema={"file": pl.Utf8, "sheet": pl.Utf8, "row": pl.Int64,
                                   "column": pl.Utf8, "kind": pl.Utf8, "value": pl.Utf8}
                 ).write_csv(mdir / "defects.csv")
    tl.decisions.select("decision_no", "national_id", "truth", "expected_total_vnd",
                        "amount_paid_vnd", "decree", "policy", "failed_rule"
                        ).write_csv(mdir / "payments.csv")
    tl.leavers.select("national_id", "leave_month", "reason", "leave_date"
                      ).write_csv(mdir / "leavers.csv")
    tl.joiners.write_csv(mdir / "joiners.csv")
    tl.transfers.write_csv(mdir / "transfers.csv")
    qd = pl.DataFrame({"commune_code": list(u.quota_deviates),
                       "quota_minus_norm": list(u.quota_deviates.values())},
                      schema={"commune_code": pl.Utf8, "quota_minus_norm": pl.Int64})
    qd.sort("commune_code").write_csv(mdir / "quota_deviations.csv")
    summary = {
        "provinces": t.new_provinces, "old_provinces": t.old_provinces,
        "old_communes": t.n_old_communes, "scale": scale, "through": through, "seed": seed,
        "clean": clean, "rows": rows, "bytes": sizes, "files": files, "rows_by_format": fmt_rows,
        "persons": tl.persons.height, "snapshots": len(tl.snapshots),
        "decisions": tl.decisions.height,
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
