"""One dbt data test run on a warehouse made for it: the table it reads, holding given rows."""

import duckdb

from dagster_project.dbt_project import prepare_manifest, run_dbt


def run_data_test(tmp_path, test: str, table: str, columns: str, rows: list[tuple],
                  others: dict[str, tuple[str, list[tuple]]] | None = None) -> str:
    """dbt test `test` on a warehouse whose `table` ("schema.name", `columns` as in a create
    table) holds `rows`, and each of `others` (table -> (columns, rows)) its own: dbt's output."""
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        for name, (names_and_types, values) in {table: (columns, rows), **(others or {})}.items():
            con.execute(f"create schema if not exists {name.split('.')[0]}")
            con.execute(f"create table {name} ({names_and_types})")
            if values:
                con.executemany(f"insert into {name} values ({', '.join('?' * len(values[0]))})", values)
    # A target folder of its own (run_dbt gives it the project's parse): nothing written beside
    # the project's manifest, which other tests read and replace.
    prepare_manifest()
    target = tmp_path / "target"
    result = run_dbt(["test", "--select", test, "--target-path", str(target), "--log-path", str(target)],
                     warehouse, check=False, capture_output=True, text=True)
    return result.stdout + result.stderr
