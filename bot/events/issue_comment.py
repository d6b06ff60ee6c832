"""`issue_comment` `created` on a pull request with a command as its first line: `/secrets-bot rescan` (scan
it again) or `/secrets-bot rotated FINGERPRINT...` (acknowledge rotated secrets, then scan it again).

Whether the commenter may ask is decided by the worker (it must ask GitHub for their permission; the
payload's `author_association` is not enough). Bots are ignored here, our own comments included, so that
no bot can loop the App by quoting the command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "issue_comment"
COMMAND = "/secrets-bot rescan"
ROTATED = "/secrets-bot rotated"
MAX_ARGUMENTS = 20  # fingerprints read from one command; the rest are ignored
_ARGUMENT = re.compile(r"[0-9A-Za-z-]{1,64}")


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "created" or installation is None:
        return []
    issue = p.section(payload, "issue")
    comment = p.section(payload, "comment")
    user = p.section(comment, "user")
    if p.optional_section(issue, "pull_request") is None or is_bot(user):
        return []
    arguments = rotated_arguments(first_line(comment))
    if arguments is None and not is_rescan(comment):
        return []
    repo, default_branch = p.repository(payload)
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.RESCAN if arguments is None else Trigger.ROTATED,
            head_sha=None,
            default_branch=default_branch,
            delivery_id=delivery_id,
            pr_number=p.integer(issue, "number"),
            comment_id=p.integer(comment, "id"),
            commenter=p.text(user, "login"),
            arguments=arguments,
        )
    ]


def is_bot(user: Mapping[str, Any]) -> bool:
    return user.get("type") == "Bot" or (p.optional_text(user, "login") or "").endswith("[bot]")


def first_line(comment: Mapping[str, Any]) -> str:
    body = (p.optional_text(comment, "body") or "").strip()
    return body.splitlines()[0].strip() if body else ""


def is_rescan(comment: Mapping[str, Any]) -> bool:
    return first_line(comment).lower() == COMMAND


def rotated_arguments(line: str) -> str | None:
    """The fingerprint prefixes of a `/secrets-bot rotated` line, space-separated ("" when it names none);
    None when the line is not that command. Words that cannot be a fingerprint are dropped here, so nothing
    but letters, digits and hyphens ever travels to the worker or back into a reply."""
    words = line.split()
    if [word.lower() for word in words[:2]] != ROTATED.split():
        return None
    named = [word for item in words[2:] for word in item.split(",") if word]
    return " ".join(word for word in named[:MAX_ARGUMENTS] if _ARGUMENT.fullmatch(word))
