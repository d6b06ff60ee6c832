"""Failures that retrying will not fix, each with a message safe to log (never a token, key or JWT).

Retryable trouble (5xx, timeouts, rate limits past the bound) is `GitHubUnavailable` from the protocol.
"""

from __future__ import annotations


class GitHubRequestError(Exception):
    """GitHub refused the request (4xx other than rate limits): a bug, a permission or a state problem."""

    def __init__(self, action: str, status: int, detail: str) -> None:
        super().__init__(f"{action}: GitHub answered {status}: {detail}")
        self.action = action
        self.status = status


class GitHubNotFound(GitHubRequestError):
    """404: the object is gone, or the installation cannot see it (GitHub hides forbidden objects as 404)."""


class GitHubAuthError(GitHubRequestError):
    """The App's credentials were refused (wrong key or App id, clock skew, installation removed)."""
