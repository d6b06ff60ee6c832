"""Fuzz the scanner and the webhook route for N minutes (a script, not a test): the suite's properties, more.

Runs the properties of `tests/hardening/properties.py` (arbitrary bytes and arbitrary YAML/JSON trees under
manifest names: only a `ScanResult` comes out, positions are inside the file, no planted value is repeated)
and of the webhook route (arbitrary bodies and headers never answer 500) with hypothesis, no deadline and a
large example budget, round after round with fresh seeds until the time is up. Instead of stopping at the
first failure it records every distinct failure (exception type and the innermost `bot/` frame) with the
smallest input seen, so one run reports them all.

    .venv/bin/python bench/fuzz.py --minutes 12 --out bench/out/fuzz.json
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hardening.properties import RAW_FILES, check_scan, dumped_trees, scan  # noqa: E402
from tests.hardening.webhook_props import WEBHOOK_INPUTS, WebhookProbe  # noqa: E402

Failures = dict[str, dict[str, Any]]


def signature(error: BaseException) -> str:
    """Exception type plus the innermost frame inside bot/ (or the assertion text), to group failures."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/bot/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].name}" if frames else ""
    text = str(error).split(" at ")[0][:80] if isinstance(error, AssertionError) else ""
    return f"{type(error).__name__} {where} {text}".strip()


def record(failures: Failures, error: BaseException, case: Any) -> None:
    key = signature(error)
    shown = repr(case)
    known = failures.get(key)
    if known is None or len(shown) < len(known["case"]):
        failures[key] = {"case": shown[:2000], "count": (known or {"count": 0})["count"]}
    failures[key]["count"] += 1


def scanner_property(failures: Failures, counter: list[int]) -> Callable[[tuple[str, bytes]], None]:
    def run(case: tuple[str, bytes]) -> None:
        counter[0] += 1
        path, data = case
        try:
            check_scan(path, data, scan(path, data))
        except Exception as error:
            record(failures, error, case)

    return run


def webhook_property(failures: Failures, counter: list[int], probe: WebhookProbe) -> Callable[..., None]:
    def run(case: tuple[dict[str, str], bytes]) -> None:
        counter[0] += 1
        headers, body = case
        try:
            probe.check(headers, body)
        except Exception as error:
            record(failures, error, case)

    return run


def one_round(strategy: st.SearchStrategy[Any], target: Callable[[Any], None], examples: int) -> None:
    seeded = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    seeded(given(strategy)(target))()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--examples", type=int, default=2000, help="examples per round and property")
    parser.add_argument("--out", type=Path, default=None, help="write the report as JSON here too")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # malformed-payload warnings are expected by the thousand
    failures: Failures = {}
    counts = {"raw bytes": [0], "yaml/json trees": [0], "webhook": [0]}
    probe = WebhookProbe()
    targets: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], None]]] = [
        ("raw bytes", RAW_FILES, scanner_property(failures, counts["raw bytes"])),
        ("yaml/json trees", dumped_trees(), scanner_property(failures, counts["yaml/json trees"])),
        ("webhook", WEBHOOK_INPUTS, webhook_property(failures, counts["webhook"], probe)),
    ]
    started = time.monotonic()
    rounds = 0
    while time.monotonic() - started < args.minutes * 60:
        name, strategy, target = targets[rounds % len(targets)]
        random.seed(rounds)
        one_round(strategy, target, args.examples if name != "webhook" else args.examples // 4)
        rounds += 1
        print(
            f"{time.monotonic() - started:7.0f}s round {rounds} ({name}): {len(failures)} distinct failures"
        )
    probe.close()
    report = {
        "minutes": round((time.monotonic() - started) / 60, 1),
        "examples": {name: count[0] for name, count in counts.items()},
        "failures": failures,
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
