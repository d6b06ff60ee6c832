"""The `/secrets-bot rescan` conversation: who may ask, the acknowledgement, and the reply to others.

Permission comes from GitHub's collaborator endpoint (the payload's `author_association` is not proof), as
the role name so that `maintain` and `triage` are told apart from the legacy `write` / `read`.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import quote

from bot.github.errors import GitHubNotFound
from bot.github.protocol import IssueComment
from bot.github.session import PER_PAGE, Session

MAX_PAGES = 100

ROLES = frozenset({"admin", "maintain", "write", "triage", "read"})


def permission(session: Session, repo: str, username: str) -> str:
    """The role (admin, maintain, write, triage, read) or `none`; 404 means GitHub knows no such user here."""
    path = f"/repos/{repo}/collaborators/{quote(username, safe='')}/permission"
    try:
        data = session.read("read a collaborator's permission", lambda: session.request("GET", path))
    except GitHubNotFound:
        return "none"
    role = data.get("role_name")
    return role if role in ROLES else str(data.get("permission", "none"))


def add_reaction(session: Session, repo: str, comment_id: int, content: str) -> None:
    """GitHub answers 200 for a reaction that already exists, so a plain retry is safe."""
    path = f"/repos/{repo}/issues/comments/{comment_id}/reactions"
    session.read("react to a comment", lambda: session.request("POST", path, body={"content": content}))


def create_issue_comment(session: Session, repo: str, number: int, body: str) -> None:
    """After an ambiguous failure, the comments of the last ten minutes are searched before posting again."""
    since = (session.now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def post() -> bool:
        session.repo(repo).get_issue(number).create_comment(body)
        return True

    def posted() -> bool | None:
        params = {"since": since, "per_page": PER_PAGE}
        recent = session.request("GET", f"/repos/{repo}/issues/{number}/comments", params=params)
        return True if any(comment.get("body") == body for comment in recent) else None

    session.write("comment on the pull request", post, recover=posted)


def issue_comments(session: Session, repo: str, number: int) -> list[IssueComment]:
    """Every comment of the conversation, 100 a call: one call for most pull requests."""
    path = f"/repos/{repo}/issues/{number}/comments"
    comments: list[IssueComment] = []
    for page in range(1, MAX_PAGES + 1):
        params = {"per_page": PER_PAGE, "page": page}
        batch = session.read("list the conversation", partial(session.request, "GET", path, params=params))
        comments += [_comment(item) for item in batch]
        if len(batch) < PER_PAGE:
            break
    return comments


def _comment(item: dict[str, Any]) -> IssueComment:
    user = item.get("user") or {}
    return IssueComment(
        int(item["id"]), str(item.get("body") or ""), str(user.get("login") or ""), str(item["created_at"])
    )
