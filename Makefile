# paramproof: `make verify` runs the main job, `make test` runs the linters and the tests.
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install verify test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

verify: install
	$(BIN)/paramproof run

lint: install
	$(BIN)/ruff check formulas verify tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/zoo.py

clean:
	rm -rf $(VENV) reports/*.csv .pytest_cache .mypy_cache .ruff_cache
