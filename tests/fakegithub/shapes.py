"""JSON shaped like GitHub's responses, with the fields the REST description marks as the important ones.

Every object carries a `url` pointing back at the fake, because clients (PyGithub) build follow-up requests
from those URLs.
"""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

from tests.fakegithub.state import (
    CheckRun,
    CheckSuite,
    IssueComment,
    Pull,
    Reaction,
    Repository,
    Review,
    ReviewComment,
    User,
)


def iso(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def user(api: str, account: User) -> dict[str, Any]:
    return {
        "login": account.login,
        "id": account.id,
        "node_id": f"U_{account.id}",
        "type": account.type,
        "site_admin": False,
        "url": f"{api}/users/{account.login}",
        "html_url": f"https://github.test/{account.login}",
    }


def repository(api: str, repo: Repository, owner: User) -> dict[str, Any]:
    name = repo.full_name.split("/", 1)[1]
    return {
        "id": repo.id,
        "node_id": f"R_{repo.id}",
        "name": name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": user(api, owner),
        "default_branch": repo.default_branch,
        "url": f"{api}/repos/{repo.full_name}",
        "html_url": f"https://github.test/{repo.full_name}",
        "fork": repo.fork,
        "archived": repo.archived,
    }


def pull(api: str, repo: Repository, item: Pull, author: User, owner: User, now: float) -> dict[str, Any]:
    url = f"{api}/repos/{repo.full_name}/pulls/{item.number}"
    repo_json = repository(api, repo, owner)
    return {
        "url": url,
        "id": item.number + 500_000,
        "node_id": f"PR_{item.number}",
        "number": item.number,
        "state": item.state,
        "draft": item.draft,
        "locked": False,
        "title": item.title or f"Pull request {item.number}",
        "body": item.body,
        "user": user(api, author),
        "head": {
            "label": f"{owner.login}:{item.head_ref}",
            "ref": item.head_ref,
            "sha": item.head_sha,
            "repo": repo_json,
            "user": user(api, owner),
        },
        "base": {
            "label": f"{owner.login}:{item.base_ref}",
            "ref": item.base_ref,
            "sha": item.base_sha,
            "repo": repo_json,
            "user": user(api, owner),
        },
        "merged": False,
        "html_url": f"https://github.test/{repo.full_name}/pull/{item.number}",
        "issue_url": f"{api}/repos/{repo.full_name}/issues/{item.number}",
        "created_at": iso(now),
        "updated_at": iso(now),
    }


def changed_file(api: str, repo: Repository, sha: str, entry: dict[str, object]) -> dict[str, Any]:
    name = str(entry["filename"])
    shown = {key: value for key, value in entry.items() if key != "commentable"}
    return {
        "sha": hashlib.sha1(f"{sha}:{name}".encode(), usedforsecurity=False).hexdigest(),
        **shown,
        "blob_url": f"https://github.test/{repo.full_name}/blob/{sha}/{name}",
        "raw_url": f"https://github.test/{repo.full_name}/raw/{sha}/{name}",
        "contents_url": f"{api}/repos/{repo.full_name}/contents/{name}?ref={sha}",
    }


def content(api: str, repo: Repository, path: str, data: bytes, ref: str) -> dict[str, Any]:
    """The JSON form; GitHub leaves `content` empty (encoding `none`) past 1 MB."""
    small = len(data) <= 1_000_000
    return {
        "type": "file",
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "size": len(data),
        "sha": hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        "encoding": "base64" if small else "none",
        "content": base64.b64encode(data).decode() if small else "",
        "url": f"{api}/repos/{repo.full_name}/contents/{path}?ref={ref}",
        "html_url": f"https://github.test/{repo.full_name}/blob/{ref}/{path}",
        "git_url": None,
        "download_url": None,
        "_links": {"self": f"{api}/repos/{repo.full_name}/contents/{path}", "git": None, "html": None},
    }


def check_run(api: str, run: CheckRun, app_slug: str) -> dict[str, Any]:
    url = f"{api}/repos/{run.repo}/check-runs/{run.id}"
    output = dict(run.output)
    output.setdefault("title", None)
    output.setdefault("summary", None)
    output.setdefault("text", None)
    output["annotations_count"] = len(run.annotations)
    output["annotations_url"] = f"{url}/annotations"
    return {
        "id": run.id,
        "node_id": f"CR_{run.id}",
        "head_sha": run.head_sha,
        "external_id": run.external_id,
        "name": run.name,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "output": output,
        "url": url,
        "html_url": f"https://github.test/{run.repo}/runs/{run.id}",
        "details_url": None,
        "check_suite": {"id": run.check_suite_id},
        "app": {"id": run.app_id, "slug": app_slug, "name": app_slug},
        "pull_requests": [],
    }


def check_suite(api: str, suite: CheckSuite, app_slug: str) -> dict[str, Any]:
    return {
        "id": suite.id,
        "node_id": f"CS_{suite.id}",
        "head_branch": suite.head_branch,
        "head_sha": suite.head_sha,
        "before": suite.before,
        "after": suite.head_sha if suite.before else None,
        "status": "completed",
        "conclusion": None,
        "url": f"{api}/repos/{suite.repo}/check-suites/{suite.id}",
        "app": {"id": suite.app_id, "slug": app_slug, "name": app_slug},
        "pull_requests": [],
        "latest_check_runs_count": 1,
        "check_runs_url": f"{api}/repos/{suite.repo}/check-suites/{suite.id}/check-runs",
    }


def review(api: str, item: Review, author: User, now: float) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": f"PRR_{item.id}",
        "user": user(api, author),
        "body": item.body,
        "state": item.state,
        "commit_id": item.commit_id,
        "submitted_at": iso(now),
        "html_url": f"https://github.test/{item.repo}/pull/{item.pull}#pullrequestreview-{item.id}",
        "pull_request_url": f"{api}/repos/{item.repo}/pulls/{item.pull}",
        "author_association": "NONE",
        "_links": {"html": {"href": ""}, "pull_request": {"href": ""}},
    }


def review_comment(api: str, item: ReviewComment, author: User, now: float) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": f"PRRC_{item.id}",
        "pull_request_review_id": item.review_id,
        "url": f"{api}/repos/{item.repo}/pulls/comments/{item.id}",
        "html_url": f"https://github.test/{item.repo}/pull/{item.pull}#discussion_r{item.id}",
        "pull_request_url": f"{api}/repos/{item.repo}/pulls/{item.pull}",
        "diff_hunk": "",
        "path": item.path,
        "position": item.line,
        "original_position": item.original_line,
        "line": item.line,
        "original_line": item.original_line,
        "side": item.side,
        "commit_id": item.commit_id,
        "original_commit_id": item.commit_id,
        "body": item.body,
        "user": user(api, author),
        "author_association": "NONE",
        "created_at": iso(now),
        "updated_at": iso(now),
        "_links": {"self": {"href": ""}, "html": {"href": ""}, "pull_request": {"href": ""}},
    }


def issue_comment(api: str, item: IssueComment, author: User, now: float) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": f"IC_{item.id}",
        "url": f"{api}/repos/{item.repo}/issues/comments/{item.id}",
        "html_url": f"https://github.test/{item.repo}/pull/{item.issue}#issuecomment-{item.id}",
        "issue_url": f"{api}/repos/{item.repo}/issues/{item.issue}",
        "body": item.body,
        "user": user(api, author),
        "author_association": "NONE",
        "created_at": iso(now),
        "updated_at": iso(now),
    }


def reaction(api: str, item: Reaction, author: User, now: float) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": f"REA_{item.id}",
        "user": user(api, author),
        "content": item.content,
        "created_at": iso(now),
    }
