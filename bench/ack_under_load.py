"""Webhook acknowledgement latency while a worst-case manifest is being scanned.

    .venv/bin/python bench/ack_under_load.py [--pairs 26] [--probes 200] [--before DIR] [--write-docs]

A pull request whose `serverless.yml` makes the scanner work hardest (a value of `a=` pairs, issue 10: 26
pairs took 12 s) is delivered to a real `secrets-bot serve` (SQLite, its default two workers); while its scan
runs, signed deliveries are sent one at a time and each acknowledgement is timed. Prints p50 / p99 / max and
whether the scan was still running when the last probe was answered (otherwise the figures prove nothing).
`--before DIR` also measures the bot of another checkout (e.g. `git archive` of an older commit) to compare.
`--write-docs` replaces the "Acknowledgements under a worst-case scan" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadkit import (
    INSTALLATION,
    ROOT,
    Fake,
    machine,
    open_fake_github,
    say_hello,
    sign_all,
    start_bot,
    stop_all,
    wait_for_scans,
    write_section,
)

from tests.deliveries import pull_request_event, signed

SECRET = "ack-bench-" + "h00k" * 6
HEADING = "## Acknowledgements under a worst-case scan"
PAIRS_VARIABLE = "ACK_BENCH_PAIRS"
PACE = 0.02  # seconds between probes


def worst_case_manifest(pairs: int) -> bytes:
    value = "a=" * pairs + 'a="'
    return f"service: x\nprovider:\n  name: aws\n  environment:\n    API_TOKEN: '{value}'\n".encode()


def serve_fake(count: int, pairs: int) -> None:
    """Child process: `count` ordinary pull requests, then one with the worst-case manifest (listed last)."""
    fake, pulls = open_fake_github(count, "ack")
    repo = fake.add_repo("ack/hostile")
    repo.commit("main", {"README.md": "# hostile\n"})
    repo.commit("feature", {"serverless.yml": worst_case_manifest(pairs)})
    pull = repo.open_pull("feature")
    pulls.append([repo.full_name, pull.number, pull.head_sha, pull.base_sha])
    say_hello(fake, pulls)
    for line in sys.stdin:
        if line.strip() != "report":
            break
        with fake.world.lock:
            runs = fake.world.runs_for(repo.full_name, pull.head_sha)
            done = sum(1 for run in fake.world.check_runs.values() if run.status == "completed")
            hostile = any(run.status == "completed" for run in runs)
        print(f'{{"completed": {done}, "hostile_done": {str(hostile).lower()}}}', flush=True)


def measure(probes: int, pairs: int, bot_root: Path | None) -> dict[str, Any]:
    fake = Fake(__file__, probes)
    hostile = fake.info["pulls"][-1]
    deliveries = sign_all(fake, "ack", SECRET)[:-1]
    repo, number, head, base = hostile
    worst = signed(
        "pull_request",
        pull_request_event(repo, number, head=head, base=base, installation=INSTALLATION),
        delivery="ack-worst",
        secret=SECRET,
    )
    env = {"WORKERS": "2", "JOB_TIMEOUT": "600"}
    if bot_root is not None:
        env["PYTHONPATH"] = f"{bot_root}:{ROOT}"  # the bot from there, the test kit from here
    with tempfile.TemporaryDirectory(prefix="ack-bench-") as workdir:
        processes = start_bot(
            fake, Path(workdir), secret=SECRET, queue_url=f"sqlite:///{workdir}/queue.db", env=env
        )
        url = f"http://127.0.0.1:{processes['serve'].port}/api/github/webhooks"  # type: ignore[attr-defined]
        try:
            with httpx.Client(timeout=120.0) as client:
                started = time.perf_counter()
                assert client.post(url, content=worst[0], headers=worst[1]).status_code == 202
                time.sleep(1.0)  # the worker takes the job and starts on the manifest
                latencies = []
                for body, headers in deliveries:
                    sent = time.perf_counter()
                    status = client.post(url, content=body, headers=headers).status_code
                    latencies.append(time.perf_counter() - sent)
                    assert status == 202, status
                    time.sleep(PACE)
                probes_ended = time.perf_counter() - started
            overlapped = not fake.report()["hostile_done"]
            while not fake.report()["hostile_done"]:
                time.sleep(0.2)
            scan_seconds = time.perf_counter() - started
            wait_for_scans(fake, len(deliveries) + 1, stall=60.0, interval=0.2)
        finally:
            stop_all(processes, fake)
    latencies.sort()
    return {
        "probes": len(latencies),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
        "probes_ended_s": probes_ended,
        "worst_scan_s": scan_seconds,
        "overlapped": overlapped,
    }


def markdown(rows: list[tuple[str, dict[str, Any]]], pairs: int, probes: int, facts: dict[str, str]) -> str:
    table = "\n".join(
        f"| {label} | {f['p50_ms']:.1f} ms | {f['p99_ms']:.1f} ms | {f['max_ms']:.1f} ms "
        f"| {f['probes_ended_s']:.1f} s | {f['worst_scan_s']:.1f} s | {'yes' if f['overlapped'] else 'no'} |"
        for label, f in rows
    )
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in facts.items())
    return f"""{HEADING}

`bench/ack_under_load.py --pairs {pairs} --probes {probes}`: a pull request whose manifest holds the
worst-case value (`a=` x {pairs}) is scanned by `secrets-bot serve`'s two workers while {probes} signed
deliveries are sent one at a time, each acknowledgement timed. Target: p99 < 50 ms. Probes are sequential,
so a stall shows as one slow probe: read `max` too. "Overlapped" says the scan was still running when the
last probe was answered.

| bot | p50 | p99 | max | probes took | worst-case scan took | overlapped |
|---|---:|---:|---:|---:|---:|---|
{table}

| machine | |
|---|---|
{machine_rows}
"""


def line(label: str, figures: dict[str, Any]) -> str:
    return (
        f"{label}: p50 {figures['p50_ms']:.1f} ms  p99 {figures['p99_ms']:.1f} ms"
        f"  max {figures['max_ms']:.1f} ms"
        f"  (probes {figures['probes_ended_s']:.1f} s; worst-case scan {figures['worst_scan_s']:.1f} s;"
        f" overlapped: {figures['overlapped']})"
    )


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--serve-fake":
        serve_fake(int(sys.argv[2]), int(os.environ[PAIRS_VARIABLE]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=26)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--before", type=Path, default=None, help="also measure the bot of this checkout")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    os.environ[PAIRS_VARIABLE] = str(args.pairs)  # for the fake's child process
    facts = machine("redis://127.0.0.1:6379/0")
    rows = [("this checkout (worker processes)", measure(args.probes, args.pairs, None))]
    if args.before is not None:
        rows.append((f"`{args.before.name}`", measure(args.probes, args.pairs, args.before)))
    for label, figures in rows:
        print(line(label, figures))
    if args.write_docs:
        write_section(
            ROOT / "docs" / "benchmarks.md", markdown(rows, args.pairs, args.probes, facts), HEADING
        )


if __name__ == "__main__":
    main()
