"""Tier 2: the definitions load, and the graph matches the reviewed snapshot.

A graph change (asset, check, job, schedule or sensor added or removed) shows up as a diff
of tests/snapshots/definitions.txt. Regenerate it with
`SAPNHAP_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/foundation/test_definitions.py`
and review the diff.
"""

import os
from pathlib import Path

from dagster import AssetKey

SNAPSHOT = Path(__file__).resolve().parent.parent / "snapshots" / "definitions.txt"


def _describe(defs) -> str:
    graph = defs.resolve_asset_graph()
    lines = ["# assets"]
    lines += sorted(k.to_user_string() for k in graph.get_all_asset_keys())
    lines.append("# checks")
    lines += sorted(f"{c.asset_key.to_user_string()}:{c.name}" for c in graph.asset_check_keys)
    lines.append("# jobs")
    lines += sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
    lines.append("# schedules")
    lines += sorted(s.name for s in defs.schedules or [])
    lines.append("# sensors")
    lines += sorted(s.name for s in defs.sensors or [])
    return "\n".join(lines) + "\n"


def test_definitions_load_and_match_the_snapshot():
    from dagster_project.definitions import defs

    defs.validate_loadable(defs)
    described = _describe(defs)
    if os.environ.get("SAPNHAP_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(described)
    assert described == SNAPSHOT.read_text()


def test_everything_touching_duckdb_runs_in_the_duckdb_pool():
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        assets_def = node.assets_def
        pools = {op.pool for op in assets_def.node_def.iterate_op_defs()}
        assert pools == {"duckdb"}, f"{key.to_user_string()} runs in pools {pools}"


def test_dbt_sources_meet_the_python_assets_by_key():
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    stg = graph.get(AssetKey(["staging", "stg_reference__units_pre"]))
    assert AssetKey(["raw", "ref_units_pre"]) in stg.parent_keys
    assert graph.get(AssetKey(["raw", "ref_units_pre"])).is_materializable
    published = graph.get(AssetKey(["published", "warehouse"]))
    assert AssetKey(["marts", "dim_commune"]) in published.parent_keys


def test_seeds_are_the_parameters_group_and_no_group_is_called_rules():
    # "rules" is the schema of the seeds and the name of the policy and quarantine rule
    # modules; the Dagster group of the seeds says what they are: the rules' parameters.
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    seeds = {graph.get(k).group_name for k in graph.get_all_asset_keys() if k.path[0] == "rules"}
    assert seeds == {"parameters"}
    assert "rules" not in groups
