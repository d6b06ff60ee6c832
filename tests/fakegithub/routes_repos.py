"""Reading a repository: pull requests, their files, comparisons, file contents, permissions."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import unquote

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.patches import changed_files
from tests.fakegithub.state import Commit, Repository

MAX_PULL_FILES = 3000
MAX_PULL_COMMITS = 250
MAX_COMMIT_FILES = 300
RAW_TYPES = ("application/vnd.github.raw", "application/vnd.github.v3.raw")


def get_repo(call: Call) -> Reply:
    repo = call.repo()
    return Reply(json=shapes.repository(call.api, repo, call.owner_of(repo)))


def get_pull(call: Call) -> Reply:
    repo = call.repo()
    item = repo.pulls.get(call.int_param("pull_number"))
    if item is None:
        raise not_found()
    author = call.fake.world.add_user(item.user)
    return Reply(json=shapes.pull(call.api, repo, item, author, call.owner_of(repo), call.now))


def list_pull_files(call: Call) -> Reply:
    """At most 3,000 files, as GitHub documents; pages past that are empty."""
    repo = call.repo()
    item = repo.pulls.get(call.int_param("pull_number"))
    if item is None:
        raise not_found()
    entries = repo.pull_files(item)[:MAX_PULL_FILES]
    return Reply(
        json=entries,
        paginate=True,
        render=lambda entry: shapes.changed_file(call.api, repo, item.head_sha, entry),
    )


def list_pull_commits(call: Call) -> Reply:
    """The pull request's commits since its merge base, oldest first, at most 250 (as GitHub)."""
    repo = call.repo()
    item = repo.pulls.get(call.int_param("pull_number"))
    if item is None:
        raise not_found()
    listed = repo.commits_between(item.base_sha, item.head_sha)[:MAX_PULL_COMMITS]
    return Reply(json=listed, paginate=True, render=lambda commit: _commit_item(call, repo, commit))


def get_commit(call: Call) -> Reply:
    """One commit with the files it changed against its parent, each with its blob SHA."""
    repo = call.repo()
    sha = repo.resolve(unquote(call.params["ref"]))
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {call.params['ref']}")
    commit = repo.commits[sha]
    before = repo.commits[commit.parent].files if commit.parent else {}
    changed = changed_files(before, commit.files)[:MAX_COMMIT_FILES]
    files = [
        {
            **shapes.changed_file(call.api, repo, sha, entry),
            "sha": blob_sha(commit.files[str(entry["filename"])]) if entry["status"] != "removed" else None,
        }
        for entry in changed
    ]
    return Reply(json={**_commit_item(call, repo, commit), "files": files})


def get_ref(call: Call) -> Reply:
    """A branch's head (`heads/<branch>`); tags are not modelled. An empty repository has no refs: 409."""
    repo = call.repo()
    ref = unquote(call.params["ref"])
    if not repo.branches:
        raise ApiError(409, "Git Repository is empty.")
    sha = repo.branches.get(ref.removeprefix("heads/")) if ref.startswith("heads/") else None
    if sha is None:
        raise not_found()
    commit_url = f"{call.api}/repos/{repo.full_name}/git/commits/{sha}"
    return Reply(
        json={
            "ref": f"refs/{ref}",
            "node_id": f"REF_{sha[:8]}",
            "url": f"{call.api}/repos/{repo.full_name}/git/refs/{ref}",
            "object": {
                "type": "commit",
                "sha": sha,
                "url": commit_url,
            },
        }
    )


def get_blob(call: Call) -> Reply:
    """A blob by SHA from any commit of the repository: raw bytes for the raw media type, else base64."""
    repo = call.repo()
    wanted = call.params["file_sha"]
    data = next((d for c in repo.commits.values() for d in c.files.values() if blob_sha(d) == wanted), None)
    if data is None:
        raise not_found()
    if call.headers.get("accept", "").startswith(RAW_TYPES):
        return Reply(raw=data, content_type="application/vnd.github.raw; charset=utf-8")
    return Reply(
        json={
            "sha": wanted,
            "node_id": f"B_{wanted[:8]}",
            "size": len(data),
            "url": f"{call.api}/repos/{repo.full_name}/git/blobs/{wanted}",
            "content": base64.b64encode(data).decode(),
            "encoding": "base64",
        }
    )


def compare(call: Call) -> Reply:
    """Changed files come whole on the first page (up to 300), as GitHub does; commits are paged."""
    repo = call.repo()
    base_ref, _, head_ref = call.params["basehead"].partition("...")
    base, head = repo.resolve(unquote(base_ref)), repo.resolve(unquote(head_ref))
    if base is None or head is None:
        raise not_found()
    entries = repo.diff(base, head)[:300]
    merge_base = repo.merge_base(base, head)
    commits = repo.commits_between(base, head)
    per_page = min(max(int(call.query.get("per_page", "250")), 1), 250)
    page = max(int(call.query.get("page", "1")), 1)
    shown = commits[(page - 1) * per_page : page * per_page]
    return Reply(
        json={
            "url": f"{call.api}/repos/{repo.full_name}/compare/{call.params['basehead']}",
            "html_url": f"https://github.test/{repo.full_name}/compare/{call.params['basehead']}",
            "status": "ahead" if entries else "identical",
            "ahead_by": len(commits),
            "behind_by": 0,
            "total_commits": len(commits),
            "commits": [_commit_item(call, repo, commit) for commit in shown],
            "merge_base_commit": {"sha": merge_base} if merge_base else None,
            "files": [shapes.changed_file(call.api, repo, head, entry) for entry in entries],
        }
    )


def pulls_for_commit(call: Call) -> Reply:
    repo = call.repo()
    sha = repo.resolve(call.params["commit_sha"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {call.params['commit_sha']}")
    found = [item for item in repo.pulls.values() if sha in item.commits]
    owner = call.owner_of(repo)
    return Reply(
        json=[
            shapes.pull(call.api, repo, item, call.fake.world.add_user(item.user), owner, call.now)
            for item in found
        ],
        paginate=True,
    )


def get_content(call: Call) -> Reply:
    repo = call.repo()
    ref = call.query.get("ref", repo.default_branch)
    files = repo.files_at(ref)
    if files is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    path = unquote(call.params["path"])
    if path not in files:
        raise not_found()
    if call.headers.get("accept", "").startswith(RAW_TYPES):
        return Reply(raw=files[path], content_type="application/vnd.github.raw; charset=utf-8")
    return Reply(json=shapes.content(call.api, repo, path, files[path], ref))


def collaborator_permission(call: Call) -> Reply:
    repo = call.repo()
    account = call.fake.world.users.get(call.params["username"])
    if account is None:
        raise ApiError(404, f"{call.params['username']} is not a user")
    permission = repo.permissions.get(account.login, "none" if repo.private else "read")
    legacy = "write" if permission == "maintain" else "read" if permission == "triage" else permission
    return Reply(json={"permission": legacy, "role_name": permission, "user": shapes.user(call.api, account)})


def get_tree(call: Call) -> Reply:
    """A commit's tree (by commit SHA or branch): blobs with git's own blob SHAs, directories as `tree`
    entries. A recursive listing past `fake.tree_limit` entries is cut and flagged `truncated`, as GitHub."""
    repo = call.repo()
    ref = unquote(call.params["tree_sha"])
    sha = repo.resolve(ref)
    files = repo.files_at(ref)
    if sha is None or files is None:
        raise not_found()
    recursive = "recursive" in call.query
    entries: dict[str, dict[str, object]] = {}
    for path in sorted(files):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth])
            entries.setdefault(directory, _tree_entry(directory, "tree", _digest(f"tree {sha} {directory}")))
        entry = _tree_entry(path, "blob", blob_sha(files[path]))
        entries[path] = {**entry, "mode": repo.modes.get(path, entry["mode"]), "size": len(files[path])}
    listed = [entry for path, entry in entries.items() if recursive or "/" not in path]
    limit = call.fake.tree_limit if recursive else len(listed)
    return Reply(
        json={
            "sha": _digest(f"tree {sha}"),
            "url": f"{call.api}/repos/{repo.full_name}/git/trees/{sha}",
            "tree": listed[:limit],
            "truncated": len(listed) > limit,
        }
    )


def blob_sha(data: bytes) -> str:
    """Git's object id for a blob, so that equal contents have equal SHAs in every tree."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _commit_item(call: Call, repo: Repository, commit: Commit) -> dict[str, Any]:
    """A commit as listings show it: `author` is the matched account, or null for an unknown name."""
    account = call.fake.world.users.get(commit.author)
    person = {"name": commit.author, "email": f"{commit.author}@example.test", "date": "2026-01-01T00:00:00Z"}
    return {
        "sha": commit.sha,
        "node_id": f"C_{commit.sha[:8]}",
        "url": f"{call.api}/repos/{repo.full_name}/commits/{commit.sha}",
        "html_url": f"https://github.test/{repo.full_name}/commit/{commit.sha}",
        "comments_url": f"{call.api}/repos/{repo.full_name}/commits/{commit.sha}/comments",
        "commit": {
            "url": f"{call.api}/repos/{repo.full_name}/git/commits/{commit.sha}",
            "author": person,
            "committer": person,
            "message": "a change",
            "comment_count": 0,
            "tree": {"sha": commit.sha, "url": f"{call.api}/repos/{repo.full_name}/git/trees/{commit.sha}"},
        },
        "author": shapes.user(call.api, account) if account else None,
        "committer": None,
        "parents": [{"sha": commit.parent, "url": ""}] if commit.parent else [],
    }


def _tree_entry(path: str, kind: str, sha: str) -> dict[str, object]:
    return {"path": path, "mode": "040000" if kind == "tree" else "100644", "type": kind, "sha": sha}


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
