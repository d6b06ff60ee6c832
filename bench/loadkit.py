"""Shared machinery of the process-level benchmarks `bench/load.py` and `bench/soak.py` (not a script).

The fake GitHub in its own process (started by re-running the calling script with `--serve-fake N`), the
bot's `serve`/`worker` processes, signed deliveries sent from threads, waiting for check runs, peak memory,
the machine's facts and replacing one section of docs/benchmarks.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.deliveries import pull_request_event, serverless, signed  # noqa: E402
from tests.processes import SERVE, free_port, kill, start, terminate, wait_for_http, worker_code  # noqa: E402

INSTALLATION = 1
PULLS_PER_REPO = 100


def open_fake_github(count: int, owner: str) -> tuple[Any, list[list[Any]]]:
    """In the fake's child process: a FakeGitHub with `count` open pull requests, each adding one secret.

    Returns the fake and [repo, number, head sha, base sha] of each pull request."""
    from tests.fakegithub.server import FakeGitHub

    fake = FakeGitHub().start()
    fake.rate.limit = fake.rate.remaining = 10**9  # the bot is measured, not GitHub's primary limit
    fake.add_installation(INSTALLATION)
    pulls = []
    for index in range(count):
        if index % PULLS_PER_REPO == 0:
            repo = fake.add_repo(f"{owner}/service-{index // PULLS_PER_REPO}")
            repo.commit("main", {"README.md": f"# {owner}\n"})
        repo.commit(f"feature-{index}", {"serverless.yml": serverless(service=f"svc-{index}")})
        pull = repo.open_pull(f"feature-{index}")
        pulls.append([repo.full_name, pull.number, pull.head_sha, pull.base_sha])
    return fake, pulls


def say_hello(fake: Any, pulls: list[list[Any]]) -> None:
    """The fake's first line on stdout: what the parent needs to configure the bot and sign deliveries."""
    hello = {"url": fake.url, "app_id": fake.app_id, "pem": fake.keys.private_pem, "pulls": pulls}
    print(json.dumps(hello), flush=True)


def report(fake: Any) -> None:
    """Answer `report`: completed check runs and requests served so far."""
    with fake.world.lock:
        done = sum(1 for run in fake.world.check_runs.values() if run.status == "completed")
    print(json.dumps({"completed": done, "requests": len(fake.requests)}), flush=True)


class Fake:
    """The parent's handle on the fake GitHub child process (`script --serve-fake count`)."""

    def __init__(self, script: str, count: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, script, "--serve-fake", str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.info: dict[str, Any] = json.loads(self.process.stdout.readline())

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    def report(self) -> dict[str, Any]:
        return self.ask("report")

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def sign_all(fake: Fake, prefix: str, secret: str) -> list[tuple[bytes, dict[str, str]]]:
    """One signed `pull_request` delivery per pull request of the fake, with ids `{prefix}-{index}`."""
    return [
        signed(
            "pull_request",
            pull_request_event(repo, number, head=head, base=base, installation=INSTALLATION),
            delivery=f"{prefix}-{index}",
            secret=secret,
        )
        for index, (repo, number, head, base) in enumerate(fake.info["pulls"])
    ]


def start_bot(
    fake: Fake,
    workdir: Path,
    *,
    secret: str,
    queue_url: str,
    workers: int = 0,
    threads: int = 2,
    env: dict[str, str] | None = None,
) -> dict[str, subprocess.Popen[bytes]]:
    """`serve` (plus `workers` worker processes of `threads` threads), ready; `.port` set on "serve"."""
    port = free_port()
    environment = {
        "APP_ID": str(fake.info["app_id"]),
        "PRIVATE_KEY": fake.info["pem"],
        "WEBHOOK_SECRET": secret,
        "GITHUB_API_URL": fake.info["url"],
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "QUEUE_URL": queue_url,
        **(env or {}),
    }
    processes = {"serve": start(SERVE, environment, workdir, log=workdir / "serve.log")}
    for number in range(1, workers + 1):
        processes[f"worker {number}"] = start(
            worker_code(threads), environment, workdir, log=workdir / f"w{number}.log"
        )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", processes["serve"])
    processes["serve"].port = port  # type: ignore[attr-defined]
    return processes


def stop_all(processes: dict[str, subprocess.Popen[bytes]], fake: Fake) -> None:
    """SIGTERM every bot process and wait for it; whatever is left afterwards is killed; then the fake."""
    try:
        for process in processes.values():
            terminate(process, timeout=60)
    finally:
        for process in processes.values():
            kill(process)
        fake.stop()


def send_all(url: str, deliveries: list[tuple[bytes, dict[str, str]]], concurrency: int) -> list[Any]:
    """(latency seconds, status) of each delivery, from `concurrency` threads with keep-alive connections.

    Synchronous clients in threads: an asyncio client costs milliseconds of its own per request on this
    machine, which would be measured as the bot's latency."""
    results: list[Any] = []
    pending = queue.SimpleQueue[tuple[bytes, dict[str, str]]]()
    for delivery in deliveries:
        pending.put(delivery)

    def sender() -> None:
        with httpx.Client(timeout=30.0) as client:
            while True:
                try:
                    body, headers = pending.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    status = client.post(url, content=body, headers=headers).status_code
                except httpx.HTTPError:
                    status = 0
                results.append((time.perf_counter() - started, status))

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def wait_for_scans(fake: Fake, expected: int, *, stall: float, interval: float) -> tuple[int, float]:
    """(completed check runs, time when the last one appeared); gives up after `stall` s without progress."""
    last_count, last_change = -1, time.perf_counter()
    while True:
        count = int(fake.report()["completed"])
        now = time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        if count >= expected or now - last_change > stall:
            return count, last_change
        time.sleep(interval)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine(redis_url: str) -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    try:
        redis_version = str(redis.Redis.from_url(redis_url).info()["redis_version"])
    except redis.exceptions.RedisError:
        redis_version = "not running"
    stack = "httptools + uvloop" if importlib.util.find_spec("httptools") else "h11 + asyncio"
    return {
        "CPU": f"{os.cpu_count()} cores, {cpu}",
        "memory": f"{memory_kb / 1024 / 1024:.0f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Redis": redis_version,
        "uvicorn HTTP stack": stack,
        "load average before the run": " ".join(f"{load:.1f}" for load in os.getloadavg()),
    }


def write_section(path: Path, section: str, heading: str, *, empty: str = "") -> None:
    """Replace our own section of the shared file (other sections belong to other benchmarks).

    `empty` is the text of a file that does not exist yet."""
    text = path.read_text(encoding="utf-8") if path.exists() else empty
    start_at = text.find(heading)
    if start_at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start_at + 1)
        text = text[:start_at] + section + ("" if following < 0 else text[following + 1 :])
    path.write_text(text, encoding="utf-8")
