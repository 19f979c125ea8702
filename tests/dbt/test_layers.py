"""The dbt layers call downwards only, and every model names what it reads in its own file.

Walks dbt/target/manifest.json (built by `dbt parse`):

- staging models read sources only; intermediate models read staging, intermediate models
  and seeds; marts read anything below them (staging, intermediate, seeds) or other marts;
  only staging calls source();
- every ref() and source() a model depends on is written in the model's file, so its inputs
  can be read there (no model whose body is a macro that refs other models).
"""

import json
import re

import pytest

from dagster_project.dbt_project import prepare_manifest

ALLOWED = {
    "staging": {"source"},
    "intermediate": {"staging", "intermediate", "seed"},
    "marts": {"staging", "intermediate", "seed", "marts"},
}
REF = re.compile(r"""\bref\(\s*['"]([\w]+)['"]\s*\)""")
SOURCE = re.compile(r"""\bsource\(\s*['"]([\w]+)['"]\s*,\s*['"]([\w]+)['"]\s*\)""")


def layer(node: dict) -> str:
    """staging / intermediate / marts for a model (its folder), seed, source."""
    if node["resource_type"] != "model":
        return node["resource_type"]
    folder = node["original_file_path"].split("/")
    return folder[1] if len(folder) > 2 and folder[0] == "models" else "unknown"


def layer_violations(manifest: dict) -> list[str]:
    """Every edge from a model to something its layer may not read."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        own = layer(node)
        for parent in node["depends_on"]["nodes"]:
            theirs = layer(nodes[parent])
            if theirs not in ALLOWED.get(own, set()):
                found.append(f"{node['name']} ({own}) reads {nodes[parent]['name']} ({theirs})")
    return found


def hidden_refs(manifest: dict) -> list[str]:
    """Every ref or source a model depends on that its own file does not name."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    found = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        written = set(REF.findall(node["raw_code"]))
        written |= {f"{s}.{t}" for s, t in SOURCE.findall(node["raw_code"])}
        for parent in node["depends_on"]["nodes"]:
            p = nodes[parent]
            name = f"{p['source_name']}.{p['name']}" if p["resource_type"] == "source" else p["name"]
            if name not in written:
                found.append(f"{node['name']} reads {name} without naming it in its file")
    return found


@pytest.fixture(scope="module")
def manifest():
    return json.loads(prepare_manifest().read_text())


def test_layers_call_downwards_only(manifest):
    assert layer_violations(manifest) == []


def test_every_model_names_what_it_reads(manifest):
    assert hidden_refs(manifest) == []


def test_every_model_sits_in_a_layer(manifest):
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 30
    assert {layer(n) for n in models} == set(ALLOWED)


def _model(name, folder, parents, raw=""):
    return {"resource_type": "model", "name": name, "raw_code": raw,
            "original_file_path": f"models/{folder}/x/{name}.sql",
            "depends_on": {"nodes": parents}}


def test_the_checks_fail_on_a_crossed_layer_and_a_hidden_ref():
    # An intermediate model reading a mart, a staging model reading a seed, a mart calling a
    # source, and a model whose ref sits in a macro: each is reported.
    manifest = {
        "sources": {"source.p.raw.t": {"resource_type": "source", "name": "t",
                                       "source_name": "raw"}},
        "nodes": {
            "seed.p.s": {"resource_type": "seed", "name": "s"},
            "model.p.stg_a": _model("stg_a", "staging", ["source.p.raw.t", "seed.p.s"],
                                    "{{ source('raw', 't') }} {{ ref('s') }}"),
            "model.p.dim_b": _model("dim_b", "marts", ["model.p.stg_a", "source.p.raw.t"],
                                    "{{ ref('stg_a') }} {{ source('raw', 't') }}"),
            "model.p.int_c": _model("int_c", "intermediate", ["model.p.dim_b"],
                                    "{{ ref('dim_b') }}"),
            "model.p.int_d": _model("int_d", "intermediate", ["model.p.stg_a"],
                                    "{{ some_macro() }}"),
        },
    }
    assert layer_violations(manifest) == [
        "stg_a (staging) reads s (seed)",
        "dim_b (marts) reads t (source)",
        "int_c (intermediate) reads dim_b (marts)",
    ]
    assert hidden_refs(manifest) == ["int_d reads stg_a without naming it in its file"]
