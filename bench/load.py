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
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadkit import (  # noqa: E402
    Fake,
    machine,
    open_fake_github,
    peak_rss_mb,
    report,
    say_hello,
    send_all,
    sign_all,
    start_bot,
    stop_all,
    wait_for_scans,
    write_section,
)

SECRET = "load-bench-" + "h00k" * 6
REDIS_URL = "redis://127.0.0.1:6379/12"


def serve_fake(count: int) -> None:
    """Child process: the fake GitHub with `count` open pull requests; answers `report` on stdin."""
    fake, pulls = open_fake_github(count, "bench")
    say_hello(fake, pulls)
    for line in sys.stdin:
        if line.strip() != "report":
            break
        report(fake)


def run_mode(mode: str, count: int, concurrency: int) -> dict[str, Any]:
    if mode == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()
    fake = Fake(__file__, count)
    deliveries = sign_all(fake, f"load-{mode}", SECRET)
    with tempfile.TemporaryDirectory(prefix=f"load-{mode}-") as workdir:
        processes = start_bot(
            fake,
            Path(workdir),
            secret=SECRET,
            queue_url=REDIS_URL if mode == "redis" else f"sqlite:///{workdir}/queue.db",
            workers=2 if mode == "redis" else 0,
            threads=2,
        )
        try:
            url = f"http://127.0.0.1:{processes['serve'].port}/api/github/webhooks"  # type: ignore[attr-defined]
            started = time.perf_counter()
            results = send_all(url, deliveries, concurrency)
            sent_in = time.perf_counter() - started
            accepted = sum(1 for _, status in results if status == 202)
            completed, finished = wait_for_scans(fake, accepted, stall=60.0, interval=0.2)
            memory = {role: peak_rss_mb(process.pid) for role, process in processes.items()}
            memory["fake GitHub"] = peak_rss_mb(fake.process.pid)
            requests = fake.report()["requests"]
        finally:
            stop_all(processes, fake)
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
    facts = machine(REDIS_URL)
    figures = [run_mode(mode, args.deliveries, args.concurrency) for mode in args.modes.split(",")]
    for row in figures:
        print(json.dumps(row))
    section = markdown(figures, facts, args.concurrency)
    print(section)
    if args.write is not None:
        write_section(args.write, section, "## Operations", empty="# Benchmarks\n\n")


if __name__ == "__main__":
    main()
