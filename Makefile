# Two commands for a newcomer: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run console test lint format eval bench bench-load crash clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

console: $(STAMP)
	$(PY) -m bot console

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy bot handlers storage knowledge_base

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Words alone first, then words and meaning (the last line is the bot's default engine).
DEV := ../shared/kb-eval/dev
eval: $(STAMP)
	$(PY) -m knowledge_base eval --kb $(DEV)/kb --questions $(DEV)/questions.jsonl --no-semantic | tail -n 1
	$(PY) -m knowledge_base eval --kb $(DEV)/kb --questions $(DEV)/questions.jsonl

bench: $(STAMP)
	$(PY) benchmarks/kb_search.py

# The bot killed 20 times (and stopped 5 times) under load: what was lost or repeated.
crash: $(STAMP)
	$(PY) benchmarks/crash_test.py --strict

# The bot against a bare aiogram echo bot under 200 residents (about 5 minutes on 2 cores).
bench-load: $(STAMP)
	$(PY) benchmarks/load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
