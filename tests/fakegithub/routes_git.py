"""Writing a repository: Git Data objects with git's own SHAs, refs, and pull requests as GitHub keeps them.

Blobs, trees and commits get the object ids git would give them, so a blob written here is the blob the
fake's tree listings and blob reads name, and a branch pointed at a new commit is read like any other.
Refs and pull requests keep GitHub's rules: creating a ref that exists is 422, a non-forced update must be a
fast forward, and a second open pull request for the same head and base is 422 ("already exists").
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.routes_repos import blob_sha
from tests.fakegithub.state import Commit, FileTree, Pull, Repository

FILE_MODE = "100644"


def create_blob(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    content = str(body["content"])
    data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
    sha = blob_sha(data)
    repo.blobs[sha] = data
    return Reply(201, {"url": f"{call.api}/repos/{repo.full_name}/git/blobs/{sha}", "sha": sha})


def create_tree(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    base = body.get("base_tree")
    files: FileTree = dict(_tree_files(repo, str(base))) if base else {}
    for entry in body.get("tree", []):
        path = str(entry["path"])
        if entry.get("sha") is None and "content" not in entry:
            files.pop(path, None)
        elif "content" in entry:
            files[path] = str(entry["content"]).encode()
        else:
            files[path] = _blob(repo, str(entry["sha"]))
        if entry.get("mode", FILE_MODE) != FILE_MODE:
            repo.modes[path] = str(entry["mode"])
    sha = tree_sha(files)
    repo.trees[sha] = files
    return Reply(201, _tree_json(call, repo, sha, files))


def get_commit(call: Call) -> Reply:
    repo = call.repo()
    commit = repo.commits.get(call.params["commit_sha"])
    if commit is None:
        raise not_found()
    return Reply(json=_commit_json(call, repo, commit))


def create_commit(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    files = repo.trees.get(str(body["tree"]))
    if files is None:
        raise ApiError(422, "Tree SHA does not exist")
    parents = [str(parent) for parent in body.get("parents", [])]
    if any(parent not in repo.commits for parent in parents):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    author = call.fake.bot_login
    message = str(body["message"])
    text = f"tree {body['tree']}\n" + "".join(f"parent {parent}\n" for parent in parents)
    text += f"author {author} <bot@example.test> {int(call.now)} +0000\n\n{message}"
    sha = _object_sha(b"commit", text.encode())
    commit = Commit(sha, dict(files), parents[0] if parents else None, author, message)
    repo.commits[sha] = commit
    return Reply(201, _commit_json(call, repo, commit))


def create_ref(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    ref, sha = str(body["ref"]), str(body["sha"])
    if not ref.startswith("refs/heads/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name is not valid")
    branch = ref.removeprefix("refs/heads/")
    if branch in repo.branches:
        raise ApiError(422, "Reference already exists")
    if sha not in repo.commits:
        raise ApiError(422, "Object does not exist")
    repo.point(branch, sha)
    return Reply(201, _ref_json(call, repo, branch))


def update_ref(call: Call) -> Reply:
    repo = call.repo()
    branch = unquote(call.params["ref"]).removeprefix("refs/").removeprefix("heads/")
    body = call.body or {}
    sha = str(body["sha"])
    current = repo.branches.get(branch)
    if current is None:
        raise ApiError(422, "Reference does not exist")
    if sha not in repo.commits:
        raise ApiError(422, "Object does not exist")
    if not body.get("force") and not _descends(repo, sha, current):
        raise ApiError(422, "Update is not a fast forward")
    repo.point(branch, sha)
    return Reply(json=_ref_json(call, repo, branch))


def list_pulls(call: Call) -> Reply:
    """`state` (default open), `head` as `owner:branch`, `base`: GitHub's filters."""
    repo = call.repo()
    owner = call.owner_of(repo)
    state = call.query.get("state", "open")
    head = call.query.get("head")
    found = [
        item
        for item in repo.pulls.values()
        if state in ("all", item.state)
        and (head is None or head == f"{owner.login}:{item.head_ref}")
        and call.query.get("base", item.base_ref) == item.base_ref
    ]
    return Reply(json=[_pull_json(call, repo, item) for item in found], paginate=True)


def create_pull(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    owner = call.owner_of(repo).login
    head = str(body["head"]).removeprefix(f"{owner}:")
    base = str(body["base"])
    if head not in repo.branches or base not in repo.branches:
        raise ApiError(422, "Validation Failed", errors=[{"resource": "PullRequest", "code": "invalid"}])
    if any(p.head_ref == head and p.base_ref == base and p.state == "open" for p in repo.pulls.values()):
        message = f"A pull request already exists for {owner}:{head}."
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "PullRequest", "code": "custom", "message": message}],
        )
    if repo.branches[head] == repo.branches[base]:
        raise ApiError(422, "Validation Failed", errors=[{"code": "custom", "message": "No commits between"}])
    pull = Pull(
        repo.new_issue_number(),
        head,
        base,
        repo.branches[head],
        repo.branches[base],
        call.fake.bot_login,
        title=str(body.get("title") or ""),
        body=body.get("body"),
    )
    pull.commits.append(pull.head_sha)
    repo.pulls[pull.number] = pull
    return Reply(201, _pull_json(call, repo, pull))


def update_pull(call: Call) -> Reply:
    repo = call.repo()
    pull = repo.pulls.get(call.int_param("pull_number"))
    if pull is None:
        raise not_found()
    body = call.body or {}
    for name in ("title", "body", "state"):
        if name in body:
            setattr(pull, name, body[name])
    return Reply(json=_pull_json(call, repo, pull))


HANDLERS: dict[str, Callable[[Call], Reply]] = {
    "git/create-blob": create_blob,
    "git/create-tree": create_tree,
    "git/get-commit": get_commit,
    "git/create-commit": create_commit,
    "git/create-ref": create_ref,
    "git/update-ref": update_ref,
    "pulls/list": list_pulls,
    "pulls/create": create_pull,
    "pulls/update": update_pull,
}


def tree_sha(files: FileTree) -> str:
    """Git's id of the root tree holding `files` (directories as nested trees, entries in git's order)."""
    nested: dict[str, Any] = {}
    for path, data in files.items():
        *folders, name = path.split("/")
        node = nested
        for folder in folders:
            node = node.setdefault(folder, {})
        node[name] = data
    return _nested_sha(nested)


def _nested_sha(node: dict[str, Any]) -> str:
    entries: list[tuple[str, bytes]] = []
    for name, child in node.items():
        if isinstance(child, dict):
            entries.append(
                (name + "/", b"40000 " + name.encode() + b"\0" + bytes.fromhex(_nested_sha(child)))
            )
        else:
            entries.append(
                (name, FILE_MODE.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(blob_sha(child)))
            )
    return _object_sha(b"tree", b"".join(entry for _, entry in sorted(entries)))


def _object_sha(kind: bytes, content: bytes) -> str:
    return hashlib.sha1(kind + b" %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def _tree_files(repo: Repository, sha: str) -> FileTree:
    """A tree written here, or (as GitHub also peels) a commit's tree."""
    if sha in repo.trees:
        return repo.trees[sha]
    commit = repo.commits.get(sha)
    if commit is None:
        raise ApiError(422, "base_tree is not a valid tree oid")
    return commit.files


def _blob(repo: Repository, sha: str) -> bytes:
    if sha in repo.blobs:
        return repo.blobs[sha]
    for commit in repo.commits.values():
        for data in commit.files.values():
            if blob_sha(data) == sha:
                return data
    raise ApiError(422, f"Blob SHA {sha} does not exist")


def _descends(repo: Repository, sha: str, ancestor: str) -> bool:
    current: str | None = sha
    while current is not None:
        if current == ancestor:
            return True
        current = repo.commits[current].parent
    return False


def _tree_json(call: Call, repo: Repository, sha: str, files: FileTree) -> dict[str, Any]:
    return {
        "sha": sha,
        "url": f"{call.api}/repos/{repo.full_name}/git/trees/{sha}",
        "tree": [
            {"path": path, "mode": FILE_MODE, "type": "blob", "sha": blob_sha(data), "size": len(data)}
            for path, data in sorted(files.items())
        ],
        "truncated": False,
    }


def _commit_json(call: Call, repo: Repository, commit: Commit) -> dict[str, Any]:
    tree = tree_sha(commit.files)
    repo.trees.setdefault(tree, commit.files)
    person = {"name": commit.author, "email": f"{commit.author}@example.test", "date": shapes.iso(call.now)}
    url = f"{call.api}/repos/{repo.full_name}/git/commits/{commit.sha}"
    return {
        "sha": commit.sha,
        "node_id": f"C_{commit.sha[:8]}",
        "url": url,
        "html_url": f"https://github.test/{repo.full_name}/commit/{commit.sha}",
        "author": person,
        "committer": person,
        "message": commit.message,
        "tree": {"sha": tree, "url": f"{call.api}/repos/{repo.full_name}/git/trees/{tree}"},
        "parents": [
            {
                "sha": commit.parent,
                "url": f"{call.api}/repos/{repo.full_name}/git/commits/{commit.parent}",
                "html_url": f"https://github.test/{repo.full_name}/commit/{commit.parent}",
            }
        ]
        if commit.parent
        else [],
        "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
    }


def _ref_json(call: Call, repo: Repository, branch: str) -> dict[str, Any]:
    sha = repo.branches[branch]
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": f"REF_{sha[:8]}",
        "url": f"{call.api}/repos/{repo.full_name}/git/refs/heads/{branch}",
        "object": {
            "type": "commit",
            "sha": sha,
            "url": f"{call.api}/repos/{repo.full_name}/git/commits/{sha}",
        },
    }


def _pull_json(call: Call, repo: Repository, item: Pull) -> dict[str, Any]:
    author = call.fake.world.add_user(item.user, bot=item.user.endswith("[bot]"))
    return shapes.pull(call.api, repo, item, author, call.owner_of(repo), call.now)
