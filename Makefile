# Kundkort: `make run` sets everything up and serves the app on SQLite with demo data;
# `make test` runs the checks and the whole test suite (PostgreSQL when DATABASE_URL is set).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: setup run demo test lint format messages bench bench-http bench-import bench-import-e2e loadtest clean

$(PY_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(PY_STAMP) $(NPM_STAMP)

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

# The web server and a background-job worker (imports, large exports); both stop on Ctrl-C.
run: demo
	bin/serve-with-worker $(PY) $(HOST):$(PORT)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: setup lint
	DJANGO_SETTINGS_MODULE=settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# Needs GNU gettext (msgfmt); the compiled .mo is committed so a fresh machine does not.
messages: setup
	$(PY) manage.py makemessages -l sv --no-obsolete --add-location file --ignore ".venv/*" --ignore "node_modules/*"
	$(PY) manage.py compilemessages -l sv --ignore ".venv/*" --ignore "node_modules/*"

# Load test (bench/loadtest.py): gunicorn with settings.prod on PostgreSQL on loopback, 32 clients.
# make loadtest DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_loadtest LOADTEST_ARGS="--duration 60"
LOADTEST_ARGS ?=
loadtest: setup
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL=postgres://...@127.0.0.1/<db>" && exit 2)
	DATABASE_URL=$(DATABASE_URL) $(PY) bench/loadtest.py $(LOADTEST_ARGS)

# Page benchmark (bench/run.py, docs/performance.md): PostgreSQL only; creates, migrates and
# seeds the database (100,000 customers) when needed, then prints the table and writes
# bench/results/<time>.json. make bench [DATABASE_URL=postgres://...] [BENCH_ARGS="--runs 40"]
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kundkort_bench
BENCH_ARGS ?=
bench: setup
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(PY) bench/run.py $(BENCH_ARGS)

# Throughput under wrk (bench/wrk_run.py, docs/performance.md): gunicorn with settings.prod,
# a Read-only user's session, 16 connections; every page's requests/s as a share of the
# reference page's in the same run. Needs the seeded benchmark database (make bench seeds it)
# and wrk (installed from Debian's packages when missing and run as root).
WRK_ARGS ?=
bench-http: setup
	@command -v wrk >/dev/null || (test "$$(id -u)" = 0 && apt-get install -y -qq wrk >/dev/null) || (echo "Install wrk (apt-get install wrk)" && exit 2)
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(PY) bench/wrk_run.py $(WRK_ARGS)

# Import benchmark (docs/performance.md, "Import benchmark"): 100,000 generated rows through the admin's review
# and confirm code on PostgreSQL, with DEBUG off as in production (settings.test, like make bench;
# DEBUG's query log would slow the import). make bench-import [IMPORT_DATABASE_URL=...] [ROWS=100000]
IMPORT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kk_import
ROWS ?= 100000
bench-import: setup
	$(PY) -c 'import sys; sys.path.insert(0, "bench"); import run; run.ensure_database(sys.argv[1])' "$(IMPORT_DATABASE_URL)"
	DATABASE_URL="$(IMPORT_DATABASE_URL)" $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=settings.test DATABASE_URL="$(IMPORT_DATABASE_URL)" $(PY) manage.py bench_import --rows $(ROWS)

# The import end to end (bench/import_e2e.py, docs/performance.md): a generated file of ROWS rows
# uploaded, reviewed and confirmed through the admin's pages under gunicorn (gunicorn.conf.py,
# settings.prod) with one job worker, and the load test's 32 clients quiet and while it confirms.
# make bench-import-e2e [E2E_DATABASE_URL=postgres://...] [ROWS=100000] [E2E_ARGS="--quiet 60"]
E2E_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kk_jobs_e2e
E2E_ARGS ?=
bench-import-e2e: setup
	DATABASE_URL="$(E2E_DATABASE_URL)" $(PY) bench/import_e2e.py --rows $(ROWS) $(E2E_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
