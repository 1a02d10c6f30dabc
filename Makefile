# The two commands a user needs: `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

DEMO_DB ?= build/micro_conversions.duckdb
# Passed through to mc-publish by `make demo` / `make publish`:
#   make demo VARS='{micro_conversions__session_timeout_minutes: 45}' FULL_REFRESH=1 ALLOW_SHRINK=1
VARS ?=
PUBLISH_FLAGS = $(if $(strip $(VARS)),--vars '$(VARS)') $(if $(FULL_REFRESH),--full-refresh) $(if $(ALLOW_SHRINK),--allow-shrink)
TEST_DB ?= build/test.duckdb
REPORT_HTML ?= build/report/index.html

.PHONY: setup columns demo publish test test-all lint fix dbt-test pytest seed-demo clean docs bench

# Test tiers: `make test` runs the default tier locally and every tier in CI (CI=true);
# `make test-all` runs every tier anywhere. The slow tier is marked `slow` (pyproject.toml).
ALL_TIERS ?=
PYTEST_TIER = $(if $(filter true 1,$(CI))$(ALL_TIERS),,-m "not slow")

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## columns: fct_funnel_actors' step columns follow max_funnel_steps() (macros/funnels/funnel_limits.sql)
columns: setup
	$(BIN)/mc-funnel-columns

## demo: build, audit and publish every mart on the embedded DuckDB with the demo seeds
demo: publish
	MC_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mc-report --html $(REPORT_HTML)

## publish: dbt build -> Great Expectations audit -> atomic publish to published/ (MC_PUBLISHED_PATH)
publish: columns
	mkdir -p build
	MC_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mc-publish $(PUBLISH_FLAGS)

## test: lint, then pytest. The demo's dbt build (models, data tests, unit tests) runs inside
## pytest, as the first step of the publish every publish/report/semantic-layer test reads
## (python/tests/conftest.py, demo_publish); `make dbt-test` runs it alone.
test: setup lint pytest

## test-all: the same with the slow tier (what CI runs)
test-all:
	$(MAKE) test ALL_TIERS=1

lint: columns
	mkdir -p build
	$(BIN)/ruff check python benchmarks
	$(BIN)/ruff format --check python benchmarks
	MC_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff lint --processes 2 models tests analyses

fix: setup
	mkdir -p build
	$(BIN)/ruff format python benchmarks
	$(BIN)/ruff check --fix python benchmarks
	MC_DUCKDB_PATH=$(TEST_DB) $(BIN)/sqlfluff fix models tests analyses

dbt-test: columns
	mkdir -p build
	rm -f $(TEST_DB)  # a fresh database: the test build is always a full build
	MC_DUCKDB_PATH=$(TEST_DB) $(BIN)/dbt build --warn-error-options '{"error": ["NoNodesForSelectionCriteria"]}'

pytest: setup
	bash scripts/ensure_postgres.sh
	bash scripts/ensure_chromium.sh
	$(BIN)/pytest $(PYTEST_TIER)

## bench: the full, incremental and configuration-change builds against a hand-written DuckDB
## script on the same generated events (benchmarks/bench.py; BENCH_ARGS='--events 1000000')
BENCH_ARGS ?=
bench: columns
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

## docs: dbt's documentation site as one static page (build/docs/static_index.html), viewable offline
docs: columns
	mkdir -p build
	MC_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt docs generate --static --target-path build/docs
	@echo "Open build/docs/static_index.html in a browser (no server or network needed)."

## seed-demo: regenerate the committed demo seed (deterministic)
seed-demo: setup
	$(BIN)/mc-generate --people 2500 --seed 7 --out seeds/raw_events.csv

clean:
	rm -rf build target logs
