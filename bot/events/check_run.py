"""`check_run` `rerequested`: a user pressed "Re-run" on our check run; scan that SHA again.

Only our own check run counts (an App receives re-runs of its own runs, but the name check keeps a shared
App id or a renamed check from triggering scans). The request is built from the embedded check suite, which
carries the branch, the `before` SHA and any same-repository pull request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.events import payload as p
from bot.events.check_suite import request_for_suite
from bot.events.request import ScanRequest, Trigger
from bot.reports.check_run import NAME

EVENT = "check_run"


def requests(payload: Mapping[str, Any], delivery_id: str) -> list[ScanRequest]:
    installation = p.installation_id(payload)
    if p.optional_text(payload, "action") != "rerequested" or installation is None:
        return []
    run = p.section(payload, "check_run")
    if p.optional_text(run, "name") != NAME:
        return []
    suite = dict(p.section(run, "check_suite"))
    suite["head_sha"] = p.text(run, "head_sha")
    if not p.objects(suite, "pull_requests"):
        suite["pull_requests"] = p.objects(run, "pull_requests")
    return [request_for_suite(payload, suite, Trigger.RERUN, installation, delivery_id)]
