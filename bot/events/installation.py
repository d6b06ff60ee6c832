"""`installation`: the App was installed (scan what is already there) or uninstalled (forget it all).

The payload lists the repositories by name only (no default branch, archived or fork flag): the baseline job
asks GitHub about each one. `new_permissions_accepted` carries no repository list, so it asks for nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "installation"
SCAN_ACTIONS = frozenset({"created", "new_permissions_accepted"})
FORGET_ACTIONS = frozenset({"deleted"})


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    action = payload.get("action")
    if action in SCAN_ACTIONS:
        return for_repositories(payload, "repositories", Trigger.BASELINE, delivery_id)
    if action in FORGET_ACTIONS:
        return for_repositories(payload, "repositories", Trigger.REMOVED, delivery_id)
    return []


def for_repositories(
    payload: Mapping[str, Any], key: str, trigger: Trigger, delivery_id: str
) -> list[ScanRequest]:
    """One request per repository listed under `key`, in the payload's order."""
    installation = p.installation_id(payload)
    if installation is None:
        return []
    return [
        ScanRequest(
            installation_id=installation,
            repo=p.text(item, "full_name"),
            trigger=trigger,
            head_sha=None,
            default_branch="",
            delivery_id=delivery_id,
        )
        for item in p.objects(payload, key)
    ]
