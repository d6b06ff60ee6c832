"""The bot's own pull requests: found by their head branch, created once, their text updated in place.

GitHub allows one open pull request per head and base, and answers 422 to a second; the bot looks before it
creates, and a create that meets 422 or an ambiguous failure looks again, so redelivered requests and two
workers end with one pull request.
"""

from __future__ import annotations

from typing import Any

from bot.github.errors import GitHubRequestError
from bot.github.protocol import OpenPull
from bot.github.session import PER_PAGE, Session

UNPROCESSABLE = 422


def find_open_pull(session: Session, repo: str, branch: str) -> OpenPull | None:
    """The open pull request from `branch` of this repository (not a fork's branch of the same name)."""
    owner = repo.split("/", 1)[0]
    params = {"head": f"{owner}:{branch}", "state": "open", "per_page": PER_PAGE}
    found = session.read(
        "find the fix pull request", lambda: session.request("GET", f"/repos/{repo}/pulls", params=params)
    )
    return _open_pull(found[0]) if found else None


def create_pull(session: Session, repo: str, *, branch: str, base: str, title: str, body: str) -> OpenPull:
    fields = {"title": title, "head": branch, "base": base, "body": body}
    try:
        return session.write(
            "open the fix pull request",
            lambda: _open_pull(session.request("POST", f"/repos/{repo}/pulls", body=fields)),
            recover=lambda: find_open_pull(session, repo, branch),
        )
    except GitHubRequestError as error:
        found = find_open_pull(session, repo, branch) if error.status == UNPROCESSABLE else None
        if found is None:
            raise
        return found  # another worker opened it a moment ago


def update_pull(session: Session, repo: str, number: int, *, title: str, body: str) -> None:
    """Setting the same title and body again is harmless, so a plain retry is safe."""
    path = f"/repos/{repo}/pulls/{number}"
    session.read(
        "update the fix pull request",
        lambda: session.request("PATCH", path, body={"title": title, "body": body}),
    )


def _open_pull(item: Any) -> OpenPull:
    return OpenPull(
        number=int(item["number"]),
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        head_sha=str(item["head"]["sha"]),
        url=str(item.get("html_url") or ""),
    )
