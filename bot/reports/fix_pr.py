"""The fix pull request's text: its title, its commit message, its body, and the check run's button.

Pure. The body says, per secret, the command that stores the value (to run **before** merging, or the
deployment reads a secret that is not there), the rotation advice and the docs link, with the redacted
preview only: the value is not known here. Findings that have only text advice are listed as needing a
hand fix, and so are the findings of a file that could not be read (where and which rule, no value).
Every piece of repository text goes through `bot.reports.markdown`; the commit message holds none. Hidden
markers name each fixed finding, so the dashboard and a later request can tell which findings the pull
request covers: they are kept whatever GitHub's length limit cuts, the visible list is cut instead (saying
how many it leaves out), and a pull request fixes at most `MAX_FIXED` secrets so that they always fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.findings import Finding
from bot.core.fix import line_edit
from bot.reports import markdown
from bot.reports.check_run import MAX_TEXT
from bot.reports.kinds import is_advisory, secrets_phrase
from bot.reports.markers import marker_for
from bot.reports.model import CheckAction

FIX_ACTION = CheckAction(
    label="Open fix PR", description="Replace secrets with references", identifier="open-fix-pr"
)
FIX_BRANCH = "secrets-bot/fix-secrets"  # the bot writes no other branch; one per repository, so one PR
TITLE = "Replace hard-coded secrets with secret-store references"
MARKER = "<!-- secrets-bot:fix-pull-request -->"
MAX_FIXED = 400  # secrets one pull request fixes: their markers (~100 bytes each) fit GitHub's body limit
ROTATE = (
    "> [!CAUTION]\n"
    "> Every value below is in the default branch's history, so it is exposed to everyone who can read the "
    "repository. Merging this pull request does not make it safe: **rotate each secret** (revoke it and "
    "issue a new one), then store the new value as shown."
)


@dataclass(frozen=True, slots=True)
class NotRead:
    """A file whose findings the fix could not read, so neither fixed nor shown: where, and which rules."""

    path: str
    findings: tuple[tuple[int, str], ...]  # (line, rule) of each finding the store holds there


def offers_fix(findings: Sequence[Finding]) -> bool:
    """Whether a fix pull request would change anything: some secret has a one-click fix."""
    return any(not is_advisory(finding) and line_edit(finding) is not None for finding in findings)


def commit_message(applied: Sequence[Finding]) -> str:
    """No repository text and no value: only how many secrets the commit replaces."""
    return (
        f"Replace {secrets_phrase(len(applied))} with secret-store references\n\n"
        "Made by Serverless Secrets Bot from the one-click fixes of its review suggestions. Store each value "
        "in the secrets store before merging; the pull request says how."
    )


def render_body(
    applied: Sequence[Finding],
    by_hand: Sequence[Finding],
    *,
    base_branch: str,
    head_sha: str,
    not_read: Sequence[NotRead] = (),
    deferred: int = 0,
) -> str:
    """The pull request's body: what was replaced, the steps per secret, and what is left for a person.
    `deferred`: files with secrets left for a later pull request (this one holds `MAX_FIXED`)."""
    head = [
        f"This pull request replaces {secrets_phrase(len(applied))} on {markdown.code(base_branch)} (at "
        f"{markdown.code(head_sha[:7])}) with references to a secrets store, using the same one-click fixes "
        "as the bot's review suggestions.",
        "**Before merging**, run each store command below with the value in the named environment variable: "
        "the deployment reads the secret from the store once this is merged, and a secret that is not "
        "there breaks it.",
        ROTATE,
    ]
    left = [_not_read(not_read)] if not_read else []
    if deferred:
        left.append(
            f"{deferred} more {'file holds' if deferred == 1 else 'files hold'} secrets this pull request "
            f"leaves for the next one (one holds at most {MAX_FIXED}): merge this one, then ask again."
        )
    if by_hand:
        left.append(_by_hand(by_hand))
    tail = [
        "Asking again (the check run's button) updates this pull request instead of opening another. "
        "Close it to drop the fix; the bot only ever writes to its own `secrets-bot/` branches.",
        "\n".join([MARKER, *(marker_for(finding.fingerprint) for finding in _ordered(applied))]),
    ]
    sections = [_section(index, finding) for index, finding in enumerate(_ordered(applied), start=1)]
    return _fitted(head, [*left, *sections], tail)  # what is not fixed first: it is what must not be missed


def _fitted(head: list[str], listed: list[str], tail: list[str]) -> str:
    """`head`, as many of `listed` as fit GitHub's limit (then how many were left out), and `tail` whole:
    the markers the bot reads back are never what is cut."""
    kept = len(listed)
    while True:
        note = [] if kept == len(listed) else [_left_out(len(listed) - kept)]
        body = "\n\n".join([*head, *listed[:kept], *note, *tail])
        if len(body.encode("utf-8")) <= MAX_TEXT or kept == 0:
            return body
        kept = _fewer(head, listed, tail, kept)


def _fewer(head: list[str], listed: list[str], tail: list[str], kept: int) -> int:
    """The largest count below `kept` whose sections, with the note saying so, fit (one pass, linear)."""
    fixed = sum(len(part.encode("utf-8")) + 2 for part in [*head, *tail]) + len(_left_out(len(listed)))
    budget, count = MAX_TEXT - fixed - 2, 0
    for part in listed[: kept - 1]:
        budget -= len(part.encode("utf-8")) + 2
        if budget < 0:
            break
        count += 1
    return count


def _left_out(count: int) -> str:
    return (
        f"_{count} more {'section is' if count == 1 else 'sections are'} left out here (GitHub's length "
        "limit): the check run's annotations and the dashboard list every finding._"
    )


def _not_read(files: Sequence[NotRead]) -> str:
    rows = [
        f"- {markdown.code(item.path)}"
        + (
            ": " + ", ".join(f"line {line} ({markdown.code(rule)})" for line, rule in item.findings)
            if item.findings
            else ""
        )
        for item in sorted(files, key=lambda item: item.path)
    ]
    return (
        "### Not fixed: fix by hand\n\nThese files could not be read when this pull request was made (too "
        "large, or GitHub did not answer with the file), so their secrets are neither fixed nor checked "
        "here:\n\n" + "\n".join(rows)
    )


def _section(index: int, finding: Finding) -> str:
    where = f"{markdown.code(finding.path)} line {finding.line}"
    lines = [
        f"### {index}. {where}: {markdown.text(finding.message)}",
        f"Value {markdown.code(finding.redacted)}, severity {finding.severity.value}.",
    ]
    remediation = finding.remediation
    if remediation is not None:
        if remediation.runtime_hint:
            lines.append(markdown.text(remediation.runtime_hint))
        if remediation.store_command:
            lines.append("Before merging, run:\n" + markdown.fenced(remediation.store_command, "shell"))
        if remediation.docs:
            lines.append(markdown.link(remediation.docs, "How to reference secrets safely"))
    return "\n\n".join(lines)


def _by_hand(findings: Sequence[Finding]) -> str:
    rows = [
        f"- {markdown.code(finding.path)} line {finding.line}: {markdown.text(finding.message)}, value "
        f"{markdown.code(finding.redacted)}"
        for finding in _ordered(findings)
    ]
    return (
        "### Needs a hand fix\n\nThese have no safe one-line replacement (the check run's annotations say "
        "how to fix each), so this pull request leaves them as they are:\n\n" + "\n".join(rows)
    )


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
