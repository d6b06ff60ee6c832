"""Failures GitHub and the network produce, and the waits they cost (recorded by the fake clock)."""

from __future__ import annotations

import pytest

from bot.github.errors import GitHubRequestError
from bot.github.gateway import GitHubAppClient
from bot.github.protocol import GitHubUnavailable, RateLimited
from bot.reports.model import CheckRunOutput, DraftComment
from tests.fakegithub.server import FakeGitHub
from tests.github.conftest import REPO, World

CHECK_RUNS = "/repos/{owner}/{repo}/check-runs"
PULL = "/repos/{owner}/{repo}/pulls/{pull_number}"
REVIEWS = "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"
MARKED = "Found it.\n\n<!-- secrets-bot:finding fingerprint=0123abcd -->"


def create_run(world: World, external_id: str = "delivery-1") -> int:
    return world.gateway.create_check_run(
        REPO, world.pull.head_sha, name="Serverless secrets", external_id=external_id
    )


@pytest.mark.parametrize("after_apply", [False, True], ids=["refused", "applied-then-502"])
def test_502_on_check_run_creation_makes_exactly_one_run(world: World, after_apply: bool) -> None:
    world.fake.fail("POST", CHECK_RUNS, 502, after_apply=after_apply)

    run_id = create_run(world)

    runs = world.fake.world.runs_for(REPO)
    assert [run.id for run in runs] == [run_id]
    assert runs[0].status == "in_progress"
    assert world.clock.sleeps == [1.0]


def test_a_retried_job_finds_its_unfinished_check_run_instead_of_creating_another(world: World) -> None:
    first = create_run(world)
    again = create_run(world)
    other = create_run(world, external_id="delivery-2")

    assert first == again != other
    assert len(world.fake.calls("checks/create")) == 2


def test_a_completed_run_is_never_reused(world: World) -> None:
    first = create_run(world)
    world.gateway.complete_check_run(REPO, first, conclusion="success", output=CheckRunOutput("t", "s"))

    second = create_run(world)

    assert second != first
    assert world.fake.world.check_runs[second].status == "in_progress"


def test_connection_reset_after_the_review_was_stored_posts_it_once(world: World) -> None:
    world.fake.reset_connection("POST", REVIEWS, after_apply=True)

    world.gateway.create_review(
        REPO,
        1,
        commit_sha=world.pull.head_sha,
        body="b",
        comments=[DraftComment("serverless.yml", 7, MARKED)],
    )

    assert len(world.fake.world.comments_on(REPO, 1)) == 1
    assert len(world.fake.calls("pulls/create-review")) == 1
    assert len(world.fake.calls("pulls/list-review-comments")) == 1


def test_a_refused_review_is_posted_again_after_the_lookup(world: World) -> None:
    world.fake.fail("POST", REVIEWS, 503)

    world.gateway.create_review(
        REPO,
        1,
        commit_sha=world.pull.head_sha,
        body="b",
        comments=[DraftComment("serverless.yml", 7, MARKED)],
    )

    assert len(world.fake.world.comments_on(REPO, 1)) == 1
    assert [r.status for r in world.fake.calls("pulls/create-review")] == [503, 200]


def test_a_comment_outside_the_diff_is_a_clear_error_and_not_retried(world: World) -> None:
    with pytest.raises(GitHubRequestError) as raised:
        world.gateway.create_review(
            REPO,
            1,
            commit_sha=world.pull.head_sha,
            body="b",
            comments=[DraftComment("serverless.yml", 1, MARKED)],
        )

    assert raised.value.status == 422
    assert "part of the diff" in str(raised.value)
    assert len(world.fake.calls("pulls/create-review")) == 1
    assert world.fake.world.comments_on(REPO, 1) == []


def test_429_with_retry_after_waits_as_asked(world: World) -> None:
    world.fake.secondary_rate_limit("GET", PULL, status=429, retry_after=7)

    assert world.gateway.pull_request(REPO, 1).number == 1
    assert world.clock.sleeps == [7.0]


def test_403_with_a_spent_primary_limit_waits_for_the_reset(world: World) -> None:
    world.gateway.pull_request(REPO, 1)
    world.fake.exhaust_rate_limit(reset_in=4)

    assert world.gateway.pull_request(REPO, 1).number == 1

    assert world.clock.sleeps == [5.0]  # until x-ratelimit-reset, plus one second of margin
    refused = world.fake.calls("pulls/get")[1]
    assert refused.status == 403


def test_secondary_limit_without_retry_after_waits_a_minute(world: World) -> None:
    world.fake.secondary_rate_limit("GET", PULL, status=403)

    world.gateway.pull_request(REPO, 1)

    assert world.clock.sleeps == [60.0]


def test_a_rate_limit_beyond_the_bound_is_unavailable_without_sleeping(world: World) -> None:
    world.gateway.pull_request(REPO, 1)
    world.fake.exhaust_rate_limit(reset_in=1800)

    with pytest.raises(RateLimited, match="wait") as raised:
        world.gateway.pull_request(REPO, 1)

    assert world.clock.sleeps == []
    assert 1800 <= raised.value.wait <= 1802  # the job is rescheduled for then (see tests/e2e)
    assert raised.value.until == pytest.approx(world.clock() + raised.value.wait)


def test_5xx_backs_off_exponentially_and_gives_up(world: World) -> None:
    world.fake.fail("GET", PULL, 502, times=None)

    with pytest.raises(GitHubUnavailable, match="gave up after 5 attempts"):
        world.gateway.pull_request(REPO, 1)

    assert world.clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert len(world.fake.calls("pulls/get")) == 5


def test_retry_after_on_a_503_is_honoured(world: World) -> None:
    world.fake.fail("GET", PULL, 503, retry_after=3)

    world.gateway.pull_request(REPO, 1)

    assert world.clock.sleeps == [3.0]


def test_truncated_json_and_resets_on_reads_are_retried(world: World) -> None:
    world.fake.truncate("GET", PULL)
    world.fake.reset_connection("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")

    assert world.gateway.pull_request(REPO, 1).number == 1
    assert [f.path for f in world.gateway.pull_request_files(REPO, 1)] == ["serverless.yml"]


def test_a_flaky_github_still_completes_a_scan(world: World) -> None:
    world.fake.fail(None, None, 502, times=None, probability=0.3)

    run_id = create_run(world)
    files = world.gateway.pull_request_files(REPO, 1)
    content = world.gateway.file_content(REPO, "serverless.yml", world.pull.head_sha, max_bytes=10_000)

    assert [f.path for f in files] == ["serverless.yml"]
    assert content is not None
    assert [run.id for run in world.fake.world.runs_for(REPO)] == [run_id]
    assert all(wait <= 8.0 for wait in world.clock.sleeps)


def test_max_retries_is_configurable(fake: FakeGitHub, world: World) -> None:
    client = GitHubAppClient(
        fake.app_id,
        fake.keys.private_pem,
        fake.url,
        sleep=world.clock.sleep,
        clock=world.clock,
        max_retries=1,
    )
    fake.fail("GET", PULL, 500, times=None)
    try:
        with pytest.raises(GitHubUnavailable):
            client.for_installation(1).pull_request(REPO, 1)
    finally:
        client.close()
    assert world.clock.sleeps == [1.0]


def test_errors_never_carry_the_token(world: World) -> None:
    world.fake.fail("GET", PULL, 502, times=None)
    with pytest.raises(GitHubUnavailable) as raised:
        world.gateway.pull_request(REPO, 1)

    token = world.fake.calls("pulls/get")[0].headers["authorization"].partition(" ")[2]
    chain = [raised.value, raised.value.__cause__]
    assert all(token not in str(error) and token not in repr(error) for error in chain)


def test_a_read_that_times_out_is_retried(fake: FakeGitHub, world: World) -> None:
    client = GitHubAppClient(
        fake.app_id, fake.keys.private_pem, fake.url, sleep=world.clock.sleep, clock=world.clock, timeout=0.2
    )
    fake.delay("GET", "/repos/{owner}/{repo}/contents/{path}", 0.6)
    try:
        content = client.for_installation(1).file_content(REPO, "serverless.yml", "main", max_bytes=1000)
    finally:
        client.close()

    assert content is not None
    assert world.clock.sleeps == [1.0]  # one timeout, one back-off, then the answer
