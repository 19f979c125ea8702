# sapnhap: the public interface. Every target sets up .venv on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export SAPNHAP_DATA_DIR ?= $(CURDIR)/data
DBT_SOURCES := $(shell find dbt -path dbt/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)
MANIFEST := dbt/target/manifest.json
PORT ?= 3000

.PHONY: help install run test ui lint bench manifest clean

help:
	@echo "make run    set up, generate demo data if none, build and publish the warehouse"
	@echo "make test   set up and run the whole test suite"
	@echo "make ui     the Dagster UI on http://127.0.0.1:$(PORT)"
	@echo "make lint   ruff"
	@echo "make bench  national-scale benchmarks (minutes; not part of the tests)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: $(STAMP) dagster_project/dagster_home.py
	@$(BIN)/python -m dagster_project.dagster_home "$(DAGSTER_HOME)" >/dev/null

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/python -m dagster_project.dbt_project --force

manifest: $(MANIFEST)

run: $(STAMP) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/sapnhap run

test: $(STAMP) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest

ui: $(STAMP) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	@echo "Dagster UI on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/dagster dev -h 127.0.0.1 -p $(PORT)  # code location "sapnhap" from pyproject.toml

lint: $(STAMP)
	$(BIN)/ruff check dagster_project tests bench

bench: $(STAMP) $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf dbt/target dbt/logs .pytest_cache
