# The two commands from the README: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
VENV_BIN := .venv/bin
NPM := npm --prefix frontend
PYTEST_ARGS ?=
# Two pytest processes, each with its own throwaway Postgres and Redis; a file stays on one process so its
# module-wide servers (sandboxes, the live app, Chromium) start once.
PYTEST_WORKERS ?= 2

.PHONY: run test lint format openapi bench install install-python install-frontend bytecode spa chromium clean help

help:
	@echo "make run    - run the whole app on http://127.0.0.1:8000 (API + worker + SPA, local services, demo data)"
	@echo "make test   - run every test (API, workers, SPA unit tests, browser tests)"
	@echo "make lint   - ruff, mypy, tsc and eslint"
	@echo "make openapi- regenerate frontend/openapi.json and the SPA client after API changes"
	@echo "make bench  - run the benchmarks in tests/bench"

run: install spa
	$(VENV_BIN)/epox run

test: install spa chromium
	$(NPM) run --silent test
	$(VENV_BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check api workers sandbox tests migrations
	$(VENV_BIN)/mypy
	$(NPM) run --silent typecheck
	$(NPM) run --silent lint

format: install-python
	$(VENV_BIN)/ruff check --fix .
	$(VENV_BIN)/ruff format api workers sandbox tests migrations

openapi: install
	$(VENV_BIN)/epox openapi
	$(NPM) run --silent generate-client

bench: install
	@for bench in tests/bench/bench_*.py; do $(VENV_BIN)/python -m $$(echo $${bench%.py} | tr / .) || exit 1; done

install: install-python install-frontend

# uv from PyPI when the machine has none; the lock file pins every Python dependency.
install-python:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv 2>/dev/null \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --quiet --python $(PYTHON)
	@$(MAKE) --no-print-directory bytecode

# Bytecode for the installed packages (once per lock file) and for our own code (only what changed): every
# process - the API, each worker, each pytest process - then starts in about half the time, also where
# PYTHONDONTWRITEBYTECODE keeps Python from writing it as it goes.
bytecode: .venv/.bytecode
	@$(VENV_BIN)/python -m compileall -q -j 0 api workers sandbox tests migrations >/dev/null

.venv/.bytecode: uv.lock
	@$(VENV_BIN)/python -m compileall -q -j 0 .venv/lib >/dev/null || true
	@touch $@

install-frontend: frontend/node_modules/.package-lock.json

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

spa: install-frontend
	$(NPM) run --silent build

# Debian's Chromium for the browser tests, where it is missing and we may install it; otherwise those tests
# are skipped with the reason printed.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
		|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
			&& (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "Chromium not installed and cannot be installed here: browser tests will be skipped"; }

clean:
	rm -rf .venv frontend/node_modules frontend/dist .pytest_cache .mypy_cache .ruff_cache
