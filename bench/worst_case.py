"""Seconds `scan_file` takes on each hostile manifest of `bench/hostile.py` at growing sizes.

A linear scanner shows about four times the time for four times the size; the work budget and the findings
cap bound what is left. Prints one row per scenario: its sizes in KB and the seconds at each.

    .venv/bin/python -m bench.worst_case [--sizes 100,400,1600,6400]
"""

from __future__ import annotations

import argparse
import time

from bench.hostile import SCENARIOS
from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400,1600,6400", help="repetition counts, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    ruleset, config = RuleSet.default(), ScanConfig()
    for name, build in SCENARIOS.items():
        cells = []
        for size in sizes:
            path, text = build(size)
            data = text.encode()
            if len(data) > config.limits.max_bytes:
                cells.append(f"{len(data) // 1000:>6} KB  over the size limit")
                continue
            start = time.perf_counter()
            result = scan_file(path, data, ruleset=ruleset, config=config)
            seconds = time.perf_counter() - start
            notes = ",".join(notice.kind.value for notice in result.notices) or "-"
            cells.append(f"{len(data) // 1000:>6} KB {seconds:7.3f} s {notes}")
        print(f"{name:24s} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
