"""`/secrets-bot rescan` floods: coalesced per pull request and person, and the bot never answers itself."""

from __future__ import annotations

import dataclasses

from bot.events.request import ScanRequest, Trigger
from bot.jobs.queue import Submission, memory_queue
from bot.jobs.worker import start_workers
from tests.e2e.harness import Bot
from tests.e2e.scenarios import comment_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository
from tests.jobs import scenarios

BURST = 20


def rescan(commenter: str, delivery: str) -> ScanRequest:
    return dataclasses.replace(scenarios.rescan(commenter), delivery_id=delivery)


def test_a_burst_of_rescans_by_one_person_queues_one_job_until_it_starts() -> None:
    queue = memory_queue()
    answers = [queue.submit(f"d-{n}", [rescan("alice", f"d-{n}")]) for n in range(BURST)]
    assert answers == [Submission.ACCEPTED] + [Submission.COALESCED] * (BURST - 1)
    assert queue.depth() == 1
    queue.rescan_started(rescan("alice", "d-0"))
    assert queue.submit("d-late", [rescan("alice", "d-late")]) is Submission.ACCEPTED


def test_one_persons_flood_cannot_swallow_another_persons_rescan() -> None:
    queue = memory_queue()
    for n in range(BURST):
        queue.submit(f"m-{n}", [rescan("mallory", f"m-{n}")])
    assert queue.submit("a-1", [rescan("alice", "a-1")]) is Submission.ACCEPTED
    assert queue.depth() == 2


def rotated(commenter: str, delivery: str, words: str = "v2-0123abcd") -> ScanRequest:
    return dataclasses.replace(rescan(commenter, delivery), trigger=Trigger.ROTATED, arguments=words)


def test_a_burst_of_the_same_rotated_command_queues_one_job_and_another_fingerprint_is_not_swallowed() -> (
    None
):
    queue = memory_queue()
    answers = [queue.submit(f"r-{n}", [rotated("alice", f"r-{n}")]) for n in range(BURST)]
    assert answers == [Submission.ACCEPTED] + [Submission.COALESCED] * (BURST - 1)
    assert queue.submit("r-other", [rotated("alice", "r-other", "v2-89abcdef")]) is Submission.ACCEPTED
    assert queue.submit("r-rescan", [rescan("alice", "r-rescan")]) is Submission.ACCEPTED
    assert queue.depth() == 3
    queue.rescan_started(rotated("alice", "r-0"))
    assert queue.submit("r-late", [rotated("alice", "r-late")]) is Submission.ACCEPTED


def on_commit(commenter: str, delivery: str, sha: str) -> ScanRequest:
    return dataclasses.replace(rotated(commenter, delivery), pr_number=None, head_sha=sha)


def test_a_burst_of_the_same_rotated_command_on_a_commit_queues_one_job_per_commit() -> None:
    queue = memory_queue()
    answers = [queue.submit(f"c-{n}", [on_commit("alice", f"c-{n}", "a" * 40)]) for n in range(BURST)]
    assert answers == [Submission.ACCEPTED] + [Submission.COALESCED] * (BURST - 1)
    assert queue.submit("c-other", [on_commit("alice", "c-other", "b" * 40)]) is Submission.ACCEPTED
    assert queue.submit("c-mallory", [on_commit("mallory", "c-mallory", "a" * 40)]) is Submission.ACCEPTED
    assert queue.depth() == 3
    queue.rescan_started(on_commit("alice", "c-0", "a" * 40))
    assert queue.submit("c-late", [on_commit("alice", "c-late", "a" * 40)]) is Submission.ACCEPTED


def open_pull(repo: Repository) -> Pull:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    return repo.open_pull("feature/billing")


def flood(bot: Bot, github: FakeGitHub, repo: Repository, pull: Pull, user: str) -> list[int]:
    """BURST rescan comments delivered while no worker runs (they arrive faster than scans finish)."""
    bot.workers.stop()
    statuses = []
    for _ in range(BURST):
        comment = github.world.add_issue_comment(
            repo.full_name, pull.number, "/secrets-bot rescan", user=user
        )
        statuses.append(
            bot.deliver("issue_comment", comment_event(repo, pull, comment.id, commenter=user)).status_code
        )
    bot.workers = start_workers(bot.settings, bot.queue, 2, gateways=bot.client)
    bot.settle()
    return statuses


def test_twenty_rescan_comments_make_one_scan_and_one_check_run(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    pull = open_pull(repo)
    github.world.add_user("alice")
    repo.permissions["alice"] = "write"

    statuses = flood(bot, github, repo, pull, "alice")

    assert statuses == [202] + [200] * (BURST - 1)
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert len(github.calls("checks/create")) == 1
    assert len(github.world.reactions) == 1
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1


def test_a_readers_flood_gets_one_refusal_not_twenty(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = open_pull(repo)
    github.world.add_user("mallory")
    repo.permissions["mallory"] = "read"

    flood(bot, github, repo, pull, "mallory")

    replies = [c for c in github.world.issue_comments.values() if c.user == github.bot_login]
    assert len(replies) == 1
    assert github.world.runs_for(repo.full_name, pull.head_sha) == []


def test_the_bot_never_answers_its_own_comments(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = open_pull(repo)
    own = github.world.add_issue_comment(
        repo.full_name,
        pull.number,
        "@mallory only people with write access ... /secrets-bot rescan",
        user=github.bot_login,
    )

    answer = bot.deliver(
        "issue_comment",
        comment_event(repo, pull, own.id, commenter=github.bot_login, body=own.body, bot=True),
    )
    bot.settle()

    assert answer.status_code == 200
    assert github.calls() == []
