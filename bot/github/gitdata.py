"""One commit through the Git Data API: blobs, one tree on the base commit's tree, the commit, the branch.

Blobs and trees are named by their content, so writing one again is harmless and they are retried like
reads; a commit written twice leaves an unreferenced object, also harmless. The branch is what must not be
duplicated or lost: it is created if absent (a create that finds it already there, made by a concurrent
worker, becomes a forced update) and otherwise moved with `force`, since the bot owns its `secrets-bot/`
branches. A branch that already holds exactly this change on this base is left alone, and found so before
anything is written (blob ids are git's, computed here): asking twice for the same fix writes nothing.
A rewritten file keeps its mode at the base (an executable stays executable).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from bot.github.errors import GitHubRequestError
from bot.github.session import Session

FILE_MODE = "100644"  # a file new at the base
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
    at_base, whole = blob_entries(session, repo, base)
    wanted = {
        path: (at_base.get(path, (FILE_MODE, ""))[0], git_blob_sha(data)) for path, data in files.items()
    }
    if current is not None and whole and _holds(session, repo, current, base, {**at_base, **wanted}):
        return current
    base_tree = _commit(session, repo, base)["tree"]["sha"]
    entries = [
        {"path": path, "mode": wanted[path][0], "type": "blob", "sha": _blob(session, repo, data)}
        for path, data in sorted(files.items())
    ]
    tree = _post(
        session, "write a tree", f"/repos/{repo}/git/trees", {"base_tree": base_tree, "tree": entries}
    )
    if current is not None and not whole and _holds_tree(session, repo, current, tree["sha"], base):
        return current  # a listing too long to compare: the written tree's id says it instead
    body = {"message": message, "tree": tree["sha"], "parents": [base]}
    commit = str(_post(session, "write a commit", f"/repos/{repo}/git/commits", body)["sha"])
    _point(session, repo, branch, commit, exists=current is not None)
    return commit


def blob_entries(session: Session, repo: str, commit: str) -> tuple[dict[str, tuple[str, str]], bool]:
    """Every file of `commit` as path -> (mode, blob SHA), and whether GitHub listed them all (a recursive
    listing is cut past GitHub's limit)."""
    tree = session.read(
        "read a commit's tree",
        lambda: session.request("GET", f"/repos/{repo}/git/trees/{commit}", params={"recursive": "1"}),
    )
    entries = {
        str(entry["path"]): (str(entry["mode"]), str(entry["sha"]))
        for entry in tree.get("tree", [])
        if entry.get("type") == "blob"
    }
    return entries, not tree.get("truncated", True)


def git_blob_sha(data: bytes) -> str:
    """The id git (and GitHub) gives a blob of these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _holds(session: Session, repo: str, sha: str, base: str, wanted: dict[str, tuple[str, str]]) -> bool:
    """The branch's commit already is this change on this base: its only parent is `base` and its files
    (modes and contents) are `wanted`. Read only: nothing is written to find out."""
    commit = _commit(session, repo, sha)
    if [p["sha"] for p in commit.get("parents", [])] != [base]:
        return False
    held, whole = blob_entries(session, repo, sha)
    return whole and held == wanted


def _holds_tree(session: Session, repo: str, sha: str, tree: str, base: str) -> bool:
    """The branch's commit already has this tree on this base (when the listings were too long to compare)."""
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
