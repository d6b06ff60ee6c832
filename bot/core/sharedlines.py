"""Replacement lines for findings that share a line with other findings.

Each finding's fix is computed alone, as the whole line(s) with its own value replaced. When two secrets sit
on one line (`environment: {A: x, B: y}`, a one-line `local.settings.json`, a `serverless.ts` object), that
line would still show the other secret in clear, and it would be printed in every report and posted to
GitHub. So every replacement line here is rebuilt with all the fixes of its line applied, and a finding
whose line cannot be fixed as a whole (another secret there has no fix, or two fixes overlap) gets no
replacement at all. A final check refuses any replacement that still contains a secret found on its lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from bot.core.advisories import ADVISORY_IDS
from bot.core.findings import Finding

# More secrets than this on the lines of one finding: no replacement line (rebuilding it for each of them
# would be quadratic, and such a line wants rewriting by hand anyway).
_MAX_NEIGHBOURS = 32


class _Edit(NamedTuple):
    """Replace text from (line, column) to (end line, end column), 0-based columns, with `text`."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


def settle_shared_lines(
    findings: Sequence[Finding],
    lines: Sequence[str],
    secrets: Mapping[int, str],
    secret_findings: Sequence[Finding] | None = None,
) -> list[Finding]:
    """`findings` with every replacement line free of the secrets of `secret_findings` (all the file's
    findings, listed or not: an unlisted secret must not show in a listed finding's fix either; by default
    `findings` themselves).

    `secrets` maps `id(finding)` to the secret value of each secret finding (advice has none)."""
    by_line: dict[int, list[Finding]] = defaultdict(list)
    for other in findings if secret_findings is None else secret_findings:
        if other.rule in ADVISORY_IDS:
            continue
        for line in range(other.line, other.end_line + 1):
            by_line[line].append(other)
    settled: list[Finding] = []
    for finding in findings:
        replacement = _replacement(finding, by_line, lines, secrets)
        remediation = finding.remediation
        if remediation is not None and replacement != remediation.replacement:
            finding = finding._replace(remediation=remediation._replace(replacement=replacement))
        settled.append(finding)
    return settled


def _replacement(
    finding: Finding, by_line: Mapping[int, list[Finding]], lines: Sequence[str], secrets: Mapping[int, str]
) -> str | None:
    found = {
        id(other): other
        for line in range(finding.line, finding.end_line + 1)
        for other in by_line.get(line, ())
    }
    found.pop(id(finding), None)
    if len(found) > _MAX_NEIGHBOURS:
        return None
    neighbours = list(found.values())
    rebuilt = _rebuilt(finding, neighbours, lines)
    if rebuilt is None:
        return None
    values = [secrets.get(id(item), "") for item in (finding, *neighbours)]
    return None if any(value and value in rebuilt for value in values) else rebuilt


def _rebuilt(finding: Finding, neighbours: Sequence[Finding], lines: Sequence[str]) -> str | None:
    """The finding's lines with its own fix and its neighbours' applied, as one line; None when one of them
    has no fix, reaches outside the finding's lines, or overlaps another."""
    replacement = _fix_of(finding, lines)
    if replacement is None:
        return None
    if not neighbours:
        # Alone on its lines (most findings): its own edit, applied to its lines, gives back its replacement
        # (`_edit_of` cuts the edit out of that line), so it is neither cut out nor applied.
        return None if "\n" in replacement else replacement
    edits = {_edit_of(finding, lines, replacement)}
    for other in neighbours:
        fix = _fix_of(other, lines)
        edit = None if fix is None else _edit_of(other, lines, fix)
        if edit is None or edit.line < finding.line or edit.end_line > finding.end_line:
            return None
        edits.add(edit)
    return _applied(sorted(edits), lines, finding.line, finding.end_line)


def _fix_of(finding: Finding, lines: Sequence[str]) -> str | None:
    """The finding's replacement line, if it has one and its lines are in the file."""
    remediation = finding.remediation
    if remediation is None or not (1 <= finding.line <= finding.end_line <= len(lines)):
        return None
    return remediation.replacement


def _edit_of(finding: Finding, lines: Sequence[str], replacement: str) -> _Edit:
    """The smallest edit of the finding's lines that yields `replacement`, its replacement line."""
    first, last = lines[finding.line - 1], lines[finding.end_line - 1]
    prefix = _common_prefix(first, replacement)
    if finding.line == finding.end_line:
        limit = min(len(first), len(replacement)) - prefix
    else:
        limit = len(replacement) - prefix
    suffix = _common_suffix(last, replacement, limit)
    text = replacement[prefix : len(replacement) - suffix]
    return _Edit(finding.line, prefix, finding.end_line, len(last) - suffix, text)


def _applied(edits: Sequence[_Edit], lines: Sequence[str], first: int, last: int) -> str | None:
    """The lines first..last with every edit applied, as one line; None when edits overlap."""
    pieces: list[str] = []
    line, column = first, 0
    for edit in edits:
        if (edit.line, edit.column) < (line, column):
            return None
        pieces.append(_text_between(lines, (line, column), (edit.line, edit.column)))
        pieces.append(edit.text)
        line, column = edit.end_line, edit.end_column
    pieces.append(_text_between(lines, (line, column), (last, len(lines[last - 1]))))
    rebuilt = "".join(pieces)
    return None if "\n" in rebuilt else rebuilt


def _text_between(lines: Sequence[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (line, column), (end_line, end_column) = start, end
    if line == end_line:
        return lines[line - 1][column:end_column]
    middle = lines[line : end_line - 1]
    return "\n".join([lines[line - 1][column:], *middle, lines[end_line - 1][:end_column]])


def _common_prefix(left: str, right: str) -> int:
    size = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        size += 1
    return size


def _common_suffix(left: str, right: str, limit: int) -> int:
    size = 0
    while size < limit and size < len(left) and left[-1 - size] == right[-1 - size]:
        size += 1
    return size
