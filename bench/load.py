"""Load benchmark (a script, not a test): 2,000 signed deliveries, as fast as this machine takes them.

Two set-ups, each against the fake GitHub (tests/fakegithub, a real HTTP server in its own process):
  sqlite  one `secrets-bot serve` with its default SQLite queue and in-process workers;
  redis   `serve` taking webhooks only, plus two `secrets-bot worker` processes, on Redis (127.0.0.1:6379/12).

Every delivery opens its own pull request with one hard-coded secret, so every accepted delivery must end as
exactly one completed check run: "lost" is accepted deliveries without one. Measured: acknowledgement latency
(client side, p50/p99), scans completed per second (first delivery to last check run), peak memory (VmHWM) of
each process. Figures go to stdout and, with --write, into docs/benchmarks.md under "## Operations".

    .venv/bin/python bench/load.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import queue
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.deliveries import pull_request_event, serverless, signed  # noqa: E402
from tests.processes import SERVE, free_port, kill, start, terminate, wait_for_http, worker_code  # noqa: E402

SECRET = "load-bench-" + "h00k" * 6
INSTALLATION = 1
REDIS_URL = "redis://127.0.0.1:6379/12"
PULLS_PER_REPO = 100


def serve_fake(count: int) -> None:
    """Child process: the fake GitHub with `count` open pull requests; answers `report` on stdin."""
    from tests.fakegithub.server import FakeGitHub

    fake = FakeGitHub().start()
    fake.rate.limit = fake.rate.remaining = 10**9  # the benchmark measures the bot, not GitHub's limit
    fake.add_installation(INSTALLATION)
    pulls = []
    for index in range(count):
        if index % PULLS_PER_REPO == 0:
            repo = fake.add_repo(f"bench/service-{index // PULLS_PER_REPO}")
            repo.commit("main", {"README.md": "# bench\n"})
        repo.commit(f"feature-{index}", {"serverless.yml": serverless(service=f"svc-{index}")})
        pull = repo.open_pull(f"feature-{index}")
        pulls.append([repo.full_name, pull.number, pull.head_sha, pull.base_sha])
    hello = {"url": fake.url, "app_id": fake.app_id, "pem": fake.keys.private_pem, "pulls": pulls}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        if line.strip() != "report":
            break
        with fake.world.lock:
            done = sum(1 for run in fake.world.check_runs.values() if run.status == "completed")
            print(json.dumps({"completed": done, "requests": len(fake.requests)}), flush=True)


class Fake:
    def __init__(self, count: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-fake", str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.info: dict[str, Any] = json.loads(self.process.stdout.readline())

    def report(self) -> dict[str, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("report\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def start_bot(mode: str, fake: Fake, workdir: Path) -> dict[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {
        "APP_ID": str(fake.info["app_id"]),
        "PRIVATE_KEY": fake.info["pem"],
        "WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": fake.info["url"],
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "QUEUE_URL": REDIS_URL if mode == "redis" else f"sqlite:///{workdir}/queue.db",
    }
    processes = {"serve": start(SERVE, env, workdir, log=workdir / "serve.log")}
    if mode == "redis":
        for number in (1, 2):
            processes[f"worker {number}"] = start(
                worker_code(2), env, workdir, log=workdir / f"w{number}.log"
            )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", processes["serve"])
    processes["serve"].port = port  # type: ignore[attr-defined]
    return processes


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


def wait_for_scans(fake: Fake, expected: int, *, stall: float = 60.0) -> tuple[int, float]:
    """(completed check runs, time when the last one appeared); gives up after `stall` s without progress."""
    last_count, last_change = -1, time.perf_counter()
    while True:
        count = fake.report()["completed"]
        now = time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        if count >= expected or now - last_change > stall:
            return count, last_change
        time.sleep(0.2)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_mode(mode: str, count: int, concurrency: int) -> dict[str, Any]:
    if mode == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
    fake = Fake(count)
    deliveries = [
        signed(
            "pull_request",
            pull_request_event(repo, number, head=head, base=base, installation=INSTALLATION),
            delivery=f"load-{mode}-{index}",
            secret=SECRET,
        )
        for index, (repo, number, head, base) in enumerate(fake.info["pulls"])
    ]
    with tempfile.TemporaryDirectory(prefix=f"load-{mode}-") as workdir:
        processes = start_bot(mode, fake, Path(workdir))
        try:
            url = f"http://127.0.0.1:{processes['serve'].port}/api/github/webhooks"  # type: ignore[attr-defined]
            started = time.perf_counter()
            results = send_all(url, deliveries, concurrency)
            sent_in = time.perf_counter() - started
            accepted = sum(1 for _, status in results if status == 202)
            completed, finished = wait_for_scans(fake, accepted)
            memory = {role: peak_rss_mb(process.pid) for role, process in processes.items()}
            memory["fake GitHub"] = peak_rss_mb(fake.process.pid)
            requests = fake.report()["requests"]
            for process in processes.values():
                terminate(process, timeout=60)
        finally:
            for process in processes.values():
                kill(process)
            fake.stop()
    latencies = sorted(latency for latency, _ in results)
    return {
        "mode": mode,
        "deliveries": len(results),
        "accepted": accepted,
        "lost": accepted - completed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "sent_per_s": len(results) / sent_in,
        "scans_per_s": completed / (finished - started),
        "github_calls_per_scan": requests / max(completed, 1),
        "memory_mb": memory,
    }


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    try:
        redis_version = str(redis.Redis.from_url(REDIS_URL).info()["redis_version"])
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


def markdown(figures: list[dict[str, Any]], facts: dict[str, str], concurrency: int) -> str:
    lines = [
        "## Operations",
        "",
        "`bench/load.py`: signed `pull_request` deliveries posted over loopback by one client process with "
        f"{concurrency} requests in flight, against the fake GitHub (`tests/fakegithub`, in its own process, "
        "checking every request against GitHub's REST description). Each delivery is its own pull request "
        "with one secret, so each accepted delivery must end as one completed check run.",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in facts.items()) + ".",
        "",
        "| set-up | deliveries | lost | ack p50 | ack p99 | ack max | acks/s | scans/s | GitHub calls/scan "
        "| peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "sqlite": "`serve`, SQLite, 2 in-process workers",
        "redis": "`serve` + 2 `worker` (2 threads), Redis",
    }
    for row in figures:
        memory = ", ".join(f"{role} {value:.0f}" for role, value in row["memory_mb"].items())
        lines.append(
            f"| {names[row['mode']]} | {row['deliveries']} | {row['lost']} | {row['p50_ms']:.1f} ms "
            f"| {row['p99_ms']:.1f} ms | {row['max_ms']:.0f} ms | {row['sent_per_s']:.0f} "
            f"| {row['scans_per_s']:.1f} | {row['github_calls_per_scan']:.1f} | {memory} |"
        )
    lines += [
        "",
        "The fake GitHub and the client share the two cores with the bot, so scans per second are a floor "
        "for a real GitHub. Acknowledgement is the client's view of the 202: signature check, routing and a "
        "durable enqueue.",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace our own section of the shared file (other sections belong to other benchmarks)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    start_at = text.find("## Operations")
    if start_at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start_at + 1)
        text = text[:start_at] + section + ("" if following < 0 else text[following + 1 :])
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--modes", default="sqlite,redis")
    parser.add_argument("--write", type=Path, help="update this markdown file's Operations section")
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake is not None:
        serve_fake(args.serve_fake)
        return
    facts = machine()
    figures = [run_mode(mode, args.deliveries, args.concurrency) for mode in args.modes.split(",")]
    for row in figures:
        print(json.dumps(row))
    section = markdown(figures, facts, args.concurrency)
    print(section)
    if args.write is not None:
        write_section(args.write, section)


if __name__ == "__main__":
    main()
