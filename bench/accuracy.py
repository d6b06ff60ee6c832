"""Accuracy of `scan_file` on a labelled corpus: found / missed / false alarms, per kind and per platform.

    python -m bench.accuracy --corpus ../shared/corpus [--json]

The corpus layout is `DIR/labels.json` plus `DIR/files/...` (see the corpus README). Findings of severity
medium and high count; a finding matches a labelled secret when it is in the same file and it STARTS on
one of the secret's lines (line..end_line). A medium/high finding that matches no label is a false alarm.
Misses and false alarms are listed by file, line and rule, never by value.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.interval import format_interval, wilson
from bot.core.config import ScanConfig
from bot.core.findings import Finding, Severity
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

_COUNTED = (Severity.MEDIUM, Severity.HIGH)


@dataclass
class Tally:
    found: int = 0
    missed: int = 0
    false_alarms: int = 0

    def as_dict(self) -> dict[str, object]:
        counts = {"found": self.found, "missed": self.missed, "false_alarms": self.false_alarms}
        intervals = {
            f"{name}_ci95": None if bounds is None else [round(bounds[0], 4), round(bounds[1], 4)]
            for name, bounds in _intervals(self).items()
        }
        return counts | _rates(self) | intervals


@dataclass
class Report:
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_platform: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    misses: list[dict[str, object]] = field(default_factory=list)
    false_alarms: list[dict[str, object]] = field(default_factory=list)
    files: int = 0
    recognised: Counter[str] = field(default_factory=Counter)


def _rates(tally: Tally) -> dict[str, float | None]:
    reported = tally.found + tally.false_alarms
    labelled = tally.found + tally.missed
    return {
        "precision": round(tally.found / reported, 4) if reported else None,
        "recall": round(tally.found / labelled, 4) if labelled else None,
    }


def _intervals(tally: Tally) -> dict[str, tuple[float, float] | None]:
    """95% Wilson intervals of precision (found among reported) and recall (found among labelled)."""
    return {
        "precision": wilson(tally.found, tally.found + tally.false_alarms),
        "recall": wilson(tally.found, tally.found + tally.missed),
    }


def _platform_group(file: str) -> str:
    folder = Path(file).parts[1] if len(Path(file).parts) > 1 else file
    return folder.split("-", 1)[1] if "-" in folder else folder


def _starts_within(finding: Finding, secret: dict[str, object]) -> bool:
    """The finding starts on the secret's lines; a finding spanning many lines (a whole file folded into
    one value) must not count as a hit on every label it covers. A PEM block still matches on its first
    line, which is where its finding starts."""
    start = int(str(secret["line"]))
    end = int(str(secret.get("end_line") or start))
    return start <= finding.line <= end


def evaluate(corpus: Path) -> Report:
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    ruleset, config = RuleSet.default(), ScanConfig()
    report = Report()
    for entry in labels:
        file = entry["file"]
        data = (corpus / file).read_bytes()
        result = scan_file(file, data, ruleset=ruleset, config=config)
        report.files += 1
        report.recognised[str(result.platform)] += 1
        counted = [f for f in result.findings if f.severity in _COUNTED]
        _score(report, entry, counted)
    return report


def _score(report: Report, entry: dict[str, object], counted: list[Finding]) -> None:
    file = str(entry["file"])
    group = _platform_group(file)
    platform = report.by_platform.setdefault(group, Tally())
    matched: set[int] = set()
    secrets = entry.get("secrets") or []
    assert isinstance(secrets, list)
    for secret in secrets:
        kind = report.by_kind.setdefault(str(secret["kind"]), Tally())
        hits = [index for index, finding in enumerate(counted) if _starts_within(finding, secret)]
        matched.update(hits)
        for tally in (kind, platform, report.total):
            if hits:
                tally.found += 1
            else:
                tally.missed += 1
        if not hits:
            report.misses.append({"file": file, "line": secret["line"], "kind": secret["kind"]})
    for index, finding in enumerate(counted):
        if index not in matched:
            platform.false_alarms += 1
            report.total.false_alarms += 1
            alarm = {"file": file, "line": finding.line, "rule": finding.rule, "key": finding.key}
            report.false_alarms.append(alarm)


def _print(report: Report) -> None:
    print(f"files: {report.files}  recognised as: {dict(report.recognised)}")
    for title, table in (("kind", report.by_kind), ("platform", report.by_platform)):
        print(f"\nper {title}:")
        print(f"  {'':28} found missed false  precision recall")
        for name, tally in sorted(table.items()):
            rates = _rates(tally)
            print(
                f"  {name:28} {tally.found:5} {tally.missed:6} {tally.false_alarms:5}  "
                f"{_fmt(rates['precision']):>9} {_fmt(rates['recall']):>6}"
            )
    totals, bounds = _rates(report.total), _intervals(report.total)
    print(
        f"\nTOTAL found {report.total.found}, missed {report.total.missed}, false alarms "
        f"{report.total.false_alarms}; precision {_fmt(totals['precision'])} "
        f"{format_interval(bounds['precision'])}, recall {_fmt(totals['recall'])} "
        f"{format_interval(bounds['recall'])} (95% Wilson intervals)"
    )
    for title, rows in (("misses", report.misses), ("false alarms", report.false_alarms)):
        print(f"\n{title}: {len(rows)}")
        for row in rows:
            print("  " + "  ".join(f"{key}={value}" for key, value in row.items()))


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True, help="directory with labels.json and files/")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    args = parser.parse_args(argv)
    report = evaluate(args.corpus)
    if args.json:
        document = {
            "files": report.files,
            "total": report.total.as_dict(),
            "per_kind": {name: tally.as_dict() for name, tally in sorted(report.by_kind.items())},
            "per_platform": {name: tally.as_dict() for name, tally in sorted(report.by_platform.items())},
            "misses": report.misses,
            "false_alarms": report.false_alarms,
        }
        json.dump(document, sys.stdout, indent=2)
        print()
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
