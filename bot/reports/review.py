"""The pull-request review a scan posts: one inline comment per line with new findings, and resolutions.

Planning is pure so that "nothing is posted twice" can be tested without GitHub: a line is commented only
when it is in the diff (GitHub rejects the whole review otherwise) and only if one of its findings carries
no marker of a live comment of ours yet. Every finding on a line (secrets and advice alike) goes into that
line's one comment, which holds a marker per fingerprint: a finding that appears later on a line we already
commented is merged into that comment by rewriting it, never posted as a second comment. Comments are
matched by marker, not commit id, because force pushes move comments. At most `limit` new comments are
posted per review, most severe first; the check run lists everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.findings import Finding
from bot.core.fix import LineEdit, line_edit
from bot.reports import dismiss, markdown, validity
from bot.reports.kinds import counted, is_advisory, split
from bot.reports.markers import RESOLVED_MARKER, fingerprints_in, is_resolved, marker_for
from bot.reports.model import DraftComment
from bot.reports.provenance import Provenance

DEFAULT_MAX_COMMENTS = 20
HISTORY_ADVICE = (
    "Deleting a line does not undo a push: each value above sits in the branch's history on GitHub, and in "
    "the pull request's cached ref, for anyone who can read the repository. **Rotate each secret first** "
    "(revoke it and issue a new one; the check run says how). Then, if you want it out of the branch's "
    "history, rewrite it (`git rebase -i` and drop or edit the commit, or `git filter-repo`) and force-push. "
    "Rewriting alone is not enough: forks, clones and GitHub's cached pull-request refs keep the old "
    "commits, so the value stays exposed until it is rotated."
)

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
    # (comment id, new body) for live comments whose line has gained a finding: merged, not posted twice
    update: tuple[tuple[int, str], ...] = ()


def plan_review(
    findings: Sequence[Finding],
    *,
    commentable: Mapping[str, frozenset[int]],
    existing: Sequence[tuple[int, str]],
    pushed: bool,
    limit: int = DEFAULT_MAX_COMMENTS,
    preexisting: frozenset[str] = frozenset(),
    added: Mapping[str, frozenset[int]] | None = None,
    history: Sequence[tuple[Finding, Provenance]] = (),
) -> ReviewPlan:
    """`existing` holds (id, body) of the bot's own review comments on the pull request, in any state.

    A finding whose fingerprint is in `preexisting` (already on the base branch) is commented only when the
    pull request adds or changes its line (`added`: path -> lines); it still counts as found, so an older
    comment on it is not marked resolved."""
    live = {comment_id: fingerprints_in(body) for comment_id, body in existing if not is_resolved(body)}
    marked = {fp for prints in live.values() for fp in prints}
    current = {finding.fingerprint for finding in findings}
    drafts: list[tuple[Finding, ...]] = []
    update: list[tuple[int, str]] = []
    touched = added or {}
    here = [
        f for f in findings if f.fingerprint not in preexisting or f.line in touched.get(f.path, frozenset())
    ]
    for group in _by_line(_unique(sorted(here, key=Finding.sort_key)), commentable):
        prints = {finding.fingerprint for finding in group}
        if prints <= marked:
            continue
        owner = min((cid for cid, have in live.items() if have & prints), default=None)
        if owner is None:
            drafts.append(group)
        else:
            update.append((owner, comment_body(*group, pushed=pushed)))
    posted = sorted(sorted(drafts, key=_severity_first)[:limit], key=lambda group: group[0].sort_key())
    comments = tuple(DraftComment(g[0].path, g[0].line, comment_body(*g, pushed=pushed)) for g in posted)
    resolve = tuple(
        (comment_id, resolved_body(body))
        for comment_id, body in existing
        if not is_resolved(body) and fingerprints_in(body) and not fingerprints_in(body) & current
    )
    left = sum(len(group) for group in drafts) - sum(len(group) for group in posted)
    body = "\n\n".join(
        part for part in (_review_body(posted, len(findings), left, limit), history_body(history)) if part
    )
    return ReviewPlan(comments, resolve, body, tuple(update))


def history_body(history: Sequence[tuple[Finding, Provenance]]) -> str:
    """Findings gone at the head but in a pushed commit: in the review body, since no line can hold them."""
    if not history:
        return ""
    lines = [
        f"- {markdown.code(finding.path)} line {finding.line} in commit {markdown.code(where.short)} "
        f"(committed by {markdown.text(where.author)}): {markdown.code(finding.rule)}"
        + (f", value {markdown.code(finding.redacted)}" if finding.redacted else "")
        for finding, where in history
    ]
    count = len(history)
    findings = f"{count} finding{'s' if count != 1 else ''}"
    head = f"Serverless secrets: {findings} in pushed commits, no longer at the head:"
    return "\n".join([head, *lines]) + "\n\n" + HISTORY_ADVICE


def comment_body(*findings: Finding, pushed: bool) -> str:
    """The findings on one line: what each is (secrets with their redacted value), one fix, how to store
    each value, how to dismiss a false alarm, and a hidden marker per fingerprint."""
    secrets, _ = split(findings)
    parts = [_headline(finding) for finding in findings]
    parts += _distinct(step for finding in findings for step in _steps(finding))  # rotate, store, then fix
    edits = {finding: edit for finding in findings if (edit := line_edit(finding)) is not None}
    if len(set(edits.values())) == 1:
        parts.append(_fix_text(next(iter(edits.values()))))
    else:
        parts += [_plain_fix(finding, edit) for finding, edit in edits.items() if edit.text]
    if pushed and secrets:
        parts.append(_ROTATION_NOTE)
    parts += [dismiss.details(finding) for finding in findings]
    parts.append("\n".join(marker_for(finding.fingerprint) for finding in findings))
    return "\n\n".join(parts)


def _headline(finding: Finding) -> str:
    message = markdown.text(finding.message)
    where = markdown.code(finding.key or finding.path)
    if is_advisory(finding):
        return f"**Advice** ({finding.severity.value}): {message}. In {where}."
    value = markdown.code(finding.redacted)
    said = validity.note(finding)
    tail = f" **{said}**" if said else ""
    return f"**Hard-coded secret** ({finding.severity.value}): {message}. Value {value} in {where}.{tail}"


def _steps(finding: Finding) -> list[str]:
    remediation = finding.remediation
    if remediation is None:
        return []
    steps = []
    if remediation.runtime_hint:  # it says to rotate first, so it comes before the command
        steps.append(markdown.text(remediation.runtime_hint))
    if remediation.store_command:
        steps.append(
            "Then, before committing the fix, run (a value is read from an environment variable, "
            "so it stays out of your shell history):\n" + markdown.fenced(remediation.store_command, "shell")
        )
    if remediation.docs:
        steps.append(markdown.link(remediation.docs, "How to reference secrets safely"))
    return steps


def _fix_text(edit: LineEdit) -> str:
    """A one-click suggestion for a one-line finding: the same edit a fix pull request commits
    (`bot.core.fix`). The comment sits on the finding's first line only (the review is posted without
    `start_line`), so a value over several lines (a PEM block) gets the replacement as text to paste over
    those lines: a suggestion there would replace the first line alone."""
    if edit.end > edit.start:
        return (
            f"The value spans lines {edit.start}-{edit.end}. Replace those lines with:\n"
            + markdown.fenced(edit.text)
        )
    if not edit.text:
        return "Delete this line; the steps below say where the value goes instead:\n```suggestion\n```"
    return "Reference the secret instead of the literal:\n" + markdown.fenced(edit.text, "suggestion")


def _plain_fix(finding: Finding, edit: LineEdit) -> str:
    """Findings on one line with different fixes: each fix as text, since one suggestion cannot hold both."""
    return f"For {markdown.code(finding.key or finding.rule)}, the line becomes:\n" + markdown.fenced(
        edit.text
    )


def resolved_body(body: str) -> str:
    """The short text an old comment is rewritten to once its findings are gone; markers are kept."""
    markers = "\n".join(marker_for(fp) for fp in sorted(fingerprints_in(body)))
    return (
        "**Resolved:** what was flagged here is no longer found. If a secret was ever pushed, make sure it "
        f"has been rotated.\n\n{markers}\n{RESOLVED_MARKER}"
    )


def _review_body(posted: Sequence[tuple[Finding, ...]], total: int, left: int, limit: int) -> str:
    if not posted:
        return ""
    secrets, advisories = split(finding for group in posted for finding in group)
    body = (
        f"Serverless secrets: {counted(len(secrets), len(advisories)).replace(' hard', ' new hard', 1)} "
        "commented below, each with its fix and how to dismiss a false alarm. "
        f"The check run lists all {total}."
    )
    if left:
        body += (
            f" {left} more finding{'s are' if left != 1 else ' is'} listed in the check run only: a review "
            f"gets at most {limit} inline comments, most severe first."
        )
    return body


def _by_line(
    findings: Sequence[Finding], commentable: Mapping[str, frozenset[int]]
) -> list[tuple[Finding, ...]]:
    """Findings on lines in the diff, grouped by line in file order."""
    groups: dict[tuple[str, int], list[Finding]] = {}
    for finding in findings:
        if finding.line in commentable.get(finding.path, frozenset()):
            groups.setdefault((finding.path, finding.line), []).append(finding)
    return [tuple(group) for group in groups.values()]


def _severity_first(group: tuple[Finding, ...]) -> tuple[int, tuple[str, int, int, str]]:
    return (-max(finding.severity.rank for finding in group), group[0].sort_key())


def _distinct(items: Iterable[str | None]) -> list[str]:
    """In first-seen order, without repeats: findings on one line often share a fix, a hint or a link."""
    return list(dict.fromkeys(item for item in items if item is not None))


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[str] = set()
    unique: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            unique.append(finding)
    return unique
