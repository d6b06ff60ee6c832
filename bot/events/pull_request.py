"""`pull_request`: scan the manifests a PR changes whenever its code appears or moves.

`opened`, `reopened`, `synchronize` (new commits) and `ready_for_review` each scan the head SHA. Other actions
(labels, edits, closing) do not change the code under review and are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "pull_request"
ACTIONS = frozenset({"opened", "reopened", "synchronize", "ready_for_review"})


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") not in ACTIONS or installation is None:
        return []
    pull = p.section(payload, "pull_request")
    if p.optional_text(pull, "state") == "closed":
        return []
    repo, default_branch = p.repository(payload)
    head = p.section(pull, "head")
    base = p.section(pull, "base")
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.PULL_REQUEST,
            head_sha=p.text(head, "sha"),
            default_branch=default_branch,
            delivery_id=delivery_id,
            pr_number=p.integer(pull, "number"),
            base_ref=p.text(base, "ref"),
            base_sha=p.text(base, "sha"),
            before=p.real_sha(p.optional_text(payload, "before")),
            after=p.optional_text(payload, "after"),
        )
    ]
