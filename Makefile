# callinsight: `make demo` and `make test` on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# torch first, and exactly this version: it is the CPU build; any other pulls CUDA packages.
TORCH  := torch==2.13.0

.PHONY: setup demo test test-fast lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "callinsight needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e ".[dev,base,postgres]"
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/callinsight demo

test: setup
	$(VENV)/bin/pytest

test-fast: setup
	$(VENV)/bin/pytest -m "not slow"

lint: setup
	$(VENV)/bin/ruff check src tests bench app models
	$(VENV)/bin/ruff format --check src tests bench app models

format: setup
	$(VENV)/bin/ruff format src tests bench app models
	$(VENV)/bin/ruff check --fix src tests bench app models

bench: setup
	$(PY) bench/transcribe.py
	$(PY) bench/speakers.py
	$(PY) bench/quality.py
	$(PY) bench/extract.py
	$(PY) bench/cluster_quality.py
	$(PY) bench/cluster.py
	$(PY) bench/dashboard.py

clean:
	rm -rf $(VENV) callinsight-demo .pytest_cache .ruff_cache
