"""`check_run`: `rerequested` (a user pressed "Re-run" on our check run: scan that SHA again) and
`requested_action` with `open-fix-pr` (a user pressed the check run's "Open fix PR" button).

Only our own check run counts (an App receives re-runs of its own runs, but the name check keeps a shared
App id or a renamed check from triggering scans). A re-run is built from the embedded check suite, which
carries the branch, the `before` SHA and any same-repository pull request. A button press becomes a FIX
request for every open finding of the default branch, asked by the sender; whether the sender may ask is
the worker's question to GitHub (the payload is not proof of permission).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.check_suite import request_for_suite
from bot.events.fix import fix_request
from bot.events.request import ScanRequest, Trigger
from bot.reports.check_run import NAME
from bot.reports.fix_pr import FIX_ACTION

EVENT = "check_run"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    action = p.optional_text(payload, "action")
    if action not in ("rerequested", "requested_action") or installation is None:
        return []
    run = p.section(payload, "check_run")
    if p.optional_text(run, "name") != NAME:
        return []
    if action == "requested_action":
        return _fix_requests(payload, installation, delivery_id)
    suite = dict(p.section(run, "check_suite"))
    suite["head_sha"] = p.text(run, "head_sha")
    if not p.objects(suite, "pull_requests"):
        suite["pull_requests"] = p.objects(run, "pull_requests")
    return [request_for_suite(payload, suite, Trigger.RERUN, installation, delivery_id)]


def _fix_requests(payload: Mapping[str, Any], installation: int, delivery_id: str) -> list[ScanRequest]:
    if p.optional_text(p.section(payload, "requested_action"), "identifier") != FIX_ACTION.identifier:
        return []
    return [fix_request(payload, installation, delivery_id, arguments=None)]
