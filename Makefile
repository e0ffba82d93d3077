# The commands people actually run. Each target installs what it needs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint check bench clean system lock

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## lock: pin the production dependencies again (requirements.lock), after editing pyproject.toml
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file=requirements.lock pyproject.toml

## run: the main job — the bot with a token; without one, the offline demo
run: $(STAMP)
	$(BIN)/nhacviec run --demo-without-token

## system: the Debian packages for old formats and scans (LibreOffice, Tesseract + Vietnamese)
system:
	bash .ci/system

## test: the whole test suite, slow cases included (SQLite and, where reachable, PostgreSQL)
test: $(STAMP) system
	$(BIN)/python -m pytest -q

## lint: ruff
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## check: everything — the tests (crash, fault and fuzz cases included), lint, benchmarks
check: test lint bench

## bench: every benchmark; each prints one JSON object last
bench: $(STAMP)
	@for f in bench/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
