# One command each: `make run` starts the bot, `make test` runs every check. Both set themselves up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck unit run bench lock base-image-digest clean

# Dependencies come pinned, with hashes, from the lock file (the Dockerfile installs requirements.lock the
# same way); `make lock` rewrites both lock files after a change to pyproject.toml. The lock files also pin
# the build backend of pyproject's [build-system], which then builds the package without build isolation.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
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

BUILD_REQUIRES := $(VENV)/build-requires.txt

lock: $(STAMP)
	$(BIN)/pip install -q uv
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
		> $(BUILD_REQUIRES)
	$(BIN)/uv pip compile pyproject.toml $(BUILD_REQUIRES) --universal --python-version 3.11 --generate-hashes \
		-o requirements.lock
	$(BIN)/uv pip compile pyproject.toml $(BUILD_REQUIRES) --universal --python-version 3.11 --generate-hashes \
		--extra dev -o requirements-dev.lock

# The Dockerfile's base image is pinned by digest; this resolves the tag's current digest (needs Docker Hub)
# and writes it into the Dockerfile's PYTHON_IMAGE argument.
BASE_IMAGE_TAG := python:3.11-slim

base-image-digest:
	digest=$$(docker buildx imagetools inspect $(BASE_IMAGE_TAG) --format '{{.Manifest.Digest}}') && \
	case "$$digest" in sha256:????????????????????????????????????????????????????????????????) ;; \
		*) echo "no digest for $(BASE_IMAGE_TAG) (got '$$digest')" >&2; exit 1 ;; esac && \
	sed -i "s|^ARG PYTHON_IMAGE=.*|ARG PYTHON_IMAGE=$(BASE_IMAGE_TAG)@$$digest|" Dockerfile && \
	grep -n '^ARG PYTHON_IMAGE=' Dockerfile

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
