"""Listing an installation's repositories for their baseline scans, where the delivery did not name them all.

`installation.new_permissions_accepted` names no repository, and `installation.created` on all of an
account's repositories may name only some: the worker asks GitHub (`GET /installation/repositories`, pages
of 100) and submits one baseline request per repository, under a delivery id of its own made from the job's
id. The once-per-installation claim (`bot.jobs.installations`) makes a repository already baselined, or
waiting for it, enqueue nothing: a redelivery, a second listing or a payload that did name the repository
never scans it twice. A listing that fails part-way submits nothing and is retried whole.
"""

from __future__ import annotations

import logging

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway
from bot.jobs.queue import JobQueue, Submission

logger = logging.getLogger(__name__)

LISTED_SUFFIX = "/listed"


def discover(request: ScanRequest, gateway: GitHubGateway, queue: JobQueue, job_id: str) -> Submission:
    """Enqueue a baseline scan for each of the installation's repositories not yet claimed."""
    names = gateway.installation_repositories()
    baselines = [
        ScanRequest(
            installation_id=request.installation_id,
            repo=name,
            trigger=Trigger.BASELINE,
            head_sha=None,
            default_branch="",
            delivery_id=request.delivery_id,
        )
        for name in names
    ]
    before = queue.installations.progress(request.installation_id).total
    outcome = queue.submit(job_id + LISTED_SUFFIX, baselines)
    added = queue.installations.progress(request.installation_id).total - before
    logger.info(
        "installation listed: %d repositories, %d new baseline scans",
        len(names),
        max(added, 0),
        extra={"installation": request.installation_id},
    )
    return outcome
