"""How to dismiss a false alarm, said next to every finding: the inline ignore comment where the file's
format has comments, and the allowlist entry with the finding's fingerprint shown (not only in the hidden
marker), so a developer can act without reading the configuration docs first.

The `<details>` and `<summary>` tags are the bot's own constant HTML, which GitHub renders; everything from
the repository inside the block goes through `bot.reports.markdown` like anywhere else.
"""

from __future__ import annotations

from bot.core.findings import Finding
from bot.reports import markdown

CONFIG_FILE = ".github/secrets-bot.yml"
DETAILS_OPEN = "<details><summary>Not a secret? How to dismiss this finding</summary>"
DETAILS_CLOSE = "</details>"

_SLASH_COMMENTS = (".jsonc", ".json5", ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts")


def comment_prefix(path: str) -> str | None:
    """The line-comment prefix of the file's format; None for strict JSON, which has no comments."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith(_SLASH_COMMENTS):
        return "//"
    if name.endswith(".json"):
        return None
    return "#"  # YAML, TOML, dotenv, HCL, .arc


def ignore_comment(finding: Finding) -> str | None:
    prefix = comment_prefix(finding.path)
    return None if prefix is None else f"{prefix} secrets-bot: ignore[{finding.rule}]"


def allowlist_entry(finding: Finding) -> str:
    return f'allowlist: {{fingerprints: ["{finding.fingerprint}"]}}'


def details(finding: Finding) -> str:
    """A collapsed block for review comments and the check run's details."""
    return "\n\n".join([DETAILS_OPEN, _steps(finding), DETAILS_CLOSE])


def plain(finding: Finding) -> str:
    """One line for annotation messages, which GitHub shows as plain text."""
    comment = ignore_comment(finding)
    inline = f"add '{comment}' at the end of the line, or " if comment else ""
    return f"Not a secret? {inline}add {allowlist_entry(finding)} to {CONFIG_FILE}."


def _steps(finding: Finding) -> str:
    comment = ignore_comment(finding)
    allow = (
        f"add its fingerprint {markdown.code(finding.fingerprint)} to the allowlist in "
        f"{markdown.code(CONFIG_FILE)} (a pull request's check reads it from the base branch):"
    )
    if comment is None:
        lead = (
            f"{markdown.code(finding.path)} is strict JSON, which has no comments, so only the allowlist "
            f"dismisses this finding: {allow}"
        )
    else:
        lead = (
            f"Add {markdown.code(comment)} at the end of the line (or on a line of its own just above it), "
            f"or {allow}"
        )
    return lead + "\n" + markdown.fenced(allowlist_entry(finding), "yaml")
