"""How long from a pull request's webhook `202` to its completed check run and posted review (issue 16)?

The fake GitHub runs in its own process and answers every call `--latency` seconds late (default 50 ms, a
realistic round trip to api.github.com); it holds one repository whose default branch has `--files`
Serverless manifests, and `--pulls` pull requests that each change every one of them (one change adds a
secret, so each pull request gets a review). `secrets-bot serve` runs as in production (SQLite queue and its
worker processes, or `--queue redis` with two `secrets-bot worker` processes). The pull requests are
delivered one at a time; for each, the clock starts when the `202` arrives and stops when the fake has both
the completed check run and the review (it watches its own state every 2 ms). Prints p50, p95 and max, the
GitHub calls per pull request, and the calls by operation for the first pull request.

    .venv/bin/python -m bench.pr_latency [--files 5] [--pulls 50] [--latency 0.05] [--queue sqlite|redis]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.loadkit import INSTALLATION, ROOT, Fake, sign_all, start_bot, stop_all

SECRET = "latency-bench-" + "h00k" * 6
REDIS_URL = "redis://127.0.0.1:6379/13"
OWNER = "bench"
STRIPE = "sk_live_" + "51Hq8sLrT2bW4kZp1MvN8sYc"


def manifest(service: str, version: int, *, secret: bool) -> str:
    """A small Serverless manifest; `version` changes its values and comment, `secret` adds one."""
    lines = [
        f"# {service}, revision {version}",
        f"service: {service}",
        "provider:",
        "  name: aws",
        "  runtime: python3.12",
        "  environment:",
        f"    TABLE_NAME: {service}-table-{version}",
        f"    LOG_LEVEL: {'debug' if version % 2 else 'info'}",
        f"    API_KEY: ${{ssm:/{service}/api-key}}",
        *([f"    STRIPE_SECRET_KEY: {STRIPE}"] if secret else []),
        "functions:",
        "  handle:",
        f"    handler: src/{service}.handle",
        f"    timeout: {6 + version % 20}",
    ]
    return "\n".join(lines) + "\n"


def serve_fake(files: int, pulls: int, latency: float) -> None:
    """Child process: the fake GitHub; answers `calls` and `wait REPO NUMBER SHA` on stdin."""
    from tests.fakegithub.server import FakeGitHub

    fake = FakeGitHub().start()
    fake.rate.limit = fake.rate.remaining = 10**9
    fake.add_installation(INSTALLATION)
    repo = fake.add_repo(f"{OWNER}/services")
    paths = [f"services/svc-{index:03d}/serverless.yml" for index in range(files)]
    repo.commit("main", {path: manifest(f"svc-{index}", 0, secret=False) for index, path in enumerate(paths)})
    listed = []
    for number in range(1, pulls + 1):
        changes = {
            path: manifest(f"svc-{index}", number, secret=index == 0) for index, path in enumerate(paths)
        }
        repo.commit(f"feature-{number}", changes)
        pull = repo.open_pull(f"feature-{number}")
        listed.append([repo.full_name, pull.number, pull.head_sha, pull.base_sha])
    if latency > 0:
        fake.delay(None, None, latency, times=None)
    print(json.dumps({"url": fake.url, "app_id": fake.app_id, "pem": fake.keys.private_pem, "pulls": listed}))
    sys.stdout.flush()
    seen = 0
    for line in sys.stdin:
        command = line.split()
        if not command:
            break
        if command[0] == "calls":
            with fake.world.lock:
                recent = fake.requests[seen:]
                seen = len(fake.requests)
            operations = collections.Counter(_name(request) for request in recent)
            print(json.dumps({"calls": len(recent), "operations": operations}), flush=True)
        elif command[0] == "wait":
            print(json.dumps({"done": wait_done(fake, command[1], int(command[2]), command[3])}), flush=True)


def wait_done(fake: Any, repo: str, number: int, sha: str, timeout: float = 60.0) -> float | None:
    """time.time() when the pull request has a completed check run for `sha` and a review; None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with fake.world.lock:
            completed = any(run.status == "completed" for run in fake.world.runs_for(repo, sha))
            reviewed = any(
                review.repo == repo and review.pull == number for review in fake.world.reviews.values()
            )
        if completed and reviewed:
            return time.time()
        time.sleep(0.002)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--pulls", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--queue", choices=("sqlite", "redis"), default="sqlite")
    parser.add_argument("--serve-fake", nargs=3, type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        files, pulls, latency = args.serve_fake
        serve_fake(int(files), int(pulls), latency)
        return
    fake = LatencyFake(args.files, args.pulls, args.latency)
    deliveries = sign_all(fake, "latency", SECRET)
    if args.queue == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
    latencies: list[float] = []
    calls: list[int] = []
    operations: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="pr-latency-") as workdir:
        processes = start_bot(
            fake,
            Path(workdir),
            secret=SECRET,
            queue_url=REDIS_URL if args.queue == "redis" else f"sqlite:///{workdir}/queue.db",
            workers=2 if args.queue == "redis" else 0,
            threads=1,
        )
        try:
            time.sleep(3.0)  # the worker processes start after `serve` answers
            url = f"http://127.0.0.1:{processes['serve'].port}/api/github/webhooks"  # type: ignore[attr-defined]
            with httpx.Client(timeout=30.0) as client:
                for (body, headers), (repo, number, head, _) in zip(
                    deliveries, fake.info["pulls"], strict=True
                ):
                    fake.ask("calls")  # what came before this delivery is not counted for it
                    status = client.post(url, content=body, headers=headers).status_code
                    accepted = time.time()
                    if status != 202:
                        sys.exit(f"delivery answered {status}")
                    done = fake.ask(f"wait {repo} {number} {head}")["done"]
                    if done is None:
                        sys.exit(f"pull request {number} got no completed check run and review in 60 s")
                    latencies.append(done - accepted)
                    time.sleep(0.3)  # let the job's last calls land before counting them
                    answer = fake.ask("calls")
                    calls.append(int(answer["calls"]))
                    operations = operations or dict(answer["operations"])
        finally:
            stop_all(processes, fake)
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{args.files} changed manifests, {args.pulls} pull requests, {args.latency * 1000:.0f} ms per "
        f"GitHub call, queue {args.queue}: p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; "
        f"GitHub calls per pull request: median {statistics.median(calls):.0f}"
    )
    print("calls of the first pull request:", json.dumps(operations, sort_keys=True))


class LatencyFake(Fake):
    """The fake GitHub child process of this script (`--serve-fake FILES PULLS LATENCY`)."""

    def __init__(self, files: int, pulls: int, latency: float) -> None:
        command = ["-m", "bench.pr_latency", "--serve-fake", str(files), str(pulls), str(latency)]
        self.process = subprocess.Popen(
            [sys.executable, *command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.process.stdout is not None
        self.info = json.loads(self.process.stdout.readline())


def _name(request: Any) -> str:
    """The operation, with the path for content reads (which file was read, and how often)."""
    if request.operation == "repos/get-content":
        return f"{request.operation} {request.path} {request.query.get('ref', [''])[0][:7]}"
    return str(request.operation or request.path)


if __name__ == "__main__":
    main()
