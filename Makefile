# Palermo: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint lock bench messages clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: install
	PALERMO_ENV=$${PALERMO_ENV:-demo} $(BIN)/palermo migrate --no-input
	PALERMO_ENV=$${PALERMO_ENV:-demo} $(BIN)/palermo demo
	PALERMO_ENV=$${PALERMO_ENV:-demo} $(BIN)/palermo runserver 127.0.0.1:8000

# One pytest-xdist worker per core, each with its own test database. --dist loadfile keeps each module's
# tests on one worker, so a module fixture (the proxy's deployment, the CLI's data directory) is built
# once, not once per worker. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	$(BIN)/palermo makemigrations --check --dry-run

# Regenerate the pinned, hashed lock file after changing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock --no-header

messages: install
	cd src/palermo && ../../$(BIN)/palermo makemessages -l fr --no-obsolete && ../../$(BIN)/palermo compilemessages

bench: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
