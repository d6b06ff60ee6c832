"""`installation`: the App was installed or given new permissions (scan what is already there), or
uninstalled (forget it all).

The payload lists the repositories by name only (no default branch, archived or fork flag): the baseline job
asks GitHub about each one. Where the payload cannot be trusted to name every repository, a DISCOVER request
has a worker list the installation's repositories from GitHub and baseline those not yet baselined: an
installation on all of an account's repositories (`repository_selection: all`, whose list GitHub may cut
short for a large organisation), a payload without a list, and `new_permissions_accepted`, which carries none
(the new permissions may be what a scan needs). Repositories already claimed are not scanned twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.request import ScanRequest, Trigger

EVENT = "installation"
FORGET_ACTIONS = frozenset({"deleted"})
LIST_KEY = "repositories"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    action = payload.get("action")
    if action == "created":
        listed = for_repositories(payload, LIST_KEY, Trigger.BASELINE, delivery_id)
        return _discovery(payload, delivery_id) + listed if _incomplete(payload) else listed
    if action == "new_permissions_accepted":
        return _discovery(payload, delivery_id)
    if action in FORGET_ACTIONS:
        return for_repositories(payload, LIST_KEY, Trigger.REMOVED, delivery_id)
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


def _incomplete(payload: Mapping[str, Any]) -> bool:
    """The payload may not name every repository the installation covers."""
    selection = p.section(payload, "installation").get("repository_selection")
    return not isinstance(payload.get(LIST_KEY), list) or selection == "all"


def _discovery(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    """One request to list the installation's repositories (first, so the listing starts early)."""
    installation = p.installation_id(payload)
    if installation is None:
        return []
    account = p.optional_section(p.section(payload, "installation"), "account") or {}
    return [
        ScanRequest(
            installation_id=installation,
            repo=p.optional_text(account, "login") or f"installation-{installation}",
            trigger=Trigger.DISCOVER,
            head_sha=None,
            default_branch="",
            delivery_id=delivery_id,
        )
    ]
