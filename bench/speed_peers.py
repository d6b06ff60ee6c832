"""Whole-process speed and memory of us and every peer on the same generated trees of manifests.

    .venv/bin/python -m bench.speed_peers [--counts 1500 15000] [--runs 5 3] [--warmup 1]
        [--timeout 150 600] [--only NAME ...]

The trees come from bench/speed.py's `generate` (same seed, same mix of Serverless, SAM/CloudFormation,
local.settings.json, .env.yaml, samconfig.toml and broken YAML). Each tool runs offline on a tree
`--warmup` times unmeasured, then `runs` times; the table gives the median wall time, throughput, the
median peak RSS and the ratio of each tool's median to ours. A run past `--timeout` is killed and the
tool is marked as timed out at that size; at the next size a tool that timed out, or whose time scaled
by the manifest count would pass the limit, is not run again. Writes bench/out/speed.json and
docs/img/throughput.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.peers import plot
from bench.peers.install import DEFAULT_CACHE, install, is_available
from bench.peers.run import REPO, Invocation, Measured, TimedOut, invocations, measure
from bench.peers.tools import select
from bench.speed import generate

OUT = REPO / "bench" / "out"


@dataclass
class Timing:
    tool: str
    label: str
    runs: list[Measured] = field(default_factory=list)
    timed_out: float | None = None
    skipped: str = ""

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(run.seconds for run in self.runs) if self.runs else None

    @property
    def median_cpu_seconds(self) -> float | None:
        return statistics.median(run.cpu_seconds for run in self.runs) if self.runs else None

    @property
    def median_peak_mb(self) -> float | None:
        return statistics.median(run.peak_rss_mb for run in self.runs) if self.runs else None


@dataclass(frozen=True)
class Plan:
    """What to do at one size: how many manifests, unmeasured and measured runs, and the time limit."""

    count: int
    runs: int
    warmup: int
    timeout: float


def time_tool(invocation: Invocation, target: Path, out: Path, plan: Plan) -> Timing:
    """`warmup` unmeasured runs, then `runs` measured ones; stops at the first run that times out."""
    timing, timeout = Timing(invocation.tool, invocation.label), plan.timeout
    try:
        for _ in range(plan.warmup):
            warm = measure(invocation, target, out, timeout)
            print(f"    warm-up {warm.seconds:.2f} s", file=sys.stderr)
        for _ in range(plan.runs):
            timing.runs.append(measure(invocation, target, out, timeout))
            print(f"    run {timing.runs[-1].seconds:.2f} s", file=sys.stderr)
    except TimedOut:
        print(f"    timed out after {timeout:.0f} s", file=sys.stderr)
        timing.timed_out = timeout
    return timing


def hopeless(previous: dict[str, object] | None, tool: str, count: int, timeout: float) -> str:
    """Why a tool is not worth running at `count` given the previous size, or "" when it is."""
    if previous is None:
        return ""
    rows = previous["tools"]
    assert isinstance(rows, list)
    row = next((row for row in rows if row["tool"] == tool), None)
    if row is None or row["skipped"]:
        return "" if row is None else str(row["skipped"])
    if row["median_seconds"] is None:
        return f"timed out at {previous['count']:,} manifests"
    projected = row["median_seconds"] * count / int(str(previous["count"]))
    return f"projected {projected:.0f} s > {timeout:.0f} s" if projected > timeout else ""


def time_size(plan: Plan, args: argparse.Namespace, previous: dict[str, object] | None) -> dict[str, object]:
    peers = tuple(peer for peer in select(args.only) if is_available(peer))
    count = plan.count
    with tempfile.TemporaryDirectory(prefix=f"speed-peers-{count}-") as scratch:
        tree, out = Path(scratch) / "tree", Path(scratch) / "report.json"
        tree.mkdir()
        total, planted = generate(tree, count, args.seed)
        load_before = os.getloadavg()[0]
        timings = []
        for invocation in invocations(tree, peers, args.cache, out):
            print(f"  {count}: {invocation.label}", file=sys.stderr)
            reason = hopeless(previous, invocation.tool, count, plan.timeout)
            if reason:
                timings.append(Timing(invocation.tool, invocation.label, skipped=reason))
                continue
            timings.append(time_tool(invocation, tree, out, plan))
        load_after = os.getloadavg()[0]
    ours = timings[0].median_seconds
    return {
        "count": count,
        "megabytes": round(total / 1e6, 1),
        "planted": planted,
        "runs": plan.runs,
        "warmup": plan.warmup,
        "timeout": plan.timeout,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "tools": [_row(timing, count, total, ours) for timing in timings],
    }


def _row(timing: Timing, count: int, total: int, ours: float | None) -> dict[str, object]:
    median = timing.median_seconds
    last = timing.runs[-1] if timing.runs else None
    return {
        "tool": timing.tool,
        "label": timing.label,
        "median_seconds": None if median is None else round(median, 3),
        "min_seconds": round(min(run.seconds for run in timing.runs), 3) if timing.runs else None,
        "median_cpu_seconds": None if median is None else round(timing.median_cpu_seconds or 0.0, 3),
        "manifests_per_second": None if median is None else round(count / median, 1),
        "megabytes_per_second": None if median is None else round(total / 1e6 / median, 2),
        "median_peak_rss_mb": None if timing.median_peak_mb is None else round(timing.median_peak_mb, 1),
        "ratio_to_us": None if median is None or not ours else round(median / ours, 2),
        "measured_runs": len(timing.runs),
        "findings": None if last is None else len(last.findings),
        "timed_out_after": timing.timed_out,
        "skipped": timing.skipped,
    }


def plans(args: argparse.Namespace) -> list[Plan]:
    """One plan per count; --runs and --timeout repeat their last value for the remaining counts."""

    def nth(values: list[Any], index: int) -> Any:
        return values[min(index, len(values) - 1)]

    return [
        Plan(count, nth(args.runs, i), args.warmup, nth(args.timeout, i))
        for i, count in enumerate(args.counts)
    ]


def table(size: dict[str, object]) -> list[str]:
    lines = [
        f"{size['count']:,} manifests, {size['megabytes']} MB, {size['planted']} with a planted secret; "
        f"median of {size['runs']} runs after {size['warmup']} unmeasured; "
        f"limit {size['timeout']:.0f} s a run; load average before/after {size['load_average']}",
        "",
        "| tool | median wall | min | CPU | manifests/s | MB/s | peak RSS | vs ours | findings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = size["tools"]
    assert isinstance(rows, list)
    for row in rows:
        if row["skipped"]:
            lines.append(f"| {row['label']} | not run: {row['skipped']} | | | | | | | |")
            continue
        if row["median_seconds"] is None:
            lines.append(f"| {row['label']} | timed out (> {row['timed_out_after']:.0f} s) | | | | | | | |")
            continue
        note = f" ({timeout_note(row)})" if row["timed_out_after"] else ""
        lines.append(
            f"| {row['label']}{note} | {row['median_seconds']:.2f} s | {row['min_seconds']:.2f} s | "
            f"{row['median_cpu_seconds']:.2f} s | "
            f"{row['manifests_per_second']:,.0f} | {row['megabytes_per_second']:.1f} | "
            f"{row['median_peak_rss_mb']:.0f} MB | {row['ratio_to_us']:.2f} | {row['findings']} |"
        )
    return lines


def timeout_note(row: dict[str, Any]) -> str:
    return f"{row['measured_runs']} runs before one passed {row['timed_out_after']:.0f} s"


def machine() -> dict[str, object]:
    """The facts docs/benchmarks.md quotes: cores, CPU model, memory, Python, kernel."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line), "")
    free = shutil.which("free")
    memory = subprocess.run([free, "-h"], capture_output=True, text=True, check=False).stdout if free else ""
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": next((line.split()[1] for line in memory.splitlines() if line.startswith("Mem:")), ""),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--counts", type=int, nargs="+", default=[1500, 15000])
    parser.add_argument("--runs", type=int, nargs="+", default=[5, 3], help="measured runs per count")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs per tool and count")
    parser.add_argument("--timeout", type=float, nargs="+", default=[150.0, 600.0], help="seconds per count")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--only", nargs="*", help="peer names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    for peer in select(args.only):
        if is_available(peer):
            install(peer, args.cache)
    sizes: list[dict[str, object]] = []
    for plan in plans(args):
        sizes.append(time_size(plan, args, sizes[-1] if sizes else None))
    print("\n\n".join("\n".join(table(size)) for size in sizes))
    args.out.mkdir(parents=True, exist_ok=True)
    result = args.out / "speed.json"
    result.write_text(json.dumps({"machine": machine(), "sizes": sizes}, indent=1) + "\n", encoding="utf-8")
    if not args.no_plot:
        plot.draw("speed", result, args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
