# LNOB — the two commands: `make demo` and `make test`. Each sets up everything
# it needs on a fresh Debian machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LNOB := $(BIN)/lnob
PO := lnob/locale/th/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)

.PHONY: demo serve test test-sqlite test-postgres lint bench setup messages clean

## demo: set up, load geography and the demo province, serve on http://127.0.0.1:8000
demo: setup
	$(LNOB) demo
	$(LNOB) serve

serve: setup
	$(LNOB) serve

## test: set up and run the whole suite on SQLite and on PostgreSQL 15, both at once
test: setup
	scripts/ensure-chromium.sh
	PYTEST_ARGS="$(PYTEST_ARGS)" scripts/test-both.sh

test-sqlite:
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL 15"
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy lnob
	$(BIN)/lint-imports

## bench: speed figures against baselines measured in the same run (SQLite, then PostgreSQL)
bench: setup
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.registry
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.registry
	$(BIN)/python -m benchmarks.imports
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.imports
	$(BIN)/python -m benchmarks.coverage
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.coverage
	$(BIN)/python -m benchmarks.matching
	$(BIN)/python -m benchmarks.matching_product
	$(BIN)/python -m benchmarks.dedup
	$(BIN)/python -m benchmarks.dedup_product
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.dedup_product
	$(BIN)/python -m benchmarks.faults
	$(BIN)/python -m benchmarks.hosts
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.backup
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.privacy
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.prepared
	$(BIN)/python -m benchmarks.load
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.mix_pages
	$(BIN)/python -m benchmarks.phone
	$(BIN)/python -m benchmarks.offline
	$(BIN)/python -m benchmarks.phone_pages
	$(BIN)/python -m benchmarks.welfare
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.welfare
	$(BIN)/python -m benchmarks.funds
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.funds

setup: $(VENV)/.installed node_modules/.installed $(MO)

$(VENV)/.installed: pyproject.toml
	@command -v msgfmt >/dev/null || scripts/apt-install.sh gettext
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || scripts/apt-install.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(MO): $(PO)
	cd lnob && ../$(BIN)/django-admin compilemessages --locale th --verbosity 0

## messages: refresh the Thai catalogue after changing user-facing strings
messages: $(VENV)/.installed
	cd lnob && ../$(BIN)/django-admin makemessages --locale th --no-obsolete \
	  --ignore 'tests/*' --add-location file

clean:
	rm -rf $(VENV) node_modules var/static .pytest_cache
