"""`check_suite`: GitHub asks for checks on new code (`requested`), or a user re-runs them (`rerequested`).

`requested` arrives for every push, alongside `push` and `pull_request`; the worker skips it when the same SHA
was already reported, so it costs one queue entry and no GitHub call. `rerequested` always scans again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "check_suite"
TRIGGERS = {"requested": Trigger.CHECK_SUITE, "rerequested": Trigger.RERUN}


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    trigger = TRIGGERS.get(p.optional_text(payload, "action") or "")
    if trigger is None or installation is None:
        return []
    suite = p.section(payload, "check_suite")
    return [request_for_suite(payload, suite, trigger, installation, delivery_id)]


def request_for_suite(
    payload: Mapping[str, Any],
    suite: Mapping[str, Any],
    trigger: Trigger,
    installation: int,
    delivery_id: str,
) -> ScanRequest:
    """Shared with `check_run`, whose payload embeds its check suite."""
    repo, default_branch = p.repository(payload)
    pull = p.linked_pull(payload, p.objects(suite, "pull_requests"))
    return ScanRequest(
        installation_id=installation,
        repo=repo,
        trigger=trigger,
        head_sha=p.text(suite, "head_sha"),
        default_branch=default_branch,
        delivery_id=delivery_id,
        pr_number=pull[0] if pull else None,
        base_ref=pull[1] if pull else None,
        base_sha=pull[2] if pull else None,
        before=p.real_sha(p.optional_text(suite, "before")),
        after=p.optional_text(suite, "after"),
        ref=p.optional_text(suite, "head_branch"),
    )
