"""The web edge, end to end: signatures, sizes and redeliveries, over real HTTP."""

from __future__ import annotations

import json

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def test_the_same_delivery_twice_is_scanned_once(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    event = pull_request_event(repo, pull)

    first = bot.deliver("pull_request", event, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    bot.settle()
    second = bot.deliver("pull_request", event, delivery="72d3162e-cc78-11e3-81ab-4c9367dc0958")
    bot.settle()

    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json() == {"status": "duplicate"}
    assert len(github.world.runs_for(repo.full_name)) == 1
    assert len(github.calls("pulls/create-review")) == 1


def test_a_bad_signature_is_refused_before_anything_happens(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")

    answer = bot.deliver("pull_request", pull_request_event(repo, pull), secret="not-the-secret")
    bot.settle()

    assert answer.status_code == 401
    assert github.calls() == []
    assert bot.queue.depth() == 0


def test_an_oversized_body_is_refused(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    padding = "x" * (25 * 1024 * 1024)
    body = json.dumps({"zen": padding}).encode()

    answer = bot.deliver("ping", body)

    assert answer.status_code == 413
    assert github.calls() == []


def test_ping_is_answered(bot: Bot, github: FakeGitHub) -> None:
    answer = bot.deliver("ping", {"zen": "Keep it logically awesome.", "hook_id": 123456})

    assert answer.status_code == 200
    assert github.calls() == []
