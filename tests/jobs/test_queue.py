"""The queue and the worker side of a job, on the real SQLite storage, executed synchronously."""

from __future__ import annotations

import datetime
import json
import sqlite3
import time
from pathlib import Path

import pytest

from bot.core.findings import Notice, NoticeKind
from bot.core.rules import RuleSet
from bot.github.protocol import GitHubUnavailable
from bot.jobs.leases import Busy
from bot.jobs.queue import JobQueue, QueueError, RetryPolicy, Submission, open_queue
from bot.jobs.runner import ScanRunner
from bot.settings import Settings
from tests.conftest import FakeGateways
from tests.jobs.scenarios import HEAD, INSTALLATION, NEWER, REPO, pull_request, serverless

RULES = RuleSet.default()


def sqlite_queue(tmp_path: Path, *, retries: int = 2) -> JobQueue:
    settings = Settings(queue_url=f"sqlite:///{tmp_path}/queue.db", job_retries=retries, job_retry_delay=0.0)
    return open_queue(settings)


def worker_queue(tmp_path: Path, gateways: FakeGateways, *, retries: int = 2) -> JobQueue:
    queue = sqlite_queue(tmp_path, retries=retries)
    queue.attach(ScanRunner(queue, gateways, RULES))
    return queue


def drain(queue: JobQueue) -> int:
    """Run every queued and scheduled job in this thread, as a worker would; returns how many ran."""
    ran = 0
    future = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(days=1)
    while True:
        for task in queue.huey.read_schedule(future):
            queue.huey.enqueue(task)
        task = queue.huey.dequeue()
        if task is None:
            return ran
        queue.huey.execute(task)
        ran += 1


def test_submitted_job_runs_and_reports(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = worker_queue(tmp_path, fake_gateways)
    assert queue.submit("delivery-1", [pull_request()]) is Submission.ACCEPTED
    assert queue.depth() == 1
    assert drain(queue) == 1
    assert github.only_run(HEAD).conclusion == "failure"
    assert fake_gateways.installations == [INSTALLATION]
    assert queue.state.items("inflight:") == {}


def test_queue_payload_is_json_with_ids_and_scalars_only(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.submit("delivery-1", [pull_request()])
    with sqlite3.connect(tmp_path / "queue.db") as db:
        [(raw,)] = db.execute("select data from task").fetchall()
    message = json.loads(raw)["__huey_message__"]
    job = message[6][0]
    assert job == pull_request().to_job()
    assert all(value is None or isinstance(value, str | int) for value in job.values())
    assert message[7] == {"job_id": "delivery-1/0"}


def test_jobs_refuse_anything_but_json_scalars(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    with pytest.raises(TypeError, match="JSON scalars"):
        queue.enqueue({"gateway": object()}, "x/0")


def test_jobs_refuse_records_that_are_named_tuples(tmp_path: Path) -> None:
    """A scanner record is a named tuple: JSON would take it for a list, so it is refused by name."""
    notice = Notice("serverless.yml", NoticeKind.PARSE_ERROR, "broken")
    queue = sqlite_queue(tmp_path)
    with pytest.raises(TypeError, match="JSON scalars only, not Notice"):
        queue.enqueue({"notices": [notice]}, "x/1")


def test_duplicate_delivery_is_refused_by_the_storage(tmp_path: Path) -> None:
    first = sqlite_queue(tmp_path)
    second = sqlite_queue(tmp_path)  # another process on the same file
    assert first.submit("same", [pull_request()]) is Submission.ACCEPTED
    assert second.submit("same", [pull_request()]) is Submission.DUPLICATE
    assert first.depth() == 1


def test_failed_enqueue_forgets_the_delivery_so_a_redelivery_works(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    original = queue.enqueue

    def broken(job: dict[str, object], job_id: str) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    queue.enqueue = broken  # type: ignore[method-assign]
    with pytest.raises(sqlite3.OperationalError):
        queue.submit("flaky", [pull_request()])
    queue.enqueue = original  # type: ignore[method-assign]
    assert queue.submit("flaky", [pull_request()]) is Submission.ACCEPTED


def test_retryable_failure_is_retried_then_reported(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    github.fail_next("pull_request_files", GitHubUnavailable("502"), GitHubUnavailable("502"))
    queue = worker_queue(tmp_path, fake_gateways, retries=2)
    queue.submit("d", [pull_request()])
    assert drain(queue) == 3
    assert github.only_run(HEAD).conclusion == "failure"
    assert github.only_run(HEAD).output.title != "Scan could not finish"  # type: ignore[union-attr]
    assert queue.dead_letters() == 0


def test_job_past_its_retries_is_dead_lettered_and_its_check_failed(
    tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    github.fail_next("pull_request_files", *[GitHubUnavailable("502")] * 3)
    queue = worker_queue(tmp_path, fake_gateways, retries=2)
    queue.submit("d", [pull_request()])
    assert drain(queue) == 3
    run = github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output is not None and run.output.title == "Scan could not finish"
    assert queue.dead_letters() == 1
    assert list(queue.state.items("dead:")) == ["dead:d/0"]


def test_same_pull_request_waits_for_the_running_scan_without_using_a_retry(
    tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    fake_gateways.github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = worker_queue(tmp_path, fake_gateways, retries=0)
    queue.submit("d", [pull_request()])
    with queue.ledger.hold(f"{REPO}#7"):
        task = queue.huey.dequeue()
        queue.huey.execute(task)
        assert queue.huey.scheduled_count() == 1
        assert fake_gateways.github.check_runs == {}
    drain(queue)
    assert fake_gateways.github.only_run(HEAD).conclusion == "failure"


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.state.claim(f"lock:{REPO}#7", "other-host:123:dead|token", 900)
    with queue.ledger.hold(f"{REPO}#7"):
        assert queue.state.get(f"lock:{REPO}#7") != "other-host:123:dead|token"


def test_lock_of_a_live_process_is_busy(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.state.put("owner:other-host:123:alive", "alive", ttl=30)
    queue.state.claim(f"lock:{REPO}#7", "other-host:123:alive|token", 900)
    with pytest.raises(Busy), queue.ledger.hold(f"{REPO}#7"):
        pass


def test_newer_head_recorded_at_enqueue_supersedes_the_older_job(
    tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = worker_queue(tmp_path, fake_gateways)
    queue.submit("first", [pull_request(HEAD)])
    queue.submit("second", [pull_request(NEWER)])
    github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless(None)})
    drain(queue)
    assert github.runs_for(HEAD) == []
    assert github.only_run(NEWER).conclusion == "success"
    assert github.reviews == []


def test_orphaned_job_of_a_dead_worker_is_requeued_once(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    fake_gateways.github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = worker_queue(tmp_path, fake_gateways)
    record = {"owner": "elsewhere:1:gone", "job": pull_request().to_job()}
    queue.state.put("inflight:d/0", json.dumps(record))
    other = sqlite_queue(tmp_path)
    assert queue.recover_orphans() == 1
    assert other.recover_orphans() == 0
    assert drain(queue) == 1
    assert fake_gateways.github.only_run(HEAD).conclusion == "failure"


def test_job_of_a_live_worker_is_left_alone(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.state.put("owner:elsewhere:1:alive", "alive", ttl=30)
    queue.state.put(
        "inflight:d/0", json.dumps({"owner": "elsewhere:1:alive", "job": pull_request().to_job()})
    )
    assert queue.recover_orphans() == 0


def test_malformed_job_is_dropped_without_retry(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    queue = worker_queue(tmp_path, fake_gateways, retries=3)
    queue.enqueue({"repo": 1}, "bad/0")
    assert drain(queue) == 1
    assert fake_gateways.github.calls == []


def test_unreadable_queue_file_is_a_clear_startup_error(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(QueueError, match=r"QUEUE_URL: cannot open the SQLite queue file .*queue\.db"):
        open_queue(Settings(queue_url=f"sqlite:///{path}"))


def test_unreachable_redis_is_a_clear_startup_error() -> None:
    settings = Settings(queue_url="redis://:hunter2-password@127.0.0.1:1/0")
    with pytest.raises(QueueError, match="cannot reach Redis") as error:
        open_queue(settings)
    assert "hunter2" not in str(error.value)


def test_retry_policy_comes_from_settings(tmp_path: Path) -> None:
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/q.db", job_retries=7, job_retry_delay=1.5))
    task = queue._task.s({}, job_id="x")
    assert (task.retries, task.retry_delay, task.retry_backoff) == (7, 1.5, RetryPolicy().backoff)


def test_state_keys_expire(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    assert queue.state.claim("k", "v", ttl=0.001)
    time.sleep(0.01)
    assert queue.state.get("k") is None
    assert queue.state.claim("k", "w", ttl=60)
    queue.state.prune()
    assert queue.state.get("k") == "w"
