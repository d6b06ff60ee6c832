"""The same queue on the real Redis server (127.0.0.1:6379, database 15, flushed); skipped without one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.core.rules import RuleSet
from bot.jobs.queue import JobQueue, Submission, open_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.state import RedisState
from bot.jobs.worker import Workers
from bot.settings import Settings
from tests.conftest import FakeGateways, wait_until
from tests.jobs.scenarios import HEAD, NEWER, REPO, pull_request, serverless
from tests.redisdb import flushed_redis

pytestmark = pytest.mark.redis
URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from flushed_redis(URL, needed_by="the Redis queue tests")


def redis_queue(url: str) -> JobQueue:
    return open_queue(Settings(queue_url=url, job_retries=1, job_retry_delay=0.0))


def test_state_operations_on_redis(redis_url: str) -> None:
    queue = redis_queue(redis_url)
    state = queue.state
    assert isinstance(state, RedisState)
    assert state.claim("k", "one", ttl=60)
    assert not state.claim("k", "two", ttl=60)
    state.delete("k", only_if="two")
    assert state.get("k") == "one"
    state.delete("k", only_if="one")
    assert state.get("k") is None
    state.put("inflight:a*b/0", "x")
    state.put("inflight-other", "y")
    assert state.items("inflight:") == {"inflight:a*b/0": "x"}


def test_deliveries_are_deduplicated_across_processes(redis_url: str) -> None:
    web_one, web_two = redis_queue(redis_url), redis_queue(redis_url)
    assert web_one.submit("same", [pull_request()]) is Submission.ACCEPTED
    assert web_two.submit("same", [pull_request()]) is Submission.DUPLICATE
    assert web_two.depth() == 1
    assert web_two.ledger.newest_head(REPO, 7) == HEAD


def test_workers_on_redis_report_the_newest_head_once(redis_url: str, fake_gateways: FakeGateways) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    web = redis_queue(redis_url)
    web.submit("one", [pull_request(HEAD)])
    web.submit("two", [pull_request(NEWER)])
    github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless()})
    worker = redis_queue(redis_url)
    worker.attach(ScanRunner(worker, fake_gateways, RuleSet.default()))
    workers = Workers(worker, 2)
    workers.start()
    try:
        wait_until(lambda: bool(github.runs_for(NEWER)) and github.runs_for(NEWER)[0].status == "completed")
        wait_until(lambda: worker.depth() == 0 and not worker.state.items("inflight:"))
    finally:
        workers.stop()
    assert github.runs_for(HEAD) == []
    assert github.only_run(NEWER).conclusion == "failure"
    assert len(github.reviews) == 1


def test_orphan_on_redis_is_requeued(redis_url: str) -> None:
    queue = redis_queue(redis_url)
    queue.state.put("inflight:x/0", json.dumps({"owner": "gone-host:1:x", "job": pull_request().to_job()}))
    assert queue.recover_orphans() == 1
    assert queue.depth() == 1
