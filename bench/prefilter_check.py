"""Proof by corpus that the pre-parse check (`bot.core.prefilter`) never changes what a scan reports.

Every manifest under each DIR is scanned twice in one process, once with the pre-pass and once parsing
everything (`scan_file(..., prefilter=False)`), and the findings and notices must be identical. Prints how
many files the pre-pass skipped and the CPU time of each path; exits 1 on any difference (listed by file
and rule, never by value). With --generate N, also checks N manifests generated as bench/speed.py does.

    .venv/bin/python -m bench.prefilter_check DIR [DIR ...] [--generate 1500] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.speed import generate
from bot.batch import read_manifest
from bot.core.config import ScanConfig
from bot.core.decoding import decode_manifest
from bot.core.detect import choose
from bot.core.detectors import Detectors
from bot.core.errors import ManifestError
from bot.core.findings import Notice, ScanResult
from bot.core.prefilter import may_hold_finding
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.files import iter_manifest_paths


@dataclass
class Tally:
    files: int = 0
    skipped: int = 0  # files the pre-pass answered without a tree
    platform_only: int = 0  # same findings and notices, platform differs (claimed vs confirmed)
    full_seconds: float = 0.0
    prefiltered_seconds: float = 0.0


def check(directory: Path, config: ScanConfig, ruleset: RuleSet, tally: Tally) -> list[str]:
    """Differences between the two paths for every manifest under `directory`."""
    problems: list[str] = []
    for path, relative, _ in iter_manifest_paths([directory], config):
        data = read_manifest(path, relative, config.limits)
        if isinstance(data, Notice):
            continue
        full, full_time = _timed(relative, data, ruleset, config, prefilter=False)
        fast, fast_time = _timed(relative, data, ruleset, config, prefilter=True)
        tally.files += 1
        tally.full_seconds += full_time
        tally.prefiltered_seconds += fast_time
        tally.skipped += _answered_unparsed(relative, data, ruleset, config)
        if full.findings != fast.findings or full.notices != fast.notices:
            rules = sorted({f.rule for f in full.findings} ^ {f.rule for f in fast.findings})
            problems.append(
                f"{directory}/{relative}: full {_summary(full)} vs prefiltered {_summary(fast)} {rules}"
            )
        elif full.platform != fast.platform:
            tally.platform_only += 1
    return problems


def _timed(
    relative: str, data: bytes, ruleset: RuleSet, config: ScanConfig, *, prefilter: bool
) -> tuple[ScanResult, float]:
    start = time.process_time()
    result = scan_file(relative, data, ruleset=ruleset, config=config, prefilter=prefilter)
    return result, time.process_time() - start


def _answered_unparsed(relative: str, data: bytes, ruleset: RuleSet, config: ScanConfig) -> bool:
    """Whether the pre-pass proves this file cannot hold a finding (as `scan_file` asks it)."""
    choice = choose(relative, data, config.extra_manifests)
    try:
        text = decode_manifest(data, config.limits)
    except ManifestError:
        return False
    detectors = Detectors(ruleset, text)
    return choice is not None and not may_hold_finding(text, choice.platform.id, ruleset, detectors)


def _summary(result: ScanResult) -> str:
    return f"{len(result.findings)} findings, notices {[n.kind.value for n in result.notices]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directories", nargs="*", type=Path)
    parser.add_argument("--generate", type=int, default=0, help="also check this many generated manifests")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = ScanConfig()
    ruleset = RuleSet.default().with_config(config)
    tally = Tally()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="secrets-bot-prefilter-") as scratch:
        directories = list(args.directories)
        if args.generate:
            generate(Path(scratch), args.generate, args.seed)
            directories.append(Path(scratch))
        for directory in directories:
            problems += check(directory, config, ruleset, tally)
    print(f"files: {tally.files}, proven free of findings before parsing: {tally.skipped}")
    print(f"CPU: full {tally.full_seconds:.2f} s, prefiltered {tally.prefiltered_seconds:.2f} s")
    print(f"platform claimed but not confirmed (findings and notices identical): {tally.platform_only}")
    print(f"differences: {len(problems)}")
    for problem in problems:
        print("  " + problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
