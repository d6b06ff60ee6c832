"""Soak benchmark (a script, not a test): 5,000 signed deliveries in bursts, 3 worker processes on Redis,
while the fake GitHub fails about one call in five. Nothing may be lost.

The fake GitHub runs in its own process with the fault plan of `tests/hardening/flaky.py` (5xx, resets,
truncated JSON, 403/429 with Retry-After, slow answers), in real time, so the 403/429 faults without
Retry-After (GitHub then asks for a minute each) are left to the suite's fake-clock test. `serve` takes the
webhooks (no workers) and three `secrets-bot worker` processes (8 threads each) share a Redis queue.

"Lost" is an accepted delivery whose pull request does not end with exactly one completed check run, or
that got more than one review comment. Figures go to stdout and, with --write, into docs/benchmarks.md
under "## Hardening".

    .venv/bin/python bench/soak.py --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
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
    wait_for_scans,
    write_section,
)
from tests.processes import kill, terminate  # noqa: E402

SECRET = "soak-bench-" + "h00k" * 6
REDIS_URL = "redis://127.0.0.1:6379/11"
WORKERS, THREADS = 3, 8  # the work is mostly waiting out GitHub's failures, so threads are cheap


def serve_fake(count: int) -> None:
    """Child process: the failing fake GitHub with `count` open pull requests; answers commands on stdin."""
    from tests.hardening.flaky import audit, make_github_flaky

    fake, pulls = open_fake_github(count, "soak")
    make_github_flaky(fake, slow=0.5, minute_waits=False)
    say_hello(fake, pulls)
    for line in sys.stdin:
        command = line.strip()
        if command == "report":
            report(fake)
        elif command == "audit":
            fake.faults.clear()
            result = audit(fake, [(repo, number, head) for repo, number, head, _ in pulls])
            faults = {str(k): v for k, v in sorted(result.statuses.items())}
            print(json.dumps({"ok": result.completed_once, "problems": result.problems, "statuses": faults}))
            sys.stdout.flush()
        else:
            break


def dead_letters(base: str) -> int:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = re.search(r"^secrets_bot_dead_letters(?:_total)? (\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else -1


def run(count: int, burst: int, pause: float) -> dict[str, Any]:
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake = Fake(__file__, count)
    deliveries = sign_all(fake, "soak", SECRET)
    with tempfile.TemporaryDirectory(prefix="soak-") as workdir:
        processes = start_bot(
            fake,
            Path(workdir),
            secret=SECRET,
            queue_url=REDIS_URL,
            workers=WORKERS,
            threads=THREADS,
            env={"WORKERS": "0", "JOB_RETRY_DELAY": "0.5", "JOB_RETRIES": "5"},
        )
        try:
            base = f"http://127.0.0.1:{processes['serve'].port}"  # type: ignore[attr-defined]
            started = time.perf_counter()
            results = []
            for first in range(0, len(deliveries), burst):
                results += send_all(f"{base}/api/github/webhooks", deliveries[first : first + burst], 8)
                time.sleep(pause)
            accepted = sum(1 for _, status in results if status == 202)
            completed, finished = wait_for_scans(fake, accepted, stall=120.0, interval=0.5)
            memory = {role: peak_rss_mb(process.pid) for role, process in processes.items()}
            dead = dead_letters(base)
            for process in processes.values():
                terminate(process, timeout=60)
        finally:
            for process in processes.values():
                kill(process)
        verdict = fake.ask("audit")
        requests = fake.ask("report")["requests"]
        fake.stop()
    return {
        "deliveries": len(results),
        "accepted": accepted,
        "lost": accepted - int(verdict["ok"]),
        "problems": verdict["problems"][:10],
        "dead_letters": dead,
        "minutes": (finished - started) / 60,
        "scans_per_s": completed / (finished - started),
        "github_requests": requests,
        "answers": verdict["statuses"],
        "memory_mb": memory,
    }


def render(result: dict[str, Any], count: int, burst: int) -> str:
    faults = sum(v for k, v in result["answers"].items() if k == "0" or int(k) in (403, 429) or int(k) >= 500)
    memory = ", ".join(f"{role} {mb:.0f}" for role, mb in result["memory_mb"].items())
    lines = [
        "## Hardening",
        "",
        f"`bench/soak.py`: {count:,} signed `pull_request` deliveries in bursts of {burst}, `serve` "
        f"(webhooks only) + {WORKERS} `worker` processes ({THREADS} threads each) on Redis, against the fake "
        "GitHub failing about one call in five (5xx, connection resets, truncated JSON, 403/429 with "
        "Retry-After, slow answers; `tests/hardening/flaky.py`). Lost = an accepted delivery whose pull "
        "request does not end with exactly one completed check run and no review comment posted twice.",
        "",
        "| deliveries | accepted | lost | dead letters | duration | scans/s | GitHub requests "
        "| error answers | peak memory (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {result['deliveries']:,} | {result['accepted']:,} | {result['lost']} | "
        f"{result['dead_letters']} | {result['minutes']:.1f} min | {result['scans_per_s']:.1f} | "
        f"{result['github_requests']:,} | {faults:,} ({faults / max(result['github_requests'], 1):.0%}) | "
        f"{memory} |",
        "",
        "Run with: `.venv/bin/python bench/soak.py --write docs/benchmarks.md` (Redis on 127.0.0.1:6379, "
        "db 11). The suite's fault test (`tests/hardening/test_github_failing.py`) runs 200 scans on a fake "
        "clock, including 403/429 answers without Retry-After and client timeouts.",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in machine(REDIS_URL).items()) + ".",
        "",
    ]
    return "\n".join(lines).replace("httptools + uvloop", "h11 (bot/web/server.py)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between bursts")
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--serve-fake", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake is not None:
        serve_fake(args.serve_fake)
        return
    result = run(args.count, args.burst, args.pause)
    print(json.dumps(result, indent=2))
    section = render(result, args.count, args.burst)
    print(section)
    if args.write:
        write_section(args.write, section, "## Hardening")
    sys.exit(1 if result["lost"] else 0)


if __name__ == "__main__":
    main()
