# kcn_party: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install translations migrate demo run serve backup restore test test-e2e screenshots bench bench-load bench-pages load-database lint format messages check clean

help:
	@echo "make run     set up everything and serve http://127.0.0.1:$(PORT) with demo data"
	@echo "make test    run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   measure the enterprise list import and the figures (SCALE=national)"
	@echo "make messages  refresh locale/vi from the source strings (needs GNU gettext)"

# The virtualenv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# A development checkout gets a .env from .env.example (DEBUG on). Only the development
# targets below read it (ENV_FILE=.env): the settings read no file unless told to, so a server
# started any other way never runs on development settings (kcn_party/environment.py).
.env:
	cp .env.example .env
DEV_ENV := ENV_FILE=.env DEBUG=$${DEBUG:-on}

install: $(VENV)/.installed .env

translations: install
	$(PY) -m kcn_party.translations

migrate: install translations
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

# The demo is a convenience, the database may hold a person's work: if the demo cannot load,
# say so and serve the database as it is (load_demo writes in one transaction, so a failure
# leaves nothing half-written). A failed migration still stops here.
run: migrate
	$(DEV_ENV) $(PY) manage.py load_demo || echo "make run: the demo data could not be loaded (see above); serving the database as it is." >&2
	$(DEV_ENV) $(PY) manage.py clean_import_previews
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn against DATABASE_URL, with the settings of the environment (no .env;
# SECRET_KEY and ALLOWED_HOSTS required). WEB_CONCURRENCY workers (default 3: the processors
# and one more, docs/benchmarks.md "Load"), each serving WEB_THREADS requests at a time
# (default 1; more: gunicorn's threaded workers), on BIND.
serve: install translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn kcn_party.wsgi:application --bind $${BIND:-127.0.0.1:8000} \
		--workers $${WEB_CONCURRENCY:-3} $$(test "$${WEB_THREADS:-1}" -gt 1 && echo --worker-class gthread --threads $$WEB_THREADS) \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# A consistent backup of the database of the environment (DATABASE_URL, from .env when the
# checkout has one, else the SQLite file), into backups/ unless FILE names one; `make restore
# FILE=…` puts one back. They need no SECRET_KEY: they serve and sign nothing.
LOCAL_ENV := $(if $(wildcard .env),ENV_FILE=.env)
backup: install
	$(LOCAL_ENV) $(PY) manage.py backup_database $(FILE)

restore: install
	@test -n "$(FILE)" || (echo "make restore FILE=backups/kcn_party-….dump" >&2; exit 2)
	$(LOCAL_ENV) $(PY) manage.py restore_database "$(FILE)" --yes

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

test-e2e: install translations
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

# The documentation's pictures, taken from the demo by the browser tests (docs/*.png).
screenshots: install translations
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/e2e/test_screenshots.py $(PYTEST_ARGS)

# Figures for docs/benchmarks.md, each measurement in its own process on a scratch database;
# never part of `make test`. The import: generated lists of 3,000 and 100,000 rows
# (BENCH_ARGS="--profile"). The figures: a generated province on SQLite and PostgreSQL, or
# with SCALE=national the nation on PostgreSQL (FIGURES_ARGS="--keep" keeps the generated
# database and reuses it).
BENCH_ARGS ?=
SCALE ?= province
FIGURES_ARGS ?=
bench: install translations
	$(DEV_ENV) $(PY) manage.py bench_import $(BENCH_ARGS)
	$(DEV_ENV) $(PY) manage.py bench_figures --scale $(SCALE) $(FIGURES_ARGS)
	$(DEV_ENV) $(PY) manage.py bench_members_import $(MEMBERS_BENCH_ARGS)

# The load test (docs/benchmarks.md, "Load"): the demo in a PostgreSQL database of its own,
# gunicorn with WEB_CONCURRENCY workers (default: processors + 1) of WEB_THREADS threads (default
# 1), 50 simulated staff and leaders for 60 seconds.
# LOAD_ARGS="--pace 1": each simulated person asks at most once a second (50 requests/s offered).
LOAD_DATABASE ?= postgres://postgres@127.0.0.1:5432/kcn_party_load
load-database: install translations
	$(PY) -c "import psycopg, sys; c = psycopg.connect('$(dir $(LOAD_DATABASE))postgres', autocommit=True); name = '$(notdir $(LOAD_DATABASE))'; c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() or c.execute(f'CREATE DATABASE \"{name}\"')"
	DATABASE_URL=$(LOAD_DATABASE) $(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(LOAD_DATABASE) $(DEV_ENV) $(PY) manage.py load_demo

bench-load: load-database
	DATABASE_URL=$(LOAD_DATABASE) $(DEV_ENV) $(PY) manage.py bench_load $(LOAD_ARGS)

# What each page of the load test costs by itself (processor time, queries), as its accounts,
# on the demo in SQLite (PAGES_SQLITE) and in the load test's PostgreSQL database
# (PAGES_ARGS="--profile 'committee page'" shows where one page spends it).
PAGES_SQLITE ?= /tmp/kcn_party_pages.sqlite3
PAGES_ARGS ?=
bench-pages: load-database
	DATABASE_URL=sqlite:///$(PAGES_SQLITE) $(DEV_ENV) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:///$(PAGES_SQLITE) $(DEV_ENV) $(PY) manage.py load_demo
	DATABASE_URL=sqlite:///$(PAGES_SQLITE) $(DEV_ENV) $(PY) manage.py bench_pages $(PAGES_ARGS)
	DATABASE_URL=$(LOAD_DATABASE) $(DEV_ENV) $(PY) manage.py bench_pages $(PAGES_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'tests/*'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
