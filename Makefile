# Co-op Works: `make run` to try it, `make test` to check everything.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Three test processes on two cores: while one waits on a server, a browser or a subprocess
# the other two keep both cores busy (two left them idle 7% of the run; three: 1%, 20-25 s less
# per database).
WORKERS ?= 3
# A worker with nothing left takes half of what another still has queued (tests/conftest.py starts
# the costly tests first, so the run ends on short ones).
XDIST := -n $(WORKERS) --dist worksteal

.PHONY: run test test-fast translations lint test-sqlite test-postgres bench profile screenshots clean

# Python keeps each module it compiles (a .pyc beside it, in __pycache__, which git ignores), so
# the next process imports it without compiling it again. A shell that sets
# PYTHONDONTWRITEBYTECODE (some containers and CI machines do) makes every process compile the
# app and its libraries from source: 4.7 s of CPU to import the app and the test fixtures instead
# of 1.8 s, in each test process, each test server and each `coop` the tests run (31 s of one
# database's run of `make test` on two cores). Nothing here asks for it.
unexport PYTHONDONTWRITEBYTECODE

$(BIN)/python:
	@./scripts/system-deps.sh run
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# --no-compile: Python compiles a module when it is first imported; compiling every module of
# every dependency up front was half of the install's time (22 s -> 11 s for the test extras).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --no-compile -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml package-lock.json | $(BIN)/python
	@./scripts/system-deps.sh test
	$(BIN)/pip install -q --no-compile -e ".[test]"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@ $(VENV)/.installed-run

# `make run PORT=8000` serves on another port; links in emails follow (BASE_URL, unless it is set).
PORT ?= 5000
run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed-run
	$(BIN)/coop db upgrade
	@if $(BIN)/coop db is-empty; then $(BIN)/coop demo; else $(BIN)/coop demo-logins; fi
	@echo "Serving Co-op Works on $$BASE_URL (Ctrl+C to stop)"
	SESSION_COOKIE_SECURE=false $(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - --logger-class coop.access_log.RedactingLogger wsgi:app

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mypy tests/factories.py
	$(BIN)/bandit -q -r coop -lll
	$(BIN)/lint-imports

test-sqlite: $(VENV)/.installed-test
	COOP_TEST_DB=sqlite $(BIN)/pytest -q $(XDIST) $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	COOP_TEST_DB=postgresql $(BIN)/pytest -q $(XDIST) $(PYTEST_ARGS)

# The checkers run beside the SQLite half: they keep one core busy for about 16 s (mypy most of
# it) while the other would wait idle. Their report follows the tests'; either failing fails.
LINT_LOG := test-artifacts/lint.log
test: $(VENV)/.installed-test
	@mkdir -p $(dir $(LINT_LOG))
	@$(MAKE) --no-print-directory lint > $(LINT_LOG) 2>&1 & linting=$$!; \
	$(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-postgres; tested=$$?; \
	wait $$linting; linted=$$?; \
	echo "make lint:"; cat $(LINT_LOG); \
	if [ $$linted -ne 0 ]; then echo "make lint failed (above)"; fi; \
	exit $$(( tested || linted ))

# The everyday subset: everything but browser journeys, multi-process races and long property
# runs (marked by tests/conftest.py), on SQLite. `make test` still runs all of it on both databases.
test-fast: $(VENV)/.installed-test
	COOP_TEST_DB=sqlite $(BIN)/pytest -q $(XDIST) -m "not browser and not races and not slow" $(PYTEST_ARGS)

# The catalogues: find every marked message (templates, Python), bring each language's catalogue
# and Easy read's up to date with them, and compile what ships (coop/translations/*/LC_MESSAGES).
CATALOGUES := coop/translations
BABEL_KEYWORDS := -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k N_ -k plural:2,3
translations: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --no-wrap \
	  --project "Co-op Works" --msgid-bugs-address "translations@coop.example" \
	  -o $(CATALOGUES)/messages.pot coop templates
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -l pl --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -l en -D easyread --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(CATALOGUES) -l pl --statistics
	$(BIN)/pybabel compile -d $(CATALOGUES) -l en -D easyread --statistics

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install -q --no-compile -e ".[test,bench]"
	@touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run $(if $(SCALE),--scale $(SCALE))

PAGE ?= /shifts/open
profile: $(VENV)/.installed-bench
	DB=$(DB) ROLE=$(ROLE) $(BIN)/python -m bench.profile $(PAGE)

# Photograph each role's home page on a fresh demo co-op, at desktop and phone size.
screenshots: $(VENV)/.installed-test
	COOP_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_dashboards.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
