# The two commands of the README, plus a few helpers. Each target bootstraps .venv itself
# and installs only what it needs: `make run` the workbench's runtime with its suggestions
# (the suggest extra: spaCy; no test, lint or interop tools), `make test` adds the test
# extra, `make lint` the dev extra. One stamp per extra, so `make run` then `make test`
# upgrades the same .venv in place.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: install run test lint format bench interop-ls clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[suggest]"
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[test]"
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[dev]"
	touch $@

## Install the workbench's runtime only (what `make run` needs), without opening it.
install: $(VENV)/.run

## Open the annotation workbench on the bundled sample corpus (sample.db, made on first run).
run: $(VENV)/.run
	$(BIN)/annotator demo

## Run the whole test suite.
test: $(VENV)/.test
	$(BIN)/python -m pytest -q

## Lint, formatting and strict typing, as CI runs them.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict annotator

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Every benchmark (minutes; each prints ratios against its own baseline).
bench: $(VENV)/.test
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/import_export.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/agreement.py
	$(BIN)/python bench/tui_keys.py
	$(BIN)/python bench/concurrent_writes.py
	$(BIN)/python bench/train.py
	$(BIN)/python bench/patterns_quality.py
	$(BIN)/python bench/suggest_patterns.py

## A real Label Studio server for tests/interop/test_labelstudio_server.py, in a venv of its
## own (.venv-ls) so that its pinned dependencies never touch .venv; made once (stamp file).
LS_VENV := .venv-ls

$(LS_VENV)/.installed:
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check label-studio
	touch $@

interop-ls: $(LS_VENV)/.installed

clean:
	rm -rf $(VENV) sample.db sample.db-wal sample.db-shm
