"""Score findings against a labelled corpus: the same rule for every tool, so the numbers compare.

A finding matches a labelled secret when it is in the same file and its lines (line..end_line; a peer
reports one line) overlap the secret's lines (line..end_line, the span of a PEM key). A labelled secret
is *found* when at least one finding matches it; recall = found / labelled.

Precision is counted on alarms, as a reviewer meets them: an alarm is a distinct (file, line) a tool
flags (one line reported under three rules is one alarm); it is true when it matches a label, false
otherwise; precision = true alarms / alarms. A tool that flags every line of a PEM block earns several
true alarms for one secret, so `label_precision` = found / (found + false alarms), the definition of
bench/accuracy.py, is kept beside it. Per kind only recall exists (a false alarm has no labelled kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from bench.interval import wilson

from .normalise import PeerFinding


@dataclass(frozen=True, order=True)
class Label:
    """One labelled secret; `path` is relative to the scanned `files/` directory."""

    path: str
    line: int
    end_line: int
    kind: str
    key: str

    @property
    def platform(self) -> str:
        return platform_of(self.path)


@dataclass
class Tally:
    found: int = 0
    missed: int = 0
    true_alarms: int = 0
    false_alarms: int = 0

    @property
    def precision(self) -> float | None:
        alarms = self.true_alarms + self.false_alarms
        return self.true_alarms / alarms if alarms else None

    @property
    def label_precision(self) -> float | None:
        reported = self.found + self.false_alarms
        return self.found / reported if reported else None

    @property
    def recall(self) -> float | None:
        labelled = self.found + self.missed
        return self.found / labelled if labelled else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    @property
    def precision_interval(self) -> tuple[float, float] | None:
        """95% Wilson interval of `precision` (true alarms among all alarms)."""
        return wilson(self.true_alarms, self.true_alarms + self.false_alarms)

    @property
    def recall_interval(self) -> tuple[float, float] | None:
        """95% Wilson interval of `recall` (labelled secrets found)."""
        return wilson(self.found, self.found + self.missed)

    def as_dict(self) -> dict[str, object]:
        rates = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        rates["label_precision"] = self.label_precision
        counts = {"found": self.found, "missed": self.missed}
        counts |= {"true_alarms": self.true_alarms, "false_alarms": self.false_alarms}
        intervals = {"precision_ci95": self.precision_interval, "recall_ci95": self.recall_interval}
        rounded = {name: None if value is None else round(value, 4) for name, value in rates.items()}
        return counts | rounded | {name: _rounded(bounds) for name, bounds in intervals.items()}


def _rounded(bounds: tuple[float, float] | None) -> list[float] | None:
    return None if bounds is None else [round(bounds[0], 4), round(bounds[1], 4)]


@dataclass
class Score:
    tool: str
    total: Tally = field(default_factory=Tally)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_platform: dict[str, Tally] = field(default_factory=dict)
    found: set[Label] = field(default_factory=set)
    false_alarms: list[tuple[str, int]] = field(default_factory=list)


def platform_of(path: str) -> str:
    """`071-azure-functions/local.settings.json` -> `azure-functions` (the corpus folder convention)."""
    folder = PurePosixPath(path).parts[0]
    number, _, platform = folder.partition("-")
    return platform if number.isdigit() and platform else folder


def load_labels(entries: Iterable[dict[str, Any]]) -> tuple[list[Label], list[str]]:
    """Labels from labels.json entries, and every labelled file (files without secrets count too)."""
    labels: list[Label] = []
    files: list[str] = []
    for entry in entries:
        path = PurePosixPath(entry["file"]).relative_to("files").as_posix()
        files.append(path)
        for secret in entry.get("secrets") or []:
            line = int(secret["line"])
            end_line = int(secret.get("end_line") or line)
            labels.append(Label(path, line, end_line, secret["kind"], secret.get("key", "")))
    return labels, files


def matches(finding: PeerFinding, label: Label) -> bool:
    return finding.path == label.path and finding.line <= label.end_line and label.line <= finding.last_line


def score(tool: str, findings: Sequence[PeerFinding], labels: Sequence[Label], files: Sequence[str]) -> Score:
    """Found / missed per label and true / false alarms per distinct line, in the labelled files only."""
    result = Score(tool)
    for platform in sorted({platform_of(path) for path in files}):
        result.by_platform[platform] = Tally()
    labelled_files = set(files)
    in_scope = [finding for finding in findings if finding.path in labelled_files]
    for label in labels:
        hit = any(matches(finding, label) for finding in in_scope)
        for tally in (result.total, result.by_platform[label.platform], _kind(result, label.kind)):
            tally.found += hit
            tally.missed += not hit
        if hit:
            result.found.add(label)
    alarms: dict[tuple[str, int], bool] = {}
    for finding in in_scope:
        key = (finding.path, finding.line)
        alarms[key] = alarms.get(key, False) or _matches_any(finding, labels)
    for (path, line), true in sorted(alarms.items()):
        for tally in (result.total, result.by_platform[platform_of(path)]):
            tally.true_alarms += true
            tally.false_alarms += not true
        if not true:
            result.false_alarms.append((path, line))
    return result


def _kind(result: Score, kind: str) -> Tally:
    return result.by_kind.setdefault(kind, Tally())


def _matches_any(finding: PeerFinding, labels: Sequence[Label]) -> bool:
    return any(matches(finding, label) for label in labels)
