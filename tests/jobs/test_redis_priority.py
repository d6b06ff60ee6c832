"""On Redis too, installation work (baseline scans, repository listings) waits behind every other job: the
queue is huey's sorted-set storage. Real Redis on 127.0.0.1:6379 (database 15, flushed), skipped without.
"""

from __future__ import annotations

import pytest
from huey import RedisHuey

from bot.events.request import ScanRequest, Trigger
from bot.jobs.queue import BASELINE_PRIORITY, QUEUE_NAME, JobQueue, Submission
from bot.jobs.serializer import JsonSerializer
from tests.jobs.scenarios import INSTALLATION, pull_request, push
from tests.jobs.test_redis import redis_queue, redis_url

__all__ = ["redis_url"]  # the fixture
pytestmark = pytest.mark.redis


def install(repo: str, trigger: Trigger = Trigger.BASELINE) -> ScanRequest:
    return ScanRequest(INSTALLATION, repo, trigger, head_sha=None, default_branch="")


def order(queue: JobQueue) -> list[str]:
    taken = []
    while (task := queue.huey.dequeue()) is not None:
        taken.append(f"{task.args[0]['trigger']} {task.args[0]['repo']}")
    return taken


def test_pull_requests_and_pushes_overtake_queued_installation_work(redis_url: str) -> None:
    queue = redis_queue(redis_url)
    queue.submit("install", [install("acme", Trigger.DISCOVER), install("acme/a"), install("acme/b")])
    queue.submit("pr", [pull_request()])
    queue.submit("push", [push()])

    assert queue.depth() == 5
    assert order(queue) == [
        "pull_request acme/payments-api",
        "push acme/payments-api",
        "discover acme",
        "baseline acme/a",
        "baseline acme/b",
    ]


def test_a_retried_baseline_keeps_its_low_priority(redis_url: str) -> None:
    queue = redis_queue(redis_url)
    queue.submit("install", [install("acme/a")])
    task = queue.huey.dequeue()
    assert task is not None and task.priority == BASELINE_PRIORITY
    queue.submit("pr", [pull_request()])

    queue.huey.enqueue(task)  # what huey does with a retried or rescheduled task

    assert order(queue) == ["pull_request acme/payments-api", "baseline acme/a"]


def test_deduplication_still_holds_on_the_priority_storage(redis_url: str) -> None:
    queue = redis_queue(redis_url)
    assert queue.submit("d-1", [install("acme/a")]) is Submission.ACCEPTED
    assert redis_queue(redis_url).submit("d-1", [install("acme/a")]) is Submission.DUPLICATE
    assert queue.submit("d-2", [install("acme/a")]) is Submission.COALESCED
    assert queue.depth() == 1


def test_jobs_left_in_an_older_fifo_queue_are_moved_over_in_order(redis_url: str) -> None:
    older = JobQueue(RedisHuey(QUEUE_NAME, url=redis_url, results=False, serializer=JsonSerializer()))
    older.submit("install", [install("acme/a"), install("acme/b")])
    older.submit("pr", [pull_request()])
    assert older.huey.storage.conn.type(older.huey.storage.queue_key) == b"list"

    queue = redis_queue(redis_url)  # opening it moves the jobs

    assert queue.depth() == 3
    assert order(queue) == ["pull_request acme/payments-api", "baseline acme/a", "baseline acme/b"]
    assert queue.adopt_fifo_queue() == 0  # nothing left to move


def test_a_process_that_dies_while_moving_the_older_queue_loses_no_job(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = JobQueue(RedisHuey(QUEUE_NAME, url=redis_url, results=False, serializer=JsonSerializer()))
    older.submit("install", [install("acme/a"), install("acme/b")])
    older.submit("pr", [pull_request()])
    priority_of = JobQueue._priority
    seen: list[str] = []

    def dies_on_the_second(queue: JobQueue, job: dict[str, object]) -> int | None:
        seen.append(str(job["repo"]))
        if len(seen) == 2:
            raise SystemExit("the process died here")
        return priority_of(queue, job)

    monkeypatch.setattr(JobQueue, "_priority", dies_on_the_second)
    with pytest.raises(SystemExit):
        redis_queue(redis_url)
    monkeypatch.setattr(JobQueue, "_priority", priority_of)

    queue = redis_queue(redis_url)  # the restart moves what is left

    assert order(queue) == ["pull_request acme/payments-api", "baseline acme/a", "baseline acme/b"]
