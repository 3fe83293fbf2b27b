# f1-lakehouse: `make demo` runs the lakehouse on the bundled real recordings, `make test` the suite.
# Both set up everything they need (virtualenv, packages, dbt manifest, data root) on a fresh clone.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

# dagster-dbt finds `dbt` on PATH: the venv's bin first.
export PATH := $(BIN):$(PATH)
export F1_LAKEHOUSE_SOURCE ?= replay
export F1_LAKEHOUSE_ROOT ?= $(CURDIR)/.lakehouse
export DAGSTER_HOME ?= $(F1_LAKEHOUSE_ROOT)/dagster_home
# Dagster hands planned and partitioned-materialisation events to the event log in batches of
# up to this many (0: one at a time); f1_lakehouse/lib/event_log.py stores a batch in one
# transaction. Read by Dagster itself, so it is set here rather than in settings.py.
export DAGSTER_EVENT_BATCH_SIZE ?= 1000
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

# Recorded sessions the demo lands bronze → gold (see data/PROVENANCE.md for what each holds).
DEMO_SEASONS := 2018,2021,2023,2025
DEMO_SESSIONS := 2018-04-R 2023-04-Q 2023-04-SQ 2023-04-S 2025-06-S 2023-01-R 2021-14-FP2
FASTF1_SELECTION := group:calendar or group:bronze_fastf1 or group:silver or group:gold
MANIFEST := dbt_project/target/manifest.json

.PHONY: install manifest init demo summary test lint dev

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# The dbt manifest must exist before the Dagster definitions import. It is a file target: it is
# prepared again only when a file of the dbt project (or the package) is newer than it, so
# `make backfill` / `make bench` do not re-parse an unchanged project (~10 s).
DBT_PROJECT_FILES := $(shell find dbt_project -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) \
	-not -path 'dbt_project/target/*' -not -path 'dbt_project/logs/*' -not -path 'dbt_project/dbt_packages/*')

manifest: $(MANIFEST)

$(MANIFEST): $(VENV)/.installed $(DBT_PROJECT_FILES) f1_lakehouse/lib/dbt/project.py
	cd $(CURDIR) && $(BIN)/dagster-dbt project prepare-and-package --file f1_lakehouse/lib/dbt/project.py
	touch $@

init: install
	$(BIN)/f1-lakehouse init

demo: manifest init
	F1_LAKEHOUSE_SEASONS=$(DEMO_SEASONS) $(BIN)/dagster asset materialize -m f1_lakehouse.definitions --select bronze/fastf1/calendar
	@for key in $(DEMO_SESSIONS); do \
		echo "== materialising $$key (bronze → silver → gold)"; \
		F1_LAKEHOUSE_SEASONS=$(DEMO_SEASONS) $(BIN)/dagster asset materialize -m f1_lakehouse.definitions \
			--select '$(FASTF1_SELECTION)' --partition $$key > "$$F1_LAKEHOUSE_ROOT/last-run.log" 2>&1 \
			|| { tail -40 "$$F1_LAKEHOUSE_ROOT/last-run.log"; exit 1; }; \
	done
	$(BIN)/f1-lakehouse export
	$(BIN)/f1-lakehouse summary

summary: install
	$(BIN)/f1-lakehouse summary

# The Spark tests (f1_lakehouse_tests/spark, marked `spark`) run in the same suite: pyspark and
# dbt-spark come with `spark-install`, a Java runtime with .ci/run; dbt-databricks (its own venv) with
# `databricks-venv`, for the offline parse and compile for Databricks.
# A process's Spark keeps the metastore and warehouse of the first data root it started with, so
# each test file that starts Spark on a root of its own runs in a process of its own; the check
# (test_spark_check.py, on the suite's shared pipeline root) runs in the main one.
SPARK_OWN_PROCESS := f1_lakehouse_tests/spark/test_cross_engine_macros.py \
	f1_lakehouse_tests/spark/test_dagster_on_spark.py f1_lakehouse_tests/spark/test_silver_hooks.py
test: manifest spark-install databricks-venv
	$(BIN)/ruff check f1_lakehouse f1_lakehouse_tests bench
	$(BIN)/ruff format --check f1_lakehouse f1_lakehouse_tests bench
	$(BIN)/pytest $(addprefix --ignore=,$(SPARK_OWN_PROCESS))
	for file in $(SPARK_OWN_PROCESS); do $(BIN)/pytest $$file || exit 1; done

lint: install
	$(BIN)/ruff check f1_lakehouse f1_lakehouse_tests bench
	$(BIN)/ruff format --check f1_lakehouse f1_lakehouse_tests bench

# The Dagster UI on http://127.0.0.1:3000 over the same data root.
dev: manifest init
	$(BIN)/dagster dev -m f1_lakehouse.definitions -h 127.0.0.1 -p 3000

# A CLI backfill: a season (`make backfill SEASON=2023`) or a list of sessions
# (`make backfill SESSIONS="2018-04-R 2023-04-S"`) as ONE run of FastF1 bronze → silver over the
# partition range (single-run backfill policies), then one gold rebuild, both in one process
# (imports, definitions and dbt's parse paid once). See README, "Automation and backfills";
# f1_lakehouse/defs/automation/backfill.py prints the range.
.PHONY: backfill
backfill: manifest
	$(BIN)/python -m f1_lakehouse.defs.automation.backfill --run $(if $(SEASON),--season $(SEASON),--sessions "$(SESSIONS)")

# The dashboard (README "Dashboard"): Streamlit on http://127.0.0.1:8501 over the data root's
# latest gold export (warehouse/exports/, Parquet; it never opens the DuckDB file). On a root with
# no data yet it builds the demo first; otherwise it refreshes the export (a warehouse busy with a
# run keeps the previous one) and serves.
DASHBOARD_PORT ?= 8501
# The OpenF1 race with car telemetry (2024 Singapore GP): the speed trace's data.
TELEMETRY_SESSION := 2024-18-R
TELEMETRY_SELECTION := group:bronze_openf1 or group:silver or group:gold

.PHONY: dashboard demo-telemetry live-demo export compose-config

dashboard: manifest init
	@if [ -e "$$F1_LAKEHOUSE_ROOT/warehouse/f1.duckdb" ]; then \
		$(BIN)/f1-lakehouse export || [ $$? -eq 75 ]; \
	else \
		echo "== no warehouse under $$F1_LAKEHOUSE_ROOT yet: building the demo data first"; \
		$(MAKE) --no-print-directory demo demo-telemetry || exit 1; \
	fi
	$(BIN)/f1-lakehouse dashboard --port $(DASHBOARD_PORT)

# Follow the recorded 2024 Singapore race live at LIVE_SPEED x (replay at pace, see README).
LIVE_SPEED ?= 60
live-demo: manifest init
	F1_LAKEHOUSE_REPLAY_PACE=1 F1_LAKEHOUSE_NOW=2024-09-22T11:55:00Z F1_LAKEHOUSE_CLOCK_SPEED=$(LIVE_SPEED) \
		F1_LAKEHOUSE_CLOCK_STARTED=$$(date +%s) F1_LAKEHOUSE_LIVE_LAG_SECONDS=0 \
		$(BIN)/python -m f1_lakehouse.live_demo

demo-telemetry: manifest init
	F1_LAKEHOUSE_SEASONS=2024 $(BIN)/dagster asset materialize -m f1_lakehouse.definitions --select bronze/fastf1/calendar > "$$F1_LAKEHOUSE_ROOT/last-run.log" 2>&1 \
		|| { tail -40 "$$F1_LAKEHOUSE_ROOT/last-run.log"; exit 1; }
	@echo "== materialising $(TELEMETRY_SESSION) (OpenF1 with car telemetry, bronze → silver → gold)"
	@$(BIN)/dagster asset materialize -m f1_lakehouse.definitions --select '$(TELEMETRY_SELECTION)' \
		--partition $(TELEMETRY_SESSION) > "$$F1_LAKEHOUSE_ROOT/last-run.log" 2>&1 \
		|| { tail -40 "$$F1_LAKEHOUSE_ROOT/last-run.log"; exit 1; }
	$(BIN)/f1-lakehouse export

# Gold → Parquet for the dashboard by hand (waits up to 30 s for a busy warehouse).
export: install
	$(BIN)/f1-lakehouse export --wait 30

# The read-only HTTP API over the published gold (README "Reading gold"): docs on
# http://127.0.0.1:$(API_PORT)/docs. Loopback only unless F1_LAKEHOUSE_API_TOKEN is set.
API_PORT ?= 8000
.PHONY: api
api: install
	$(BIN)/f1-lakehouse api --port $(API_PORT)

# The compose deployment resolved with .env.example (Debian's docker-compose; no engine needed).
compose-config:
	docker-compose --env-file .env.example config --quiet && echo "docker-compose.yml: OK"

# Benchmarks (README "Performance"): whole-process wall time and peak RSS; prints figures.
.PHONY: bench
bench: manifest
	cd bench && $(BIN)/python run_all.py

# Issue 19: the dbt models on Spark (README "Spark and Databricks"). `make spark-check` builds
# SPARK_MODELS on DuckDB and on a local Spark session over the data root's bronze (run `make demo`
# first), whole and again for SPARK_RERUN, and compares each model row for row (EXCEPT ALL both
# ways); it fails on any differing row. Needs Java 17. SPARK_PROJECT: the dbt project to check.
SPARK_PROJECT ?= $(CURDIR)/dbt_project
# SPARK_MODELS: model names; empty (the default) checks every silver, intermediate and gold model.
SPARK_MODELS ?=
SPARK_RERUN ?= 2023-04-Q 2018-04-R
.PHONY: spark-install spark-check databricks-venv
spark-install: $(VENV)/.spark-installed

$(VENV)/.spark-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev,spark]"
	touch $@

spark-check: spark-install
	$(BIN)/python -m f1_lakehouse.lib.spark --project-dir $(SPARK_PROJECT) $(if $(SPARK_MODELS),--select $(SPARK_MODELS)) --rerun $(SPARK_RERUN)

# dbt-databricks cannot share the main venv (it needs dbt-spark < 1.11): its own, for `dbt parse
# --target databricks` and runs against a workspace.
databricks-venv: .venv-databricks/.installed

.venv-databricks/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-databricks
	.venv-databricks/bin/pip install --quiet "dbt-databricks==1.11.8" "dbt-core==1.11.8"
	touch $@
