# One command each: `make run` starts the bot, `make test` runs every check. Both set themselves up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck unit run bench lock clean

# Dependencies come pinned, with hashes, from the lock file (the Dockerfile installs requirements.lock the
# same way); `make lock` rewrites both lock files after a change to pyproject.toml.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/hadolint Dockerfile
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy bot

unit: $(STAMP)
	$(BIN)/pytest -q

run: $(STAMP)
	$(BIN)/secrets-bot serve

# Benchmarks (not part of `make test`): peers in their own virtualenvs under bench/.cache, run offline.
CORPUS ?= ../shared/corpus

bench: $(STAMP)
	$(BIN)/python -m bench.peers.install
	$(BIN)/python -m bench.compare --corpus $(CORPUS)
	$(BIN)/python -m bench.speed_peers --counts 1500 15000 --runs 3 1 --warmup 0 --timeout 150 600

lock: $(STAMP)
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --extra dev \
		-o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
