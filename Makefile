# kcn_party: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install translations migrate demo run test test-e2e bench lint format messages check clean

help:
	@echo "make run     set up everything and serve http://127.0.0.1:$(PORT) with demo data"
	@echo "make test    run the whole test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   measure the enterprise list import (SQLite and PostgreSQL)"
	@echo "make messages  refresh locale/vi from the source strings (needs GNU gettext)"

# The virtualenv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# A development checkout gets a .env from .env.example (DEBUG on), so manage.py works as is.
.env:
	cp .env.example .env

install: $(VENV)/.installed .env

translations: install
	$(PY) -m kcn_party.translations

migrate: install translations
	DEBUG=$${DEBUG:-on} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-on} $(PY) manage.py load_demo

run: demo
	DEBUG=$${DEBUG:-on} $(PY) manage.py clean_import_previews
	DEBUG=$${DEBUG:-on} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

test-e2e: install translations
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

# Figures for docs/benchmarks.md: generated lists of 3,000 and 100,000 rows, each measurement in
# its own process on a scratch database. Never part of `make test`. BENCH_ARGS="--profile".
BENCH_ARGS ?=
bench: install translations
	DEBUG=$${DEBUG:-on} $(PY) manage.py bench_import $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DEBUG=$${DEBUG:-on} $(PY) manage.py check
	DEBUG=$${DEBUG:-on} $(PY) manage.py makemigrations --check --dry-run

messages: install
	DEBUG=on $(PY) manage.py makemessages --locale vi --no-obsolete --ignore '.venv/*' --ignore 'tests/*'

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
