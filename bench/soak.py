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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import machine, peak_rss_mb, send_all  # noqa: E402
from tests.deliveries import pull_request_event, serverless, signed  # noqa: E402
from tests.processes import SERVE, free_port, kill, start, terminate, wait_for_http, worker_code  # noqa: E402

SECRET = "soak-bench-" + "h00k" * 6
INSTALLATION = 1
REDIS_URL = "redis://127.0.0.1:6379/11"
PULLS_PER_REPO = 100
WORKERS, THREADS = 3, 8  # the work is mostly waiting out GitHub's failures, so threads are cheap


def serve_fake(count: int) -> None:
    """Child process: the failing fake GitHub with `count` open pull requests; answers commands on stdin."""
    from tests.fakegithub.server import FakeGitHub
    from tests.hardening.flaky import audit, make_github_flaky

    fake = FakeGitHub().start()
    fake.rate.limit = fake.rate.remaining = 10**9  # GitHub's primary limit is not what is being tested
    fake.add_installation(INSTALLATION)
    pulls = []
    for index in range(count):
        if index % PULLS_PER_REPO == 0:
            repo = fake.add_repo(f"soak/service-{index // PULLS_PER_REPO}")
            repo.commit("main", {"README.md": "# soak\n"})
        repo.commit(f"feature-{index}", {"serverless.yml": serverless(service=f"svc-{index}")})
        pull = repo.open_pull(f"feature-{index}")
        pulls.append([repo.full_name, pull.number, pull.head_sha, pull.base_sha])
    make_github_flaky(fake, slow=0.5, minute_waits=False)
    print(json.dumps({"url": fake.url, "app_id": fake.app_id, "pem": fake.keys.private_pem, "pulls": pulls}))
    sys.stdout.flush()
    for line in sys.stdin:
        command = line.strip()
        if command == "report":
            with fake.world.lock:
                done = sum(1 for run in fake.world.check_runs.values() if run.status == "completed")
            print(json.dumps({"completed": done, "requests": len(fake.requests)}), flush=True)
        elif command == "audit":
            fake.faults.clear()
            result = audit(fake, [(repo, number, head) for repo, number, head, _ in pulls])
            faults = {str(k): v for k, v in sorted(result.statuses.items())}
            print(json.dumps({"ok": result.completed_once, "problems": result.problems, "statuses": faults}))
            sys.stdout.flush()
        else:
            break


class Fake:
    def __init__(self, count: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve-fake", str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.info: dict[str, Any] = json.loads(self.process.stdout.readline())

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return dict(json.loads(self.process.stdout.readline()))

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def start_bot(fake: Fake, workdir: Path) -> dict[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {
        "APP_ID": str(fake.info["app_id"]),
        "PRIVATE_KEY": fake.info["pem"],
        "WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": fake.info["url"],
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "QUEUE_URL": REDIS_URL,
        "WORKERS": "0",
        "JOB_RETRY_DELAY": "0.5",
        "JOB_RETRIES": "5",
    }
    processes = {"serve": start(SERVE, env, workdir, log=workdir / "serve.log")}
    for number in range(1, WORKERS + 1):
        processes[f"worker {number}"] = start(
            worker_code(THREADS), env, workdir, log=workdir / f"w{number}.log"
        )
    wait_for_http(f"http://127.0.0.1:{port}/healthz", processes["serve"])
    processes["serve"].port = port  # type: ignore[attr-defined]
    return processes


def wait_until_done(fake: Fake, expected: int, *, stall: float) -> tuple[int, float]:
    last_count, last_change = -1, time.perf_counter()
    while True:
        count = int(fake.ask("report")["completed"])
        now = time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        if count >= expected or now - last_change > stall:
            return count, last_change
        time.sleep(0.5)


def dead_letters(base: str) -> int:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = re.search(r"^secrets_bot_dead_letters(?:_total)? (\d+)", text, re.MULTILINE)
    return int(found.group(1)) if found else -1


def run(count: int, burst: int, pause: float) -> dict[str, Any]:
    redis.Redis.from_url(REDIS_URL).flushdb()
    fake = Fake(count)
    deliveries = [
        signed(
            "pull_request",
            pull_request_event(repo, number, head=head, base=base, installation=INSTALLATION),
            delivery=f"soak-{index}",
            secret=SECRET,
        )
        for index, (repo, number, head, base) in enumerate(fake.info["pulls"])
    ]
    with tempfile.TemporaryDirectory(prefix="soak-") as workdir:
        processes = start_bot(fake, Path(workdir))
        try:
            base = f"http://127.0.0.1:{processes['serve'].port}"  # type: ignore[attr-defined]
            started = time.perf_counter()
            results = []
            for first in range(0, len(deliveries), burst):
                results += send_all(f"{base}/api/github/webhooks", deliveries[first : first + burst], 8)
                time.sleep(pause)
            accepted = sum(1 for _, status in results if status == 202)
            completed, finished = wait_until_done(fake, accepted, stall=120.0)
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
        "Machine: " + "; ".join(f"{key} {value}" for key, value in machine().items()) + ".",
        "",
    ]
    return "\n".join(lines).replace("httptools + uvloop", "h11 (bot/web/server.py)")


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start_at = text.find("## Hardening")
    if start_at == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start_at + 1)
        text = text[:start_at] + section + (text[following + 1 :] if following != -1 else "")
    path.write_text(text, encoding="utf-8")


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
        write_section(args.write, section)
    sys.exit(1 if result["lost"] else 0)


if __name__ == "__main__":
    main()
