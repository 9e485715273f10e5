# `make run` and `make test` are all a new machine needs: both create the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint typecheck bench migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/firebreak run

# An incident played end to end against the Slack simulator: no workspace, tokens or network needed.
demo: $(STAMP)
	$(BIN)/firebreak demo

migrate: $(STAMP)
	$(BIN)/firebreak migrate

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/capture.py
	$(BIN)/python bench/timeline_read.py
	$(BIN)/python bench/scheduler.py
	$(BIN)/python bench/postmortem.py
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/oncall.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/insights.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
