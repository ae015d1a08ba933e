# Sunlight — the two commands a newcomer needs are `make up` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install up test lint test-unit services services-down bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Run the embedded platform (SQLite + chDB, no servers); seeds a demo centre on first start.
up: install
	$(VENV)/bin/sunlight up

## Install what the tests need, start the real servers, lint, run every test.
test: install services lint
	$(PY) -m pytest

## ruff over the tree, mypy over the domain.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy domain

## Domain and other fast tests only (no servers).
test-unit: install
	$(PY) -m pytest tests/unit

## Real Kafka (KRaft), ClickHouse and PostgreSQL on loopback.
services:
	bash scripts/services.sh up

services-down:
	bash scripts/services.sh down

bench: install services
	$(PY) bench/run.py
	$(PY) bench/sealing.py

clean:
	rm -rf $(VENV) .sunlight .pytest_cache .hypothesis
