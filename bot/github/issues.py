"""Issues the App keeps in a repository (the secrets dashboard): found again by a hidden marker, created
once, edited in place.

The App's issues are listed with GitHub's `creator` filter (the App's `<slug>[bot]` login), open and closed,
oldest first, and matched by the marker in their body, never by title: anyone can open an issue with the
same title, nobody else can open one as the App. The author is checked again on each item, and pull requests
(which GitHub lists as issues) are skipped. A creation whose answer was lost is looked for before it is sent
again, so a retry never opens a second issue.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.github.errors import GitHubNotFound, GitHubRequestError
from bot.github.protocol import Issue, IssuesDisabled
from bot.github.session import PER_PAGE, Session

MAX_PAGES = 30  # 3,000 of the App's issues and pull requests, oldest first: a dashboard is among the first
GONE = 410  # a deleted issue, or a repository whose issues are turned off


def find_own(session: Session, repo: str, creator: str, marker: str) -> Issue | None:
    path = f"/repos/{repo}/issues"
    for page in range(1, MAX_PAGES + 1):
        params = {
            "creator": creator,
            "state": "all",
            "sort": "created",
            "direction": "asc",
            "per_page": PER_PAGE,
            "page": page,
        }
        batch = session.read("list the App's issues", partial(session.request, "GET", path, params=params))
        for item in batch:
            issue = _issue(item)
            if "pull_request" not in item and issue.author == creator and marker in issue.body:
                return issue
        if len(batch) < PER_PAGE:
            break
    return None


def get(session: Session, repo: str, number: int) -> Issue | None:
    path = f"/repos/{repo}/issues/{number}"
    try:
        item = session.read("read an issue", partial(session.request, "GET", path))
    except GitHubNotFound:
        return None
    except GitHubRequestError as error:
        if error.status == GONE:
            return None
        raise
    return None if "pull_request" in item else _issue(item)


def create(session: Session, repo: str, *, title: str, body: str, creator: str, marker: str) -> Issue:
    def post() -> Issue:
        return _issue(session.request("POST", f"/repos/{repo}/issues", body={"title": title, "body": body}))

    try:
        return session.write("open an issue", post, recover=lambda: find_own(session, repo, creator, marker))
    except GitHubRequestError as error:
        if error.status == GONE:
            raise IssuesDisabled(repo) from None
        raise


def update(session: Session, repo: str, number: int, *, body: str | None, state: str | None) -> None:
    """A PATCH sets fields to values: sending it again after an ambiguous failure changes nothing more."""
    fields: dict[str, Any] = {}
    if body is not None:
        fields["body"] = body
    if state is not None:
        fields["state"] = state
        if state == "closed":
            fields["state_reason"] = "completed"
    if not fields:
        return
    path = f"/repos/{repo}/issues/{number}"
    session.read("edit an issue", partial(session.request, "PATCH", path, body=fields))


def _issue(item: dict[str, Any]) -> Issue:
    user = item.get("user") or {}
    return Issue(
        int(item["number"]),
        str(item.get("body") or ""),
        str(item.get("state") or ""),
        str(user.get("login") or ""),
    )
