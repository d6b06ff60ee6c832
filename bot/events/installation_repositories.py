"""`installation_repositories`: repositories added to an installation get a baseline scan; removed ones are
forgotten (their pending baseline jobs do nothing when they start)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events.installation import for_repositories
from bot.events.request import ScanRequest, Trigger

EVENT = "installation_repositories"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    added = for_repositories(payload, "repositories_added", Trigger.BASELINE, delivery_id)
    removed = for_repositories(payload, "repositories_removed", Trigger.REMOVED, delivery_id)
    return added + removed
