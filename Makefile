# The two commands: `make run` starts the platform, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-slow lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (Python 3.11 is needed)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/reform up

test: lint
	$(BIN)/python -m scripts.ensure_broker
	$(BIN)/python -m scripts.ensure_browser
	$(BIN)/python -m scripts.ensure_compose
	$(BIN)/pytest -q -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow" tests/unit

test-slow: $(STAMP)
	$(BIN)/python -m scripts.ensure_broker
	$(BIN)/pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check shared reform services tests bench scripts
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/catalogue_bench.py
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/publication.py
	$(BIN)/python bench/lists.py
	$(BIN)/python bench/unit_catalogues.py

clean:
	rm -rf $(VENV) var
