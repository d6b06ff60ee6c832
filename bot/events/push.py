"""`push`: scan what a push to a branch changed; a secret landing on the default branch is already leaked.

A new branch (all-zero `before`) is compared with the default branch, since it has no previous commit of
its own. Deleting a branch and pushing tags change no code under review, so they ask for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "push"
BRANCH_PREFIX = "refs/heads/"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    ref = p.text(payload, "ref")
    after = p.real_sha(p.optional_text(payload, "after"))
    if installation is None or not ref.startswith(BRANCH_PREFIX) or payload.get("deleted") is True:
        return []
    if after is None:
        return []
    repo, default_branch = p.repository(payload)
    before = p.real_sha(p.optional_text(payload, "before"))
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.PUSH,
            head_sha=after,
            default_branch=default_branch,
            delivery_id=delivery_id,
            before=before,
            after=after,
            ref=ref.removeprefix(BRANCH_PREFIX),
            base_ref=default_branch if before is None else None,
        )
    ]
