"""`commit_comment` `created` with `/secrets-bot rotated FINGERPRINT...` as its first line: acknowledge
rotated secrets that the push scan of that commit reported, then scan the push again.

As for the pull-request command, the worker asks GitHub whether the commenter may write (the payload's
`author_association` is not proof), and bots are ignored here so that no bot can loop the App.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.issue_comment import first_line, is_bot, rotated_arguments
from bot.events.request import ScanRequest, Trigger

EVENT = "commit_comment"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "created" or installation is None:
        return []
    comment = p.section(payload, "comment")
    if is_bot(p.section(comment, "user")):
        return []
    arguments = rotated_arguments(first_line(comment))
    if arguments is None:
        return []
    repo, default_branch = p.repository(payload)
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.ROTATED,
            head_sha=p.text(comment, "commit_id"),
            default_branch=default_branch,
            delivery_id=delivery_id,
            comment_id=p.integer(comment, "id"),
            commenter=p.text(p.section(comment, "user"), "login"),
            arguments=arguments,
        )
    ]
