"""`issues` `edited` on the secrets dashboard: a box ticked by a person asks for a fix pull request.

Only an edit of the body of an issue opened by an App (ours is `<slug>[bot]`) that carries the dashboard's
marker counts, and only boxes that went from unticked (`changes.body.from`) to ticked (`issue.body`). Edits
by any bot are ignored, the bot's own included (it rewrites the body on every refresh), so no bot can make
the App loop. Whether the person may ask (write permission) is decided by the fix job, which asks GitHub.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.fix import fix_request
from bot.events.issue_comment import is_bot
from bot.events.request import ScanRequest
from bot.reports.dashboard import is_dashboard, newly_ticked

EVENT = "issues"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "edited" or installation is None:
        return []
    issue = p.section(payload, "issue")
    sender = p.section(payload, "sender")
    previous = _previous_body(payload)
    body = issue.get("body")
    if previous is None or not isinstance(body, str) or is_bot(sender) or not _opened_by_an_app(issue):
        return []
    if not is_dashboard(body):
        return []
    ticked = newly_ticked(previous, body)
    if not ticked:
        return []
    return [fix_request(payload, installation, delivery_id, arguments=" ".join(ticked))]


def _previous_body(payload: Mapping[str, Any]) -> str | None:
    """The body before the edit; None when the edit did not touch the body (a title or label change)."""
    changes = p.optional_section(payload, "changes")
    body = p.optional_section(changes, "body") if changes is not None else None
    previous = body.get("from") if body is not None else None
    return previous if isinstance(previous, str) else None


def _opened_by_an_app(issue: Mapping[str, Any]) -> bool:
    """Only an App opens an issue as `<slug>[bot]`: a person's copy of the dashboard asks for nothing."""
    user = p.optional_section(issue, "user")
    return user is not None and is_bot(user)
