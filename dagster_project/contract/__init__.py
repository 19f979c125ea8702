"""The delivery contract as data: each delivery described once, in one module.

- `units.py`, `lineage.py`, `personnel.py`, `decisions.py`: one delivery each, everything about
  it in one place: columns (canonical name, Vietnamese header and aliases, type, required and
  required-when, enumeration values with their Vietnamese spellings, bounds, defaults,
  digits), the key and its duplicate rule, checks over several columns, lookups against what
  is already loaded, whole-table checks, where a roster's date comes from, what dbt staging
  exposes;
- `model.py`: the words those descriptions are written in;
- `reasons.py`: every quarantine reason with its messages (Vietnamese and English) and what a
  province's data officer should do about it;
- `artifacts.py`: what is generated from the descriptions and checked into the repository
  (the dbt staging YAML, the tables of docs/delivery_contract.md);
  `python -m dagster_project.contract --write` regenerates them, `--check` says whether they
  are up to date (tests/contract does the same).

Ingest interprets the descriptions (dagster_project/ingest/checks/); the raw DDL
(warehouse/ddl.py) and the Great Expectations suites (quality/suites.py) are derived from them
at run time; the generator (synth/) writes files from them. No Dagster, no polars here.
"""

from dagster_project.contract.decisions import DECISIONS
from dagster_project.contract.lineage import LINEAGE
from dagster_project.contract.model import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    FALSE_VALUES,
    INTEGER,
    KINDS,
    LAST_PRE_SNAPSHOT,
    MERGER_DATE,
    TEXT,
    TRUE_VALUES,
    Column,
    Delivery,
    Kind,
)
from dagster_project.contract.personnel import PERSONNEL
from dagster_project.contract.reasons import FILE_REASONS, REASONS, Reason
from dagster_project.contract.units import UNITS

# In dependency order: each is checked against those before it (units against the reference
# registries, lineage and rosters against units, decisions against rosters).
DELIVERIES: dict[str, Delivery] = {d.name: d for d in (UNITS, LINEAGE, PERSONNEL, DECISIONS)}
ORDER = tuple(DELIVERIES)
TABLES = DELIVERIES  # raw.<name> per delivery

__all__ = [
    "BOOLEAN", "CODE", "DATE", "DECIMAL", "DECISIONS", "DELIVERIES", "ENUM", "FALSE_VALUES",
    "FILE_REASONS", "INTEGER", "KINDS", "LAST_PRE_SNAPSHOT", "LINEAGE", "MERGER_DATE", "ORDER",
    "PERSONNEL", "REASONS", "TABLES", "TEXT", "TRUE_VALUES", "UNITS", "Column", "Delivery",
    "Kind", "Reason",
]
