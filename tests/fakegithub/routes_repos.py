"""Reading a repository: pull requests, their files, comparisons, file contents, permissions."""

from __future__ import annotations

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
    return Reply(
        json={
            "url": f"{call.api}/repos/{repo.full_name}/compare/{call.params['basehead']}",
            "html_url": f"https://github.test/{repo.full_name}/compare/{call.params['basehead']}",
            "status": "ahead" if entries else "identical",
            "ahead_by": 1,
            "behind_by": 0,
            "total_commits": 1,
            "commits": [],
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
