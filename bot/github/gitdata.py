"""One commit through the Git Data API: blobs, one tree on the base commit's tree, the commit, the branch.

Blobs and trees are named by their content, so writing one again is harmless and they are retried like
reads; a commit written twice leaves an unreferenced object, also harmless. The branch is what must not be
duplicated or lost: it is created if absent (a create that finds it already there, made by a concurrent
worker, becomes a forced update) and otherwise moved with `force`, since the bot owns its `secrets-bot/`
branches. A branch that already holds exactly this change on this base is left alone: asking twice for the
same fix makes one commit.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from bot.github.errors import GitHubRequestError
from bot.github.session import Session

FILE_MODE = "100644"
UNPROCESSABLE = 422  # GitHub's answer to creating a ref that exists


def push_files(
    session: Session,
    repo: str,
    branch: str,
    *,
    base: str,
    files: Mapping[str, bytes],
    message: str,
    current: str | None,
) -> str:
    """`branch` at a commit whose parent is `base` and whose tree is `base`'s with `files` replaced;
    `current` is the branch's head now (None: no such branch). Returns the commit's SHA."""
    base_tree = _commit(session, repo, base)["tree"]["sha"]
    entries = [
        {"path": path, "mode": FILE_MODE, "type": "blob", "sha": _blob(session, repo, data)}
        for path, data in sorted(files.items())
    ]
    tree = _post(
        session, "write a tree", f"/repos/{repo}/git/trees", {"base_tree": base_tree, "tree": entries}
    )
    if current is not None and _holds(session, repo, current, tree["sha"], base):
        return current
    body = {"message": message, "tree": tree["sha"], "parents": [base]}
    commit = str(_post(session, "write a commit", f"/repos/{repo}/git/commits", body)["sha"])
    _point(session, repo, branch, commit, exists=current is not None)
    return commit


def _holds(session: Session, repo: str, sha: str, tree: str, base: str) -> bool:
    """The branch's commit already is this change on this base (a repeated request)."""
    commit = _commit(session, repo, sha)
    return commit["tree"]["sha"] == tree and [p["sha"] for p in commit.get("parents", [])] == [base]


def _point(session: Session, repo: str, branch: str, sha: str, *, exists: bool) -> None:
    if not exists:
        try:
            body = {"ref": f"refs/heads/{branch}", "sha": sha}
            session.write(
                "create the fix branch",
                lambda: session.request("POST", f"/repos/{repo}/git/refs", body=body),
                recover=lambda: _points_at(session, repo, branch, sha),
            )
            return
        except GitHubRequestError as error:
            if error.status != UNPROCESSABLE:
                raise  # otherwise another worker created it a moment ago: move it
    path = f"/repos/{repo}/git/refs/heads/{quote(branch, safe='/')}"
    session.read(
        "move the fix branch",
        lambda: session.request("PATCH", path, body={"sha": sha, "force": True}),
    )


def _points_at(session: Session, repo: str, branch: str, sha: str) -> bool | None:
    ref = session.request("GET", f"/repos/{repo}/git/ref/heads/{quote(branch, safe='/')}")
    return True if ref["object"]["sha"] == sha else None


def _blob(session: Session, repo: str, data: bytes) -> str:
    body = {"content": base64.b64encode(data).decode("ascii"), "encoding": "base64"}
    return str(_post(session, "write a blob", f"/repos/{repo}/git/blobs", body)["sha"])


def _commit(session: Session, repo: str, sha: str) -> Any:
    return session.read("read a commit", lambda: session.request("GET", f"/repos/{repo}/git/commits/{sha}"))


def _post(session: Session, action: str, path: str, body: dict[str, Any]) -> Any:
    """A content-addressed write: repeating it after an ambiguous failure writes the same object."""
    return session.read(action, lambda: session.request("POST", path, body=body))
