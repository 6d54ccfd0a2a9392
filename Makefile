# coopstats — `make help` lists the targets.
#
# Everything runs in .venv, created from the machine's python3 by `make setup` (which the
# other targets call). A conda user activates the environment from environment.yml and runs
# e.g. `make report PYTHON=python`: the given interpreter is used instead of .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

BOOTSTRAP_PYTHON ?= python3
VENV := .venv
STAMPS := .build

ifeq ($(strip $(PYTHON)),)
PY := $(VENV)/bin/python
SETUP_STAMP := $(STAMPS)/setup-venv.stamp
else
PY := $(PYTHON)
SETUP_STAMP := $(STAMPS)/setup-external.stamp
endif

# reports to build (all definitions by default), e.g. `make report ONLY=eaeu_overview`
ONLY ?=
# one language only (en or ru; both by default), e.g. `make report LANGUAGE=ru`
LANGUAGE ?=
RENDERER ?= nbconvert
# `make data PIN=1`: trust-on-first-use for registry entries with no pinned SHA-256 (recorded in data/raw/downloads.lock.json)
PIN ?=
PYTEST_ARGS ?=

.PHONY: help setup report test data lab lint clean

## Show this help
help:
	@awk 'BEGIN{FS=":"} /^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/ && doc {printf "  %-8s %s\n", $$1, doc; doc=""} {if ($$0 !~ /^## /) doc=doc}' $(MAKEFILE_LIST)
	@echo "  Variables: PYTHON=<interpreter> (use an active conda env), ONLY=<report>, LANGUAGE=en|ru, RENDERER=nbconvert|quarto"

## Create .venv, install coopstats (editable, extras report+dev) and the Jupyter kernel `coopstats`
setup: $(SETUP_STAMP)

# Re-runs only when pyproject.toml changes (or the stamp is missing): a second run installs nothing.
$(SETUP_STAMP): pyproject.toml
	@mkdir -p $(STAMPS)
ifeq ($(strip $(PYTHON)),)
	@test -x $(PY) || { echo "creating $(VENV) with $(BOOTSTRAP_PYTHON)"; $(BOOTSTRAP_PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
endif
	$(PY) -m pip install --quiet -e '.[report,dev]'
	$(PY) -m ipykernel install --sys-prefix --name coopstats --display-name "Python (coopstats)" >/dev/null
	@$(PY) -c "import coopstats; print('coopstats', coopstats.__version__, 'installed; kernel: coopstats')"
	@touch $@

## Build every report in English and Russian into reports/<name>/<en|ru>/ (index: reports/index.html); only what changed re-runs
report: $(SETUP_STAMP)
	$(PY) -m coopstats report --root . --renderer $(RENDERER) $(if $(ONLY),--only $(ONLY)) $(if $(LANGUAGE),--language $(LANGUAGE))

## Run the test suite (COOPSTATS_REQUIRE_SHARED=1 makes ../shared mandatory)
test: $(SETUP_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## Download the real upstream data (BACI, ...) into data/raw/downloads/ and ingest it (needs network)
data: $(SETUP_STAMP)
	$(PY) -m coopstats data fetch --root . $(if $(PIN),--pin)
	$(PY) -m coopstats data build --root .

## Open JupyterLab on notebooks/ with the coopstats kernel
lab: $(SETUP_STAMP)
	@$(PY) -c 'import jupyterlab' 2>/dev/null || $(PY) -m pip install --quiet -e '.[lab]'
	$(PY) -m jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

## Lint with ruff
lint: $(SETUP_STAMP)
	$(PY) -m ruff check src tests benchmarks

## Remove built files (reports, processed data, caches); keeps .venv and downloads
clean:
	rm -rf data/processed/* $(STAMPS)/cache build .pytest_cache .ruff_cache
	find reports -mindepth 1 ! -name .gitkeep ! -path 'reports/definitions*' ! -name README.md -delete
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
