"""Fix pull requests, end to end: the check run's "Open fix PR" button on a default-branch secret, pressed by
a writer, a reader, twice, and redelivered; an installation without `contents: write` gets no button."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store import open_store
from tests.e2e.harness import INSTALLATION, Bot, payload
from tests.e2e.scenarios import GITHUB_PAT, STRIPE, person, pull_request_event, push_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository

BRANCH_PREFIX = "secrets-bot/"
FIX_ACTION = {
    "label": "Open fix PR",
    "description": "Replace secrets with references",
    "identifier": "open-fix-pr",
}


@pytest.fixture
def writable(github: FakeGitHub) -> FakeGitHub:
    github.permissions["contents"] = "write"
    return github


def push_secret(bot: Bot, repo: Repository, files: dict[str, str | bytes]) -> str:
    before = repo.branches["main"]
    after = repo.commit("main", files)
    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()
    return after


def completion(github: FakeGitHub, run_id: int) -> dict[str, Any]:
    """The request that completed the run (the one that carries its conclusion and its buttons)."""
    patches = [r.json() for r in github.calls("checks/update") if r.path.endswith(f"/check-runs/{run_id}")]
    return next(body for body in patches if "conclusion" in body)


def press(bot: Bot, repo: Repository, sha: str, sender: str, *, delivery: str | None = None) -> int:
    [run] = bot.fake.world.runs_for(repo.full_name, sha)
    owner, name = repo.full_name.split("/")
    event = payload(
        "check_run.requested_action",
        repo=repo.full_name,
        owner=owner,
        repo_name=name,
        repo_id=repo.id,
        installation=INSTALLATION,
        check_run_id=run.id,
        head_sha=sha,
        app_id=bot.fake.app_id,
        identifier="open-fix-pr",
        sender=sender,
    )
    answer = bot.deliver("check_run", event, delivery=delivery)
    bot.settle()
    return answer.status_code


def fix_pulls(repo: Repository) -> list[Pull]:
    return [pull for pull in repo.pulls.values() if pull.head_ref.startswith(BRANCH_PREFIX)]


def fragments(value: str, size: int = 8) -> list[str]:
    return [value[start : start + size] for start in range(len(value) - size + 1)]


def assert_no_secret(text: str, *values: str) -> None:
    for value in values:
        assert not any(piece in text for piece in fragments(value)), "a fragment of a secret is there"


def test_a_writer_pressing_the_button_gets_one_clean_pull_request_with_the_reference(
    bot: Bot, writable: FakeGitHub, repo: Repository
) -> None:
    head = push_secret(bot, repo, {"serverless.yml": serverless()})
    [run] = writable.world.runs_for(repo.full_name, head)
    assert run.conclusion == "failure"
    assert completion(writable, run.id)["actions"] == [FIX_ACTION]
    writer = person(writable, repo, "dev-writer", "write")

    assert press(bot, repo, head, writer) == 202

    [pull] = fix_pulls(repo)
    assert pull.state == "open" and pull.base_ref == "main" and pull.user == writable.bot_login
    commit = repo.commits[repo.branches[pull.head_ref]]
    assert commit.parent == head and pull.head_sha == commit.sha
    manifest = commit.files["serverless.yml"].decode()
    assert "STRIPE_SECRET_KEY: ${ssm:/billing/" in manifest
    assert manifest == serverless().replace(STRIPE, manifest.split("STRIPE_SECRET_KEY: ")[1].strip())
    everything = [
        *(data.decode() for data in commit.files.values()),
        commit.message,
        pull.title,
        pull.body or "",
    ]
    assert_no_secret("\n".join([*everything, pull.head_ref]), STRIPE)
    assert "Before merging" in (pull.body or "") and "aws ssm put-parameter" in (pull.body or "")
    assert_no_secret(writable.sent_text(), STRIPE)
    assert_no_secret(bot.log_text(), STRIPE)
    store = open_store(bot.settings.database_url)
    try:
        assert [f.fix_pull for f in store.open_findings(repo.full_name)] == [pull.number]
    finally:
        store.close()

    # The pull request's own scan comes out clean.
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    [own] = writable.world.runs_for(repo.full_name, pull.head_sha)
    assert own.conclusion == "success"


def test_pressing_again_updates_the_same_pull_request(
    bot: Bot, writable: FakeGitHub, repo: Repository
) -> None:
    head = push_secret(bot, repo, {"serverless.yml": serverless()})
    writer = person(writable, repo, "dev-writer", "maintain")
    press(bot, repo, head, writer)
    [first] = fix_pulls(repo)
    newer = push_secret(bot, repo, {"api/serverless.yml": serverless(GITHUB_PAT, service="api")})

    press(bot, repo, newer, writer)

    [pull] = fix_pulls(repo)
    assert pull.number == first.number and pull.state == "open"
    files = repo.commits[pull.head_sha].files
    assert repo.commits[pull.head_sha].parent == newer
    assert_no_secret("\n".join(data.decode() for data in files.values()), STRIPE, GITHUB_PAT)
    assert "2 hard-coded secrets" in (pull.body or "")
    assert len(writable.calls("pulls/create")) == 1 and len(writable.calls("pulls/update")) == 1

    commits = len(writable.calls("git/create-commit"))
    press(bot, repo, newer, writer)  # nothing new: nothing is written

    assert len(writable.calls("git/create-commit")) == commits
    assert len(writable.calls("pulls/update")) == 1 and len(fix_pulls(repo)) == 1


def test_a_reader_pressing_the_button_gets_nothing(bot: Bot, writable: FakeGitHub, repo: Repository) -> None:
    head = push_secret(bot, repo, {"serverless.yml": serverless()})
    reader = person(writable, repo, "dev-reader", "read")
    calls = len(writable.calls())

    press(bot, repo, head, reader)

    assert fix_pulls(repo) == [] and set(repo.branches) == {"main"}
    asked = [r.operation for r in writable.calls()[calls:]]
    assert asked == ["repos/get-collaborator-permission-level"]


def test_a_redelivered_button_press_is_acted_on_once(
    bot: Bot, writable: FakeGitHub, repo: Repository
) -> None:
    head = push_secret(bot, repo, {"serverless.yml": serverless()})
    writer = person(writable, repo, "dev-writer", "admin")
    press(bot, repo, head, writer, delivery="press-1")
    calls = len(writable.calls())

    assert press(bot, repo, head, writer, delivery="press-1") == 200

    assert len(writable.calls()) == calls and len(fix_pulls(repo)) == 1


def test_without_contents_write_the_check_run_offers_no_button(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    assert github.permissions["contents"] == "read"

    head = push_secret(bot, repo, {"serverless.yml": serverless()})

    [run] = github.world.runs_for(repo.full_name, head)
    assert run.conclusion == "failure" and "actions" not in completion(github, run.id)


def test_a_clean_default_branch_offers_no_button(bot: Bot, writable: FakeGitHub, repo: Repository) -> None:
    head = push_secret(bot, repo, {"serverless.yml": serverless(None)})

    [run] = writable.world.runs_for(repo.full_name, head)
    assert run.conclusion == "success" and "actions" not in completion(writable, run.id)
