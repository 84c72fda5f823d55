# Tripline: `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: setup run test lint typecheck bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Loads lists, control catalogue, demo manifest with scan results and exchange situations,
# creates the first administrator (prints its one-time password), then serves the console.
run: setup
	$(BIN)/tripline db upgrade
	$(BIN)/tripline bootstrap
	$(BIN)/tripline lists show
	$(BIN)/tripline serve --host 127.0.0.1 --port 8000

lint: setup
	$(BIN)/ruff check tripline tests bench
	$(BIN)/ruff format --check tripline tests bench

typecheck: setup
	$(BIN)/mypy

test: setup lint typecheck
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
