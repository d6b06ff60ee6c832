"""The FIX request: a fix pull request asked for by the check run's button or a dashboard box.

The head is left to the worker (the fix is made on the default branch's newest code) and the sender is who
asked; whether they may is the worker's question to GitHub (the payload is not proof of permission).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger


def fix_request(
    payload: Mapping[str, Any], installation: int, delivery_id: str, *, arguments: str | None
) -> ScanRequest:
    """`arguments`: the fingerprints to fix, space-separated (None: every secret on the default branch)."""
    repo, default_branch = p.repository(payload)
    return ScanRequest(
        installation_id=installation,
        repo=repo,
        trigger=Trigger.FIX,
        head_sha=None,
        default_branch=default_branch,
        delivery_id=delivery_id,
        commenter=p.text(p.section(payload, "sender"), "login"),
        arguments=arguments,
    )
