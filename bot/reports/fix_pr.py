"""The fix pull request's text: its title, its commit message, its body, and the check run's button.

Pure. The body says, per secret, the command that stores the value (to run **before** merging, or the
deployment reads a secret that is not there), the rotation advice and the docs link, with the redacted
preview only: the value is not known here. Findings that have only text advice are listed as needing a
hand fix. Every piece of repository text goes through `bot.reports.markdown`; the commit message holds
none. Hidden markers name each fixed finding, so the dashboard can tell which findings the pull request
covers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.findings import Finding
from bot.core.fix import line_edit
from bot.reports import markdown
from bot.reports.check_run import MAX_TEXT, clip
from bot.reports.kinds import is_advisory, secrets_phrase
from bot.reports.markers import marker_for
from bot.reports.model import CheckAction

FIX_ACTION = CheckAction(
    label="Open fix PR", description="Replace secrets with references", identifier="open-fix-pr"
)
TITLE = "Replace hard-coded secrets with secret-store references"
MARKER = "<!-- secrets-bot:fix-pull-request -->"
ROTATE = (
    "> [!CAUTION]\n"
    "> Every value below is in the default branch's history, so it is exposed to everyone who can read the "
    "repository. Merging this pull request does not make it safe: **rotate each secret** (revoke it and "
    "issue a new one), then store the new value as shown."
)


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
    applied: Sequence[Finding], by_hand: Sequence[Finding], *, base_branch: str, head_sha: str
) -> str:
    """The pull request's body: what was replaced, the steps per secret, and what is left for a person."""
    parts = [
        f"This pull request replaces {secrets_phrase(len(applied))} on {markdown.code(base_branch)} (at "
        f"{markdown.code(head_sha[:7])}) with references to a secrets store, using the same one-click fixes "
        "as the bot's review suggestions.",
        "**Before merging**, run each store command below with the value in the named environment variable: "
        "the deployment reads the secret from the store once this is merged, and a secret that is not "
        "there breaks it.",
        ROTATE,
    ]
    parts += [_section(index, finding) for index, finding in enumerate(_ordered(applied), start=1)]
    if by_hand:
        parts.append(_by_hand(by_hand))
    parts.append(
        "Asking again (the check run's button) updates this pull request instead of opening another. "
        "Close it to drop the fix; the bot only ever writes to its own `secrets-bot/` branches."
    )
    parts.append("\n".join([MARKER, *(marker_for(finding.fingerprint) for finding in _ordered(applied))]))
    return clip("\n\n".join(parts), MAX_TEXT)


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
