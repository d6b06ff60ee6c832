"""`pull_request`: scan the manifests a PR changes whenever its code appears or moves.

`opened`, `reopened`, `synchronize` (new commits) and `ready_for_review` each scan the head SHA. Other actions
(labels, edits, closing) do not change the code under review and are ignored, except one: the bot's own
fix pull request closed without merging, after which the findings it covered wait on no pull request (the
next fix request opens a new one instead of pointing at the closed one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger
from bot.reports.fix_pr import FIX_BRANCH

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


def fix_closed_requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    """A FIX_CLOSED request when the repository's own `secrets-bot/fix-secrets` pull request was closed
    unmerged (a fork's branch of that name is someone else's)."""
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "closed" or installation is None:
        return []
    pull = p.section(payload, "pull_request")
    repo, default_branch = p.repository(payload)
    head = p.section(pull, "head")
    head_repo = p.optional_section(head, "repo")
    own = head_repo is not None and p.optional_text(head_repo, "full_name") == repo
    if pull.get("merged") is not False or p.text(head, "ref") != FIX_BRANCH or not own:
        return []
    return [
        ScanRequest(
            installation_id=installation,
            repo=repo,
            trigger=Trigger.FIX_CLOSED,
            head_sha=None,
            default_branch=default_branch,
            delivery_id=delivery_id,
            pr_number=p.integer(pull, "number"),
        )
    ]
