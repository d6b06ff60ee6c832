"""Issues: list (with pull requests among them, as GitHub lists them), create, read, edit.

Like GitHub: the listing filters by `state` (open by default, `closed`, `all`) and `creator`, sorts by
creation (newest first unless `direction=asc`) and pages; a pull request is an issue with a `pull_request`
key; creating needs the `issues: write` permission and answers 410 when the repository's issues are off.
"""

from __future__ import annotations

from typing import Any

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.state import Issue, Pull, Repository

STATES = {"open", "closed", "all"}


def list_for_repo(call: Call) -> Reply:
    repo = call.repo()
    state = call.query.get("state", "open")
    if state not in STATES:
        raise ApiError(422, "Validation Failed")
    creator = call.query.get("creator")
    items = [*(_issue_item(call, issue) for issue in call.fake.world.issues_in(repo.full_name))]
    items += [_pull_item(call, repo, pull) for pull in repo.pulls.values()]
    chosen = [
        item
        for item in items
        if (state == "all" or item["state"] == state)
        and (creator is None or item["user"]["login"] == creator)
    ]
    chosen.sort(key=lambda item: int(item["number"]), reverse=call.query.get("direction", "desc") != "asc")
    return Reply(json=chosen, paginate=True)


def create(call: Call) -> Reply:
    repo = call.repo()
    if call.fake.permissions.get("issues") != "write":
        raise ApiError(403, "Resource not accessible by integration")
    if not repo.has_issues:
        raise ApiError(410, "Issues are disabled for this repo")
    body = call.body or {}
    if not body.get("title"):
        raise ApiError(422, "Validation Failed", errors=[{"field": "title", "code": "missing_field"}])
    issue = call.fake.world.add_issue(
        repo.full_name, str(body["title"]), str(body.get("body") or ""), user=call.fake.bot_login
    )
    return Reply(201, _issue_item(call, issue))


def get(call: Call) -> Reply:
    repo = call.repo()
    number = call.int_param("issue_number")
    issue = call.fake.world.issues.get((repo.full_name, number))
    if issue is not None:
        return Reply(json=_issue_item(call, issue))
    pull = repo.pulls.get(number)
    if pull is None:
        raise not_found()
    return Reply(json=_pull_item(call, repo, pull))


def update(call: Call) -> Reply:
    repo = call.repo()
    if call.fake.permissions.get("issues") != "write":
        raise ApiError(403, "Resource not accessible by integration")
    issue = call.fake.world.issues.get((repo.full_name, call.int_param("issue_number")))
    if issue is None:
        raise not_found()
    fields = dict(call.body or {})
    issue.edits.append(fields)
    if fields.get("title") is not None:
        issue.title = str(fields["title"])
    if fields.get("body") is not None:
        issue.body = str(fields["body"])
    if fields.get("state") in {"open", "closed"} and fields["state"] != issue.state:
        issue.state = str(fields["state"])
        reason = fields.get("state_reason")
        issue.state_reason = str(reason) if issue.state == "closed" and reason else None
        if issue.state == "open":
            issue.state_reason = "reopened"
    return Reply(json=_issue_item(call, issue))


def _issue_item(call: Call, issue: Issue) -> dict[str, Any]:
    item = _common(call, issue.repo, issue.number, issue.user, issue.state)
    item.update(title=issue.title, body=issue.body, state_reason=issue.state_reason)
    return item


def _pull_item(call: Call, repo: Repository, pull: Pull) -> dict[str, Any]:
    item = _common(call, repo.full_name, pull.number, pull.user, "open" if pull.state == "open" else "closed")
    url = f"{call.api}/repos/{repo.full_name}/pulls/{pull.number}"
    item.update(title=f"Pull request {pull.number}", body=None, pull_request={"url": url})
    return item


def _common(call: Call, repo: str, number: int, login: str, state: str) -> dict[str, Any]:
    author = call.fake.world.add_user(login, bot=login.endswith("[bot]"))
    return {
        "id": 700_000 + number,
        "node_id": f"I_{repo}#{number}",
        "url": f"{call.api}/repos/{repo}/issues/{number}",
        "repository_url": f"{call.api}/repos/{repo}",
        "html_url": f"https://github.test/{repo}/issues/{number}",
        "number": number,
        "state": state,
        "locked": False,
        "user": shapes.user(call.api, author),
        "labels": [],
        "assignees": [],
        "comments": 0,
        "created_at": shapes.iso(call.now),
        "updated_at": shapes.iso(call.now),
        "closed_at": None if state == "open" else shapes.iso(call.now),
        "author_association": "NONE",
    }
