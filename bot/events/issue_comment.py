"""`issue_comment` `created` with `/secrets-bot rescan` as its first line, on a pull request: scan it again.

Whether the commenter may ask is decided by the worker (it must ask GitHub for their permission; the
payload's `author_association` is not enough). Bots are ignored here, our own comments included, so that
no bot can loop the App by quoting the command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "issue_comment"
COMMAND = "/secrets-bot rescan"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "created" or installation is None:
        return []
    issue = p.section(payload, "issue")
    comment = p.section(payload, "comment")
    user = p.section(comment, "user")
    if p.optional_section(issue, "pull_request") is None or is_bot(user) or not is_rescan(comment):
        return []
    repo, default_branch = p.repository(payload)
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.RESCAN,
            head_sha=None,
            default_branch=default_branch,
            delivery_id=delivery_id,
            pr_number=p.integer(issue, "number"),
            comment_id=p.integer(comment, "id"),
            commenter=p.text(user, "login"),
        )
    ]


def is_bot(user: Mapping[str, Any]) -> bool:
    return user.get("type") == "Bot" or (p.optional_text(user, "login") or "").endswith("[bot]")


def is_rescan(comment: Mapping[str, Any]) -> bool:
    body = p.optional_text(comment, "body") or ""
    first_line = body.strip().splitlines()[0] if body.strip() else ""
    return first_line.strip().lower() == COMMAND
