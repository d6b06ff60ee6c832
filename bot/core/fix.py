"""Fixing a file: its bytes and findings in, the rewritten bytes out, from the review suggestions' own edits.

A review suggestion and a fix pull request must never disagree, so both take their edit from `line_edit`:
the finding's lines (`line`..`end_line`) become its remediation's replacement line, and an empty replacement
deletes them. A finding without a replacement line (a value split by `!Join`, a minified one-line file) has
only text advice: it is left as it is and named as needing a hand fix. So is every finding whose lines
overlap another finding with a different edit, since applying either would leave the other's value behind
(`bot.core.sharedlines` already gives findings on one line one shared replacement where that is safe).
Line endings (`\\r\\n`) and a byte-order mark are kept; nothing here sees or returns a secret value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.findings import Finding

_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class LineEdit:
    """Lines `start`..`end` (1-based, inclusive) become `text`; an empty `text` deletes them."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class FixedFile:
    data: bytes  # the rewritten file (the input unchanged when nothing could be applied)
    applied: tuple[Finding, ...]  # findings whose edit is in `data`
    by_hand: tuple[Finding, ...]  # findings left as they were: text advice only, or clashing edits

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def line_edit(finding: Finding) -> LineEdit | None:
    """The edit a one-click suggestion shows and a fix pull request commits; None: text advice only."""
    remediation = finding.remediation
    if remediation is None or remediation.replacement is None:
        return None
    return LineEdit(finding.line, finding.end_line, remediation.replacement)


def fix_file(data: bytes, findings: Sequence[Finding]) -> FixedFile:
    """`data` with every applicable finding's edit applied; the rest are listed in `by_hand`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FixedFile(data, (), tuple(findings))
    bom = _BOM if text.startswith(_BOM) else ""
    lines = text.removeprefix(bom).split("\n")
    edits, applied, by_hand = _plan(findings, len(lines))
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):  # bottom-up: line numbers stay true
        ending = "\r" if lines[edit.end - 1].endswith("\r") else ""
        lines[edit.start - 1 : edit.end] = [edit.text + ending] if edit.text else []
    if not edits:
        return FixedFile(data, (), tuple(by_hand))
    return FixedFile((bom + "\n".join(lines)).encode("utf-8"), tuple(applied), tuple(by_hand))


def _plan(
    findings: Sequence[Finding], line_count: int
) -> tuple[list[LineEdit], list[Finding], list[Finding]]:
    """(edits to apply, findings they fix, findings left for a hand fix). Findings are grouped into clusters
    of overlapping line spans; a cluster is applied only when all its findings carry one and the same edit."""
    ordered = sorted(findings, key=lambda f: (f.line, f.end_line))
    edits: list[LineEdit] = []
    applied: list[Finding] = []
    by_hand: list[Finding] = []
    cluster: list[Finding] = []
    reach = 0
    for finding in [*ordered, None]:
        if finding is None or (cluster and finding.line > reach):
            edit = _cluster_edit(cluster, line_count)
            if edit is None:
                by_hand += cluster
            else:
                edits.append(edit)
                applied += cluster
            cluster, reach = [], 0
        if finding is not None:
            cluster.append(finding)
            reach = max(reach, finding.end_line)
    return edits, applied, by_hand


def _cluster_edit(cluster: Sequence[Finding], line_count: int) -> LineEdit | None:
    if not cluster:
        return None
    found = {line_edit(finding) for finding in cluster}
    if len(found) != 1:
        return None
    (edit,) = found
    if edit is None or not (1 <= edit.start <= edit.end <= line_count):
        return None
    return edit
