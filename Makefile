# crmkit: two commands do everything on a machine with Python 3.11 and pip.
#   make demo   build the demo store from raw exports and render every report
#   make test   run the test suite
# Both create the local virtual environment .venv from pyproject.toml first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.crmkit-installed
JOBS   ?= 2
PYTEST_ARGS ?=

.PHONY: install demo test bench lab index docs clean help

help:
	@echo "make demo   - build the demo store and render all reports into outputs/"
	@echo "make test   - run the test suite"
	@echo "make bench  - run the benchmarks (prints a table, writes benchmarks/results/)"
	@echo "make lab    - open JupyterLab on notebooks/ with the demo store"
	@echo "make docs   - build the documentation site into site/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/crmkit demo --jobs $(JOBS)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	@test -f data/crm.duckdb || $(BIN)/crmkit demo --no-reports
	$(BIN)/jupyter lab --notebook-dir=notebooks

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

index: $(STAMP)
	$(BIN)/crmkit index

clean:
	rm -rf outputs/*/ outputs/index.html data/demo_exports test-artifacts .pytest_cache site
