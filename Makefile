# The front door. `make run` builds the warehouse; `make test` lints and tests everything.
# Paths can be overridden from the environment: DISCLOSURES_DIR, WAREHOUSE_PATH, BUILD_DB_PATH,
# DAGSTER_HOME (orchestration/settings.py resolves them; the README's table lists them, with
# EXTRACTION_WORKERS, PER_DOCUMENT_EVENTS_LIMIT and WAREHOUSE_STORAGE_VERSION).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed

# Telemetry off in every command make runs.
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false

.PHONY: help install run validate ui dev lint format test test-suite test-fast clean clean-build distclean \
	browser report report-check docs docs-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(BIN)/python:
	python3 -m venv $(VENV)

# Reinstalls only when the lock or pyproject.toml changes. The lock is installed first and
# the project itself with --no-deps, so nothing resolves anything on its own. uv (pinned,
# installed by pip) installs the lock: it downloads and byte-compiles in parallel, 27 s on a
# fresh machine against pip's 100 s. It trusts the system's certificates, as pip does here
# (UV_NATIVE_TLS), and reads the index from UV_INDEX_URL, not pip's config: where it cannot
# install, pip installs the same lock instead, after saying so. Modules are byte-compiled at
# install: where PYTHONDONTWRITEBYTECODE is set (it is on this machine) every process would
# otherwise compile what it imports anew (make test took 1,220 s instead of 883 s). uv also
# installs the project itself and checks the environment: 2.6 s against pip's 12 s.
UV_VERSION := 0.13.9
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
UV_INSTALL := UV_NATIVE_TLS=1 $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) uv==$(UV_VERSION)
	$(UV_INSTALL) -r $(LOCK) || { echo "uv could not install $(LOCK) (above); pip installs it"; \
		$(PIP_INSTALL) -r $(LOCK); }
	$(UV_INSTALL) --no-deps -e . || $(PIP_INSTALL) --no-deps -e .
	$(BIN)/uv pip check --python $(BIN)/python
	touch $@

install: $(STAMP) ## create .venv and install the locked dependencies

run: install ## extract data/disclosures, build with dbt, publish data/warehouse/disclosures.duckdb
	$(BIN)/python -m orchestration.cli run

validate: install ## run the Great Expectations suites on the published warehouse and write the report
	$(BIN)/python -m expectations.run

# Ctrl-C, or SIGTERM to make, stops the webserver, the daemon, the code server and any run in
# progress within 10 s; what has not stopped 6 s after the signal is killed (orchestration/cli.py).
ui: install ## Dagster UI + daemon (sensor, schedule) on http://127.0.0.1:3000 (DAGSTER_PORT); Ctrl-C stops it
	$(BIN)/python -m orchestration.cli ui

dev: ui ## the same as make ui

# Headless Chromium renders the report and the docs in checks and tests. Debian's package;
# a fresh machine lacks it, so this installs it (and does nothing when it is there). Without
# its recommended packages (a desktop's: systemd, avahi, CUPS, Perl, GTK's tools, 107
# packages against 19), which headless rendering does not use: 10 s against 17 s to install.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser: ## install headless Chromium (apt-get) unless /usr/bin/chromium exists
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends chromium; }

report: install ## write the HTML report of the published warehouse (data/warehouse/report/)
	$(BIN)/python -m reporting

report-check: install browser ## write the report, render it in headless Chromium, check the charts show
	$(BIN)/python -m reporting --check

docs: install ## build the dbt docs of the published warehouse, serve on 127.0.0.1 (DBT_DOCS_PORT, 8080)
	$(BIN)/python -m reporting.dbt_docs serve

docs-check: install browser ## build the dbt docs and check they render offline in headless Chromium
	$(BIN)/python -m reporting.dbt_docs check

# sqlfluff's dbt templater opens the profile's database and writes dbt's parse state: an
# in-memory database and a scratch target folder keep lint away from the build database (and
# its single-writer lock) and from target/, whose manifest and parse state the pipeline uses
# (a lint used to leave the parse state of its in-memory profile there, where dbt run by
# hand and dagster-dbt look for one). So lint can run beside the tests.
# $(call sqlfluff_dbt,lint) or $(call sqlfluff_dbt,fix): sqlfluff on the dbt models.
sqlfluff_dbt = scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	DBT_DUCKDB_PATH=:memory: DBT_TARGET_PATH=$$scratch DBT_LOG_PATH=$$scratch \
	$(BIN)/sqlfluff $(1) models analyses
lint: install ## ruff check, ruff format --check, sqlfluff lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "sqlfluff lint models analyses" && $(call sqlfluff_dbt,lint)
	$(BIN)/sqlfluff lint --templater python orchestration/sql reporting/sql

format: install ## apply ruff and sqlfluff fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	@echo "sqlfluff fix models analyses" && $(call sqlfluff_dbt,fix)
	$(BIN)/sqlfluff fix --templater python orchestration/sql reporting/sql

# Test modules run in parallel on the two cores, each module on one worker (--dist loadfile:
# a module's pipeline runs are module fixtures; loadgroup's marks do nothing under pytest 9.2
# with pytest-xdist 3.8). The workers share one build of shared_warehouse (tests/conftest.py).
# Modules are handed out longest first (tests/conftest.py, LONGEST_MODULES_FIRST).
# PYTEST_WORKERS=0 runs everything in this process.
# `make test` runs lint beside the suite: about a minute of one core, while the suite's
# workers spend a fifth of their time waiting on the processes they start. Their lines may
# interleave; make fails if either fails.
PYTEST_WORKERS ?= 2
test: install ## lint and run the whole pytest suite (integration included), side by side
	@$(MAKE) --no-print-directory -j2 lint test-suite

test-suite: install browser ## the whole pytest suite alone, without lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

# The edit loop's lane, under 2 minutes: ruff, the unit tests and dbt's unit tests, no pipeline
# run. dbt's unit tests need the relations their models read to exist, not to hold rows: in a
# scratch build database with the raw tables (orchestration/raw_store.py), `dbt build --empty`
# builds every model with no rows and runs the unit tests on the rows they give themselves (dbt
# never applies --empty to those). Data tests, which check nothing on empty tables, and
# sqlfluff are left to `make test`.
RAW_TABLES_PY := import duckdb, os, pathlib; from orchestration.raw_store import ensure_schema; \
	path = os.environ["DBT_DUCKDB_PATH"]; con = duckdb.connect(path); \
	ensure_schema(con, pathlib.Path(path)); con.close()
test-fast: install ## ruff, unit tests, dbt's unit tests (no pipeline run; under 2 minutes)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile tests/unit
	@echo "dbt build --empty (dbt's unit tests) on a scratch build database"
	@scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	export DBT_DUCKDB_PATH=$$scratch/build.duckdb && \
	$(BIN)/python -c '$(RAW_TABLES_PY)' && \
	$(BIN)/dbt build --empty --exclude-resource-type test --quiet --project-dir . --profiles-dir . \
		--target-path $$scratch/target --log-path $$scratch/logs && \
	echo "dbt: models built empty, unit tests passed"

# Synthetic releases with their truth files (corpus/), for benchmarks/accuracy.py and
# benchmarks/throughput.py. N releases, SEED for another corpus, CORPUS_DIR for elsewhere.
N ?= 20
SEED ?= 0
CORPUS_DIR ?= data/corpus
.PHONY: corpus
corpus: install ## write N (20) synthetic releases with truth files to data/corpus/
	$(BIN)/python -m corpus --count $(N) --out $(CORPUS_DIR) --seed $(SEED)

# The benchmark, all in a temporary folder (never data/): extraction, the pipeline on
# 1, 100 and 1,000 generated releases, one added release, memory, the example queries,
# accuracy, the bare dbt floor; writes docs/benchmarks.md. BENCH_ARGS for other repeats/sizes
# (python -m benchmarks.bench --help).
BENCH_ARGS ?=
.PHONY: bench
bench: install ## measure speed, memory and accuracy against their targets; rewrite docs/benchmarks.md (~30+ min)
	$(BIN)/python -m benchmarks.bench $(BENCH_ARGS)

# The accuracy measurement: recall of the answer keys (ACCURACY_DIR/keys/<name>.csv) after the
# real pipeline ran on the folder's documents in a temporary workspace (never data/), and the
# token ledger's unparsed share. ACCURACY_ARGS for --raw-only, --misses N, --unparsed,
# --workdir DIR (docs/accuracy.md). The default is relative: shared/ sits beside the repository.
ACCURACY_DIR ?= ../shared/realworld
ACCURACY_ARGS ?=
.PHONY: accuracy
accuracy: install ## recall of the answer keys in ACCURACY_DIR (../shared/realworld), unparsed tokens
	$(BIN)/python -m benchmarks.answer_keys $(ACCURACY_DIR) $(ACCURACY_ARGS)

clean: ## remove caches and dbt's target/ and logs/
	rm -rf target logs dbt_packages .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

clean-build: clean ## also remove the build database (raw tables and version history)
	rm -rf data/warehouse/build

distclean: clean ## also remove .venv, .dagster_home and data/warehouse (everything generated)
	rm -rf $(VENV) .dagster_home data/warehouse

# Apache Superset, in a virtual environment of its own (its pins clash with .venv's),
# reads the published warehouse read-only and its chart numbers must equal DuckDB's
# (bi/superset/check.py; docs/bi.md). WAREHOUSE_PATH picks the warehouse; unset, one is built
# from data/disclosures plus the fixture releases in a temporary folder.
# SUPERSET_CHECK_ARGS=--screenshot also renders docs/images/superset-revenue-by-segment.png.
SUPERSET_VENV := .superset/venv
SUPERSET_REQUIREMENTS := bi/superset/requirements.txt
SUPERSET_STAMP := $(SUPERSET_VENV)/.installed
SUPERSET_CHECK_ARGS ?=
.PHONY: superset-check

$(SUPERSET_VENV)/bin/python:
	python3 -m venv $(SUPERSET_VENV)

# Reinstalls only when the requirements file changes.
$(SUPERSET_STAMP): $(SUPERSET_REQUIREMENTS) | $(SUPERSET_VENV)/bin/python
	$(SUPERSET_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(SUPERSET_REQUIREMENTS)
	$(SUPERSET_VENV)/bin/python -m pip check
	touch $@

superset-check: install browser $(SUPERSET_STAMP) ## Superset 6.1 charts the warehouse; numbers checked against DuckDB (2-5 min)
	$(BIN)/python -m bi.superset.check --venv $(SUPERSET_VENV) $(SUPERSET_CHECK_ARGS)
