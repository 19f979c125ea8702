# sapnhap: the public interface. Every target sets up .venv on first use and works from any
# working directory (`make -C path/to/sapnhap run`, or `make -f path/to/Makefile test`).
SHELL := /bin/bash
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DBT_SOURCES := $(shell find $(ROOT)/dbt -path $(ROOT)/dbt/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print 2>/dev/null)
MANIFEST := $(ROOT)/dbt/target/manifest.json
PORT ?= 3000
# What the test suite drives besides Python: Debian packages, installed when missing
# (command:package when the command is not named as its package).
TEST_TOOLS := chromium faketime soffice:libreoffice-calc pdftoppm:poppler-utils

.PHONY: help install run test faults stranger test-tools ui lint bench bench-all manifest clean

help:
	@echo "make run    set up, generate demo data if none, build, publish, report the latest month"
	@echo "make test   set up (Chromium, faketime, LibreOffice Calc included) and run the whole test suite"
	@echo "make faults  kill -9 a real run at nine moments; the next run must complete (minutes)"
	@echo "make stranger  a month of deliveries re-saved in LibreOffice: the month's build equals a full build (minutes)"
	@echo "make ui     the Dagster UI on http://127.0.0.1:$(PORT)"
	@echo "make lint   ruff (Python) and sqlfluff (dbt models)"
	@echo "make bench  the monthly run at national scale: floor, full build and added month twice each (medians), nothing new (about 10-14 min; 5 more to generate the set the first time)"
	@echo "make bench-all  every benchmark in bench/ (generator, ingest, national figures, monthly run; hours)"

# The packages are installed by uv (from PyPI, installed by pip first): the same versions pip
# picks, in less than half the time pip takes in a fresh clone. Behind a package mirror, set
# UV_INDEX_URL (uv does not read pip's configuration). --compile-bytecode, as pip does: where
# PYTHONDONTWRITEBYTECODE is set, every process (a run starts dbt and report workers) would
# otherwise compile Dagster, dbt and Great Expectations again (tests/foundation/test_packaging.py).
UV := uv==0.13.9

$(STAMP): $(ROOT)/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet '$(UV)'
	cd $(ROOT) && $(BIN)/python -m uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd $(ROOT) && $(BIN)/python -m dagster_project.dbt_project --force

manifest: $(MANIFEST)

run: $(STAMP) $(MANIFEST)
	cd $(ROOT) && $(BIN)/sapnhap run

# Installs what is missing from Debian when it can (as root, with apt-get); otherwise stops
# with one line saying what to install.
test-tools:
	@missing=""; for t in $(TEST_TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing$$missing from Debian (needed by the tests) ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null) \
	      || { echo "make test: could not install$$missing: install it (apt-get install$$missing) and run make test again." >&2; exit 1; }; \
	  else \
	    echo "make test: the tests need$$missing: install it (sudo apt-get install$$missing) and run make test again." >&2; exit 1; \
	  fi; \
	fi

test: $(STAMP) $(MANIFEST) test-tools
	cd $(ROOT) && $(BIN)/python -m pytest -m "not kill and not stranger" -n 2 --dist loadgroup --no-loadscope-reorder

faults: $(STAMP) $(MANIFEST)
	cd $(ROOT) && $(BIN)/python -m pytest -m kill

stranger: $(STAMP) $(MANIFEST) test-tools
	cd $(ROOT) && $(BIN)/python -m pytest -m stranger

ui: $(STAMP) $(MANIFEST)
	@echo "Dagster UI on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	cd $(ROOT) && DAGSTER_HOME=$$($(BIN)/python -m dagster_project.dagster_home) \
	  $(BIN)/dagster dev -h 127.0.0.1 -p $(PORT)  # code location "sapnhap" from pyproject.toml

lint: $(STAMP)
	cd $(ROOT) && $(BIN)/ruff check dagster_project tests bench
	cd $(ROOT) && $(BIN)/sqlfluff lint dbt/models --processes 2 --disable-progress-bar

bench: $(STAMP) $(MANIFEST)
	cd $(ROOT) && $(BIN)/python bench/bench_monthly.py

bench-all: $(STAMP) $(MANIFEST)
	@cd $(ROOT) && for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(ROOT)/dbt/target $(ROOT)/dbt/logs $(ROOT)/.pytest_cache
