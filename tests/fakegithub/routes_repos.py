"""Reading a repository: pull requests, their files, comparisons, file contents, permissions."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found

MAX_PULL_FILES = 3000
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


def compare(call: Call) -> Reply:
    """Changed files come whole on the first page (up to 300), as GitHub does."""
    repo = call.repo()
    base_ref, _, head_ref = call.params["basehead"].partition("...")
    base, head = repo.resolve(unquote(base_ref)), repo.resolve(unquote(head_ref))
    if base is None or head is None:
        raise not_found()
    entries = repo.diff(base, head)[:300]
    merge_base = repo.merge_base(base, head)
    return Reply(
        json={
            "url": f"{call.api}/repos/{repo.full_name}/compare/{call.params['basehead']}",
            "html_url": f"https://github.test/{repo.full_name}/compare/{call.params['basehead']}",
            "status": "ahead" if entries else "identical",
            "ahead_by": 1,
            "behind_by": 0,
            "total_commits": 1,
            "commits": [],
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
        entries[path] = {**_tree_entry(path, "blob", blob_sha(files[path])), "size": len(files[path])}
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


def _tree_entry(path: str, kind: str, sha: str) -> dict[str, object]:
    return {"path": path, "mode": "040000" if kind == "tree" else "100644", "type": kind, "sha": sha}


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
