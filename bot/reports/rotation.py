"""Acknowledged rotations: which findings a `/secrets-bot rotated` acknowledgement covers, and which
prefix names which finding. Pure: the acknowledgements come from the bot's own comments
(`bot.jobs.acknowledgements`).

The rule (docs/configuration.md, "Acknowledging a rotated secret"): an acknowledgement names a fingerprint
(the same value under the same key in the same file) and the head it was given at. It covers a finding only
while that value is absent from the scanned head (a secret in the head must be removed, rotated or not) and
every scanned commit that holds it is the acknowledged commit or one before it. A value that comes back in
a later commit is a new exposure and fails again; so does one whose commits the scan cannot place (a
rewritten history, or a push whose commits all come after the acknowledged one).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.findings import FINGERPRINT_PREFIX, Finding
from bot.reports import markdown

MIN_PREFIX = 8  # hex digits after `v2-`
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    fingerprint: str
    sha: str  # the head (or the commented commit) the acknowledgement was given at
    by: str  # the login of the person with write access who gave it
    at: str  # when, as GitHub dated the bot's reply (ISO 8601)


@dataclass(frozen=True, slots=True)
class Acknowledged:
    finding: Finding
    acknowledgement: Acknowledgement


@dataclass(frozen=True, slots=True)
class Resolution:
    """What each word of a `/secrets-bot rotated` command named."""

    matched: dict[str, Finding] = field(default_factory=dict)  # fingerprint -> one finding with it
    malformed: tuple[str, ...] = ()  # fewer than MIN_PREFIX hex digits
    ambiguous: tuple[tuple[str, int], ...] = ()  # (prefix, how many fingerprints it matches)
    unknown: tuple[str, ...] = ()


def acknowledged(
    findings: Sequence[Finding],
    acknowledgements: Sequence[Acknowledgement],
    *,
    head: Collection[str],
    commits: Sequence[str] = (),
    presence: Mapping[str, Collection[str]] | None = None,
) -> tuple[list[Finding], list[Acknowledged]]:
    """(still failing, acknowledged). `head`: fingerprints present at the scanned head; `commits`: the
    scanned commits, oldest first; `presence`: fingerprint -> the scanned commits that hold it."""
    position = {sha: index for index, sha in enumerate(commits)}
    by_fingerprint: dict[str, list[Acknowledgement]] = {}
    for item in acknowledgements:
        by_fingerprint.setdefault(item.fingerprint, []).append(item)
    failing: list[Finding] = []
    covered: list[Acknowledged] = []
    for finding in findings:
        held = (presence or {}).get(finding.fingerprint, ())
        cover = None
        if finding.fingerprint not in head and held:
            cover = _covering(by_fingerprint.get(finding.fingerprint, ()), held, position)
        if cover is None:
            failing.append(finding)
        else:
            covered.append(Acknowledged(finding, cover))
    return failing, covered


def _covering(
    candidates: Sequence[Acknowledgement], held: Collection[str], position: Mapping[str, int]
) -> Acknowledgement | None:
    """The first acknowledgement given at or after every commit that holds the value."""
    if any(sha not in position for sha in held):
        return None
    newest = max(position[sha] for sha in held)
    for item in candidates:
        if item.sha in position and position[item.sha] >= newest:
            return item
    return None


def resolve(words: Sequence[str], findings: Sequence[Finding]) -> Resolution:
    """Each prefix (with or without `v2-`, at least `MIN_PREFIX` hex digits) against the fingerprints the
    scan reports; a prefix must name exactly one of them."""
    fingerprints = {finding.fingerprint: finding for finding in findings}
    matched: dict[str, Finding] = {}
    malformed: list[str] = []
    ambiguous: list[tuple[str, int]] = []
    unknown: list[str] = []
    for word in dict.fromkeys(words):
        digits = word.lower().removeprefix(FINGERPRINT_PREFIX)
        if len(digits) < MIN_PREFIX or not _HEX.fullmatch(digits):
            malformed.append(word)
            continue
        hits = [known for known in fingerprints if _digits(known).startswith(digits)]
        if len(hits) == 1:
            matched[hits[0]] = fingerprints[hits[0]]
        elif hits:
            ambiguous.append((word, len(hits)))
        else:
            unknown.append(word)
    return Resolution(matched, tuple(malformed), tuple(ambiguous), tuple(unknown))


def _digits(fingerprint: str) -> str:
    return fingerprint.lower().removeprefix(FINGERPRINT_PREFIX)


@dataclass(frozen=True, slots=True)
class Presence:
    """Where the reported values are, for the rule above. The default says every finding is at the head
    (nothing a scan of the head alone reports can be acknowledged); a scan of each pushed commit fills in
    the rest."""

    head: frozenset[str] | None = None  # fingerprints at the scanned head; None: all reported findings
    commits: tuple[str, ...] = ()  # the scanned commits, oldest first
    holds: Mapping[str, frozenset[str]] = field(default_factory=dict)  # fingerprint -> commits holding it

    def at_head(self, findings: Sequence[Finding]) -> frozenset[str]:
        return self.head if self.head is not None else frozenset(item.fingerprint for item in findings)


def reply(commenter: str, resolution: Resolution, *, sha: str, at_head: Collection[str]) -> str:
    """The answer to a `/secrets-bot rotated` command, without its markers (the caller adds them)."""
    lines = []
    if resolution.matched:
        lines.append(f"@{commenter} recorded as rotated at {sha[:7]}:")
        for fingerprint, finding in resolution.matched.items():
            where = f"{markdown.code(finding.path)} line {finding.line}, {markdown.code(finding.rule)}"
            still = (
                " (still in the head: remove it, the check fails until then)"
                if fingerprint in at_head
                else ""
            )
            lines.append(f"- {markdown.code(fingerprint)}: {where}{still}")
    else:
        lines.append(f"@{commenter} nothing was recorded.")
    problems = [
        *(
            f"{markdown.code(word)} is not {MIN_PREFIX} or more hex digits of a fingerprint"
            for word in resolution.malformed
        ),
        *(
            f"{markdown.code(word)} matches {count} findings: give more of the fingerprint"
            for word, count in resolution.ambiguous
        ),
        *(f"{markdown.code(word)} matches no finding this check run lists" for word in resolution.unknown),
    ]
    if not (resolution.matched or problems):
        problems.append("name the fingerprint (8 or more characters) shown in the check run")
    lines += [f"- {problem}" for problem in problems]
    return "\n".join(lines)
