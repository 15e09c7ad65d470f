# paramproof: `make verify` runs the main job, `make test` runs the linters and the tests.
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install verify test lint bench fuzz matrix clean

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

# Every reader's fuzz tests with the long budget (100,000 byte-level inputs per reader, 10,000
# examples per structured test), each file in its own process with a memory limit; a table of the
# inputs fed to each reader at the end.  INPUTS=2000 for a quick look; SEED=S replays a run.
fuzz: install
	$(BIN)/python tests/fuzz/run.py $(if $(INPUTS),--inputs $(INPUTS)) $(if $(SEED),--seed $(SEED))

# The catalog under every Keras line and backend of noxfile.py (environments cached in .nox/),
# then the merge into reports/matrix.csv and reports/matrix.md.  KERAS=2.15 runs only the sessions
# whose Keras line is 2.15; ALL=1 runs every session.  The merge runs even when a session failed
# (its matrix.md says why); make then fails if any session did.  The merge's own exit 1
# (unexplained differences) is reported, not fatal: each session already fails on its own.
matrix: $(VENV)/.matrix
	KERAS=$(KERAS) ALL=$(ALL) $(BIN)/nox; sessions=$$?; \
	$(BIN)/paramproof matrix; test $$? -ne 2 && test $$sessions -eq 0

$(VENV)/.matrix: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[matrix]'
	touch $@

clean:
	rm -rf $(VENV) .nox reports/*.csv .pytest_cache .mypy_cache .ruff_cache
