# The two commands of the README, plus a few helpers. Each target bootstraps .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Open the annotation workbench on the bundled sample corpus (sample.db, made on first run).
run: $(STAMP)
	$(BIN)/annotator demo

## Run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Every benchmark (minutes; each prints ratios against its own baseline).
bench: $(STAMP)
	$(BIN)/python bench/import_export.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/agreement.py
	$(BIN)/python bench/tui_keys.py
	$(BIN)/python bench/concurrent_writes.py

clean:
	rm -rf $(VENV) sample.db sample.db-wal sample.db-shm
