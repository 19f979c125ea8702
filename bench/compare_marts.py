"""Compare two warehouses table by table: the marts of a build before and after a change.

    python bench/compare_marts.py BEFORE.duckdb AFTER.duckdb [--schema marts]

For every table of the schema in either warehouse: the row counts, the columns only one side
has, and the rows only one side has (EXCEPT ALL both ways over the shared columns, so a
duplicated row counts). A table is ``identical`` when it has the same columns and no row is
on one side only. Exits 1 when any table differs, so it can gate a refactoring.
"""

from __future__ import annotations

import argparse
import sys

import duckdb


def tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [catalog, schema],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def compare(before: str, after: str, schema: str = "marts") -> list[dict]:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")  # its bars would fill make bench's output
    con.execute(f"attach '{before}' as a (read_only)")
    con.execute(f"attach '{after}' as b (read_only)")
    left, right = tables(con, "a", schema), tables(con, "b", schema)
    report = []
    for name in sorted(set(left) | set(right)):
        row = {"table": name, "rows_before": None, "rows_after": None,
               "only_before": None, "only_after": None, "columns": ""}
        if name in left:
            row["rows_before"] = con.execute(f'select count(*) from a.{schema}."{name}"').fetchone()[0]
        if name in right:
            row["rows_after"] = con.execute(f'select count(*) from b.{schema}."{name}"').fetchone()[0]
        if name not in left or name not in right:
            row["status"] = "only_after" if name not in left else "only_before"
            report.append(row)
            continue
        shared = [c for c in left[name] if c in right[name]]
        extra = [f"-{c}" for c in left[name] if c not in right[name]]
        extra += [f"+{c}" for c in right[name] if c not in left[name]]
        row["columns"] = " ".join(extra)
        cols = ", ".join(f'"{c}"' for c in shared)
        for side, first, second in (("only_before", "a", "b"), ("only_after", "b", "a")):
            row[side] = con.execute(
                f'select count(*) from (select {cols} from {first}.{schema}."{name}" '
                f'except all select {cols} from {second}.{schema}."{name}")'
            ).fetchone()[0]
        same_rows = row["only_before"] == 0 and row["only_after"] == 0
        row["status"] = "identical" if same_rows and not extra else (
            "same_rows_new_columns" if same_rows else "differs")
        report.append(row)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--schema", default="marts")
    args = parser.parse_args()
    report = compare(args.before, args.after, args.schema)
    print(f"{'table':42} {'status':22} {'rows_before':>11} {'rows_after':>11} "
          f"{'only_before':>11} {'only_after':>11}  columns")
    for r in report:
        print(f"{r['table']:42} {r['status']:22} {r['rows_before']!s:>11} {r['rows_after']!s:>11} "
              f"{r['only_before']!s:>11} {r['only_after']!s:>11}  {r['columns']}")
    return 0 if all(r["status"] == "identical" for r in report) else 1


if __name__ == "__main__":
    sys.exit(main())
