"""Hidden markers that let the bot recognise its own review comments across pushes and force pushes.

A comment is matched to a finding by the fingerprint in its marker, never by commit id or line: GitHub moves
or outdates comments when the branch changes, but the marker travels with the comment body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.findings import Finding, is_legacy_fingerprint

_FINGERPRINT = re.compile(r"[0-9A-Za-z_-]{1,128}")
_MARKER = re.compile(r"<!-- secrets-bot:finding fingerprint=([0-9A-Za-z_-]{1,128}) -->")

RESOLVED_MARKER = "<!-- secrets-bot:resolved -->"


def marker_for(fingerprint: str) -> str:
    """The hidden HTML comment that ties a review comment to one finding."""
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise ValueError("a fingerprint is 1 to 128 letters, digits, '-' or '_'")
    return f"<!-- secrets-bot:finding fingerprint={fingerprint} -->"


def fingerprints_in(body: str) -> set[str]:
    """Every fingerprint marked in a comment body (usually one)."""
    return set(_MARKER.findall(body))


def with_current_markers(body: str, path: str, line: int | None, findings: Iterable[Finding]) -> str:
    """A comment from before keyed fingerprints (v1 markers only) counts as the comment of the findings now
    at its place (same file and line): without this, an upgrade would mark every open comment resolved,
    which would be untrue, and post it again. Comments with current markers are returned as they are."""
    marked = fingerprints_in(body)
    if not marked or not all(map(is_legacy_fingerprint, marked)):
        return body
    here = sorted({f.fingerprint for f in findings if (f.path, f.line) == (path, line)})
    return "\n".join([body, *(marker_for(fp) for fp in here)])


def is_resolved(body: str) -> bool:
    return RESOLVED_MARKER in body


# `/secrets-bot rotated`: the bot's reply records each acknowledgement durably on GitHub. Only the bot's own
# comments are read for it (by the App's login), so a person pasting this marker acknowledges nothing.
_ROTATED = re.compile(
    r"<!-- secrets-bot:rotated fingerprint=([0-9A-Za-z_-]{1,128}) sha=([0-9a-f]{40}) "
    r"by=([0-9A-Za-z](?:[0-9A-Za-z-]{0,38})(?:\[bot\])?) -->"
)
_SHA = re.compile(r"[0-9a-f]{40}")
_LOGIN = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,38}")
_REPLY = re.compile(r"<!-- secrets-bot:reply-to comment=([0-9]{1,20}) -->")


@dataclass(frozen=True, slots=True)
class RotatedMark:
    """One acknowledgement as the marker holds it: the finding, the head it was given at, and by whom."""

    fingerprint: str
    sha: str
    by: str


def rotated_marker(mark: RotatedMark) -> str:
    if not _FINGERPRINT.fullmatch(mark.fingerprint) or not _SHA.fullmatch(mark.sha):
        raise ValueError("a rotated marker needs a fingerprint and a full lowercase commit SHA")
    if not _LOGIN.fullmatch(mark.by):
        raise ValueError("not a GitHub login")
    return f"<!-- secrets-bot:rotated fingerprint={mark.fingerprint} sha={mark.sha} by={mark.by} -->"


def rotated_in(body: str) -> list[RotatedMark]:
    """Every acknowledgement marked in a comment body, in order."""
    return [RotatedMark(*found) for found in _ROTATED.findall(body)]


def reply_marker(comment_id: int) -> str:
    """Ties the bot's reply to the command comment it answers, so a retried job does not answer twice."""
    return f"<!-- secrets-bot:reply-to comment={comment_id} -->"


def replied_to(body: str) -> set[int]:
    return {int(found) for found in _REPLY.findall(body)}
