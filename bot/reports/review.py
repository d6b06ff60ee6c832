"""The pull-request review a scan posts: one inline comment per new finding, and resolutions for old ones.

Planning is pure so that "nothing is posted twice" can be tested without GitHub: a finding is commented only
when its line is in the diff (GitHub rejects the whole review otherwise) and no live comment of ours already
carries its marker. Comments are matched by marker, not commit id, because force pushes move comments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.findings import Finding
from bot.reports import markdown
from bot.reports.markers import RESOLVED_MARKER, fingerprints_in, is_resolved, marker_for
from bot.reports.model import DraftComment

_ROTATION_NOTE = (
    "> [!WARNING]\n"
    "> This value has been pushed to GitHub, so treat it as exposed: rotate it (revoke it and issue a new "
    "one) even after this line is fixed."
)


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    comments: tuple[DraftComment, ...]
    resolve: tuple[tuple[int, str], ...]  # (comment id, new body) for comments whose finding is gone
    body: str


def plan_review(
    findings: Sequence[Finding],
    *,
    commentable: Mapping[str, frozenset[int]],
    existing: Sequence[tuple[int, str]],
    pushed: bool,
) -> ReviewPlan:
    """`existing` holds (id, body) of the bot's own review comments on the pull request, in any state."""
    live = {fp for _, body in existing if not is_resolved(body) for fp in fingerprints_in(body)}
    current = {finding.fingerprint for finding in findings}
    comments: list[DraftComment] = []
    for finding in _unique(sorted(findings, key=Finding.sort_key)):
        if finding.fingerprint in live or finding.line not in commentable.get(finding.path, frozenset()):
            continue
        comments.append(DraftComment(finding.path, finding.line, comment_body(finding, pushed=pushed)))
    resolve = tuple(
        (comment_id, resolved_body(body))
        for comment_id, body in existing
        if not is_resolved(body) and fingerprints_in(body) and not fingerprints_in(body) & current
    )
    return ReviewPlan(tuple(comments), resolve, _review_body(len(comments), len(findings)))


def comment_body(finding: Finding, *, pushed: bool) -> str:
    """What was found (redacted), the one-click fix, how to store the value, and the hidden marker."""
    parts = [
        f"**Hard-coded secret** ({finding.severity.value}): {markdown.text(finding.message)}. "
        f"Value {markdown.code(finding.redacted)} in {markdown.code(finding.key or finding.path)}."
    ]
    remediation = finding.remediation
    if remediation is not None and remediation.replacement is not None:
        parts.append(_fix_text(finding, remediation.replacement))
    if remediation is not None and remediation.store_command:
        parts.append(
            "Before committing the suggestion, store the value (the command reads it from an environment "
            "variable, so it stays out of your shell history):"
        )
        parts.append(markdown.fenced(remediation.store_command, "shell"))
    if remediation is not None and remediation.runtime_hint:
        parts.append(markdown.text(remediation.runtime_hint))
    if remediation is not None and remediation.docs:
        parts.append(markdown.link(remediation.docs, "How to reference secrets safely"))
    if pushed:
        parts.append(_ROTATION_NOTE)
    parts.append(marker_for(finding.fingerprint))
    return "\n\n".join(parts)


def _fix_text(finding: Finding, replacement: str) -> str:
    """A one-click suggestion for a one-line finding. The comment sits on the finding's first line only
    (the review is posted without `start_line`), so a value over several lines (a PEM block) gets the
    replacement as text to paste over those lines: a suggestion there would replace the first line alone."""
    if finding.end_line > finding.line:
        return (
            f"The value spans lines {finding.line}-{finding.end_line}. Replace those lines with:\n"
            + markdown.fenced(replacement)
        )
    if not replacement:
        return "Delete this line; the steps below say where the value goes instead:\n```suggestion\n```"
    return "Reference the secret instead of the literal:\n" + markdown.fenced(replacement, "suggestion")


def resolved_body(body: str) -> str:
    """The short text an old comment is rewritten to once its finding is gone; markers are kept."""
    markers = "\n".join(marker_for(fp) for fp in sorted(fingerprints_in(body)))
    return (
        "**Resolved:** the hard-coded secret flagged here is no longer found. If it was ever pushed, "
        f"make sure it has been rotated.\n\n{markers}\n{RESOLVED_MARKER}"
    )


def _review_body(commented: int, total: int) -> str:
    if commented == 0:
        return ""
    return (
        f"Serverless secrets: {commented} new hard-coded secret{'s' if commented != 1 else ''} commented "
        "below, each with a one-click suggestion and the command that stores the value safely. "
        f"The check run lists all {total}."
    )


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[str] = set()
    unique: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            unique.append(finding)
    return unique
