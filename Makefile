# Dagsverket: `make run` to try it, `make test` to check it. Needs Python 3.11+ and git.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/dagsverket)

.PHONY: help install install-dev run test checks lint format messages bench load clean

help:
	@echo "make run       install, migrate, load demo data and serve on http://$(HOST)"
	@echo "make test      install dev tools, lint and run the whole test suite"
	@echo "make bench     measure speed figures (PostgreSQL by default)"
	@echo "make load      a 60-second morning rush against gunicorn (PostgreSQL)"
	@echo "make messages  refresh and compile the translations"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

compile-messages: install
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=staticfiles -v 0

# DEBUG is off unless the environment turns it on; development and measuring turn it on here.
run: install compile-messages
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) seed_demo --if-empty
	@echo "Serving on http://$(HOST)/  (Ctrl+C stops)"
	DEBUG=1 $(MANAGE) runserver $(HOST)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -q -r dagsverket jobs payroll -x '*/migrations/*' --severity-level high

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The checks that do not depend on the database; `.ci/run` runs them once (TEST_CHECKS= the second time).
TEST_CHECKS ?= checks

checks: lint
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run -v 1

test: install-dev compile-messages $(TEST_CHECKS)
	DAGSVERKET_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest $(PYTEST_ARGS)

messages: install
	DEBUG=1 $(MANAGE) makemessages -l nb --ignore=.venv --ignore=staticfiles --no-obsolete
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=staticfiles
	@msgfmt --statistics -o /dev/null locale/nb/LC_MESSAGES/django.po

bench: install compile-messages
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(MANAGE) bench $(BENCH_ARGS)

load: install compile-messages
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(MANAGE) load_test $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 docs/screenshots/tests
