"""Manifests with fake secrets (built by concatenation, never written as literals) and the webhook payloads
that announce changes made in the fake GitHub."""

from __future__ import annotations

from typing import Any

from tests.e2e.harness import INSTALLATION, payload
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository

STRIPE = "sk_live_" + "9fQ2xLr7TbW4kZp1MvN8sYc3"
GITHUB_PAT = "ghp_" + "A1b2C3d4E5f6G7h8I9j0" + "K1l2M3n4O5p6Q7r8"
SECRET_LINE = 9


def serverless(secret: str | None = STRIPE, *, service: str = "billing") -> str:
    """A Serverless Framework manifest; the secret (or a safe SSM reference) is on line 9."""
    value = secret or "${ssm:/billing/stripe-secret-key}"
    return (
        f"service: {service}\n"
        "provider:\n"
        "  name: aws\n"
        "  runtime: python3.12\n"
        "functions:\n"
        "  charge:\n"
        "    handler: handler.main\n"
        "    environment:\n"
        f"      STRIPE_SECRET_KEY: {value}\n"
    )


def sam_template(secret: str = GITHUB_PAT) -> str:
    """An AWS SAM template; the secret is on line 11."""
    return (
        'AWSTemplateFormatVersion: "2010-09-09"\n'
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  SyncFunction:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n"
        "      Environment:\n"
        "        Variables:\n"
        f"          GITHUB_TOKEN: {secret}\n"
    )


def _repo_values(repo: Repository) -> dict[str, object]:
    owner, name = repo.full_name.split("/")
    return {
        "repo": repo.full_name,
        "owner": owner,
        "repo_name": name,
        "repo_id": repo.id,
        "installation": INSTALLATION,
    }


def pull_request_event(
    repo: Repository, pull: Pull, action: str = "opened", *, before: str = ""
) -> dict[str, Any]:
    return payload(
        f"pull_request.{action}",
        **_repo_values(repo),
        number=pull.number,
        head_ref=pull.head_ref,
        head_sha=pull.head_sha,
        base_sha=pull.base_sha,
        before=before,
    )


def push_event(repo: Repository, branch: str, before: str, after: str) -> dict[str, Any]:
    return payload("push", **_repo_values(repo), branch=branch, before=before, after=after)


def branch_deleted_event(repo: Repository, branch: str, before: str) -> dict[str, Any]:
    return payload("push.deleted", **_repo_values(repo), branch=branch, before=before)


def comment_event(
    repo: Repository,
    pull: Pull,
    comment_id: int,
    *,
    commenter: str,
    body: str = "/secrets-bot rescan",
    bot: bool = False,
) -> dict[str, Any]:
    return payload(
        "issue_comment.created",
        **_repo_values(repo),
        number=pull.number,
        comment_id=comment_id,
        commenter=commenter,
        commenter_type="Bot" if bot else "User",
        association="NONE" if bot else "CONTRIBUTOR",
        body=body,
    )


def commit_comment_event(
    repo: Repository, sha: str, comment_id: int, *, commenter: str, body: str, bot: bool = False
) -> dict[str, Any]:
    return payload(
        "commit_comment.created",
        **_repo_values(repo),
        commit_id=sha,
        comment_id=comment_id,
        commenter=commenter,
        commenter_type="Bot" if bot else "User",
        association="NONE" if bot else "COLLABORATOR",
        body=body,
    )


def rerun_event(
    repo: Repository, pull: Pull, check_run_id: int, external_id: str, app_id: int
) -> dict[str, Any]:
    return payload(
        "check_run.rerequested",
        **_repo_values(repo),
        number=pull.number,
        head_ref=pull.head_ref,
        head_sha=pull.head_sha,
        base_sha=pull.base_sha,
        check_run_id=check_run_id,
        external_id=external_id,
        app_id=app_id,
    )


def person(github: FakeGitHub, repo: Repository, login: str, role: str) -> str:
    """A GitHub user with `role` (read, write, ...) on the repository."""
    github.world.add_user(login)
    repo.permissions[login] = role
    return login


def issue_edited_event(
    repo: Repository, number: int, *, previous: str, body: str, sender: str, author: str, bot: bool = False
) -> dict[str, Any]:
    """A person (or, with `bot`, an App) edited the body of issue `number`, opened by `author`."""
    return payload(
        "issues.edited",
        **_repo_values(repo),
        number=number,
        previous=previous,
        body=body,
        author=author,
        author_type="Bot" if author.endswith("[bot]") else "User",
        sender=sender,
        sender_type="Bot" if bot else "User",
    )
