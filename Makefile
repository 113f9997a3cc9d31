# Coexist: `make run` to try it, `make serve` in production, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
# Tests run with DEBUG on so that no SECRET_KEY is needed; Django's test runner still
# runs every test with DEBUG off, and ignores a developer's .env (ENV_FILE=/dev/null).
TEST_ENV := DEBUG=true DJANGO_ALLOW_ASYNC_UNSAFE=true ENV_FILE=/dev/null
# One pytest worker per core (pytest-xdist), each with its own test database; a test file
# stays on one worker, so the worlds a module builds once are built once.
PYTEST := $(VENV)/bin/pytest --numprocesses=auto --maxprocesses=4 --dist=loadfile

SCALE ?=

.PHONY: help run serve bench venv test lint format check pytest pytest-postgres demo clean messages

help:
	@echo "make run    set up and serve Coexist on http://127.0.0.1:$(PORT) with the demo lessons"
	@echo "make serve  production: checks, migrates, collects static files, starts gunicorn"
	@echo "make bench  measure: a class of 30 against the production server (SCALE=20000: a big school)"
	@echo "make venv   create or update .venv (run and serve do it themselves)"
	@echo "make test   lint, migration check and the whole suite on SQLite and on PostgreSQL"
	@echo "make format reformat the code with ruff"
	@echo "make messages  update the translation catalogues in locale/ and compile them (needs gettext)"
	@echo "make clean  remove the virtual environment (your data in ./data is kept)"

$(PY):
	@python="$$(scripts/find-python)" && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[bench]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

# The first run writes .env (DEBUG=true and a random SECRET_KEY), which manage.py reads from
# then on; an existing .env is never replaced.
run: $(VENV)/.installed
	@$(PY) -m coexist.envfile
	@$(PY) manage.py migrate --no-input && \
	$(PY) manage.py load_demo && \
	echo && \
	echo "Coexist is starting on http://127.0.0.1:$(PORT)/" && \
	echo "  teacher:  teacher / coexist-demo   (admin at http://127.0.0.1:$(PORT)/admin/)" && \
	echo "  students: student1 ... student6 / coexist-demo   (new students: http://127.0.0.1:$(PORT)/join/ with the code above)" && \
	echo "  health:   http://127.0.0.1:$(PORT)/-/health/" && \
	echo && \
	exec $(PY) manage.py runserver --skip-checks 127.0.0.1:$(PORT)

# Production, configured by .env or the environment (README, "Run it for a school"). The
# same script is what the container and the systemd unit run.
serve: $(VENV)/.installed
	@exec $(PY) scripts/serve

# A benchmark, not a test: a throwaway database, the production server, about two minutes of
# load on 127.0.0.1, figures printed (docs/performance.md). Nothing in `make test` times anything.
bench: $(VENV)/.installed-bench
	@SCALE=$(SCALE) exec $(PY) scripts/bench

# What the systemd unit runs before scripts/serve: reinstalls only when pyproject.toml changed.
venv: $(VENV)/.installed

# The translation catalogues: every marked string of the templates, Python and our own
# scripts, merged into each language's .po (new ones empty, for a translator to fill),
# then compiled. The compiled .mo files are committed, so running Coexist never needs
# gettext; tests/coexist/test_catalogues.py fails when either is out of date.
MESSAGE_LANGUAGES := $(patsubst locale/%/,%,$(wildcard locale/*/))
MESSAGES_IGNORE := --ignore=tests --ignore=scripts --ignore=docs --ignore=data --ignore=staticfiles \
	--ignore=test-artifacts --ignore=static/vendor --ignore=locale-work --ignore=fixtures
messages: $(VENV)/.installed-test
	$(TEST_ENV) $(PY) manage.py makemessages --no-wrap --no-obsolete $(MESSAGES_IGNORE) $(addprefix --locale=,$(MESSAGE_LANGUAGES))
	$(TEST_ENV) $(PY) manage.py makemessages --domain=djangojs --no-wrap --no-obsolete $(MESSAGES_IGNORE) $(addprefix --locale=,$(MESSAGE_LANGUAGES))
	$(TEST_ENV) $(PY) manage.py compilemessages --ignore=.venv

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed-test
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: $(VENV)/.installed-test
	@scripts/ensure-chromium
	@echo "=== Test pass 1 of 2: SQLite ==="
	$(TEST_ENV) COEXIST_EXPECT_DB=sqlite $(PYTEST) $(PYTEST_ARGS)

pytest-postgres: $(VENV)/.installed-test
	@scripts/ensure-chromium
	@echo "=== Test pass 2 of 2: PostgreSQL ==="
	$(TEST_ENV) COEXIST_EXPECT_DB=postgresql scripts/throwaway-postgres $(PYTEST) \
		-m "not engine_independent" $(PYTEST_ARGS)

test: lint check pytest pytest-postgres

clean:
	rm -rf $(VENV) staticfiles test-artifacts
