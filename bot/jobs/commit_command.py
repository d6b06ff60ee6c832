"""Who may give `/secrets-bot rotated` on a commit, asked of GitHub as for the pull-request command.

The App answers nothing on the commit: a commit comment or a reaction to one needs `contents: write`, the
right to push code, which a secrets scanner must not hold. A writer's answer is the re-run check run; a
refusal is logged (and counted in the job's outcome, `denied`), and the check run stays as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot.events.request import ScanRequest
from bot.github.protocol import GitHubGateway

logger = logging.getLogger(__name__)


def permitted(request: ScanRequest, gateway: GitHubGateway, allowed: Collection[str]) -> bool:
    if request.commenter is None or request.comment_id is None or request.head_sha is None:
        raise ValueError("a command on a commit needs the commenter, the comment and the commit")
    if gateway.permission(request.repo, request.commenter) in allowed:
        return True
    logger.info(
        "refused /secrets-bot rotated on %s@%s: %s has no write access",
        request.repo,
        request.head_sha[:7],
        request.commenter,
    )
    return False
