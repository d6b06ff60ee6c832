"""The queue: huey, with SQLite storage by default and Redis for scale-out, behind one small class.

Every storage orders jobs by priority (SQLite and memory natively, Redis through huey's sorted-set storage),
so installation work (baseline scans, repository listings) waits behind pull request, push and command jobs
whichever storage is used.

The web process calls `JobQueue.submit()`; worker threads or processes run what it enqueued. A job is the
`ScanRequest` in its JSON form plus a job id (`<delivery id>/<index>`), never a token. Deduplication of
deliveries and the newest-head record are written to the queue's own storage before the job is enqueued,
so every process sharing the queue sees them.

Nothing is built at import time: `open_queue(settings)` makes the huey instance and registers the task.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from huey import Huey, MemoryHuey, PriorityRedisHuey
from huey.storage import RedisStorage, SqliteStorage

from bot.events.request import ScanRequest, Trigger
from bot.jobs.installations import Installations
from bot.jobs.leases import InFlight, Lessee, Locks
from bot.jobs.ledger import Ledger
from bot.jobs.serializer import JsonSerializer
from bot.jobs.state import JobState, state_for
from bot.settings import Settings

logger = logging.getLogger(__name__)

QUEUE_NAME = "secrets-bot"
TASK_NAME = "scan"
DELIVERY_TTL = 3 * 24 * 3600.0  # GitHub lets a delivery be redelivered for three days
DEAD_LETTER_TTL = 7 * 24 * 3600.0
DEAD_LETTER_COUNTER = "dead-letters"
WORKER_DEATHS = "worker_deaths"  # a job's field beside the ScanRequest's, counted by orphan recovery
RESCAN_WINDOW = 600.0  # a person's rescan waiting in the queue absorbs their further rescan comments
BASELINE_PRIORITY = -10  # below every other job (huey's default 0): installs never starve pull requests
INSTALL_WORK = frozenset({Trigger.BASELINE.value, Trigger.DISCOVER.value})  # queued at BASELINE_PRIORITY
FIFO_SUFFIX = ":fifo"  # an older version's Redis list queue, renamed while its jobs move to the sorted set
# One job from the older list's oldest end into huey's sorted set (score: minus its priority), only if it
# is still the one read: KEYS old list, sorted set; ARGV the job, its member, its score.
_MOVE_OLDEST = """
if redis.call('LINDEX', KEYS[1], -1) ~= ARGV[1] then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('RPOP', KEYS[1])
return 1
"""
READY_PROBE_TTL = 60.0  # /readyz's probe key removes itself
SQLITE_BUSY_TIMEOUT = 5.0  # seconds to wait for another process's write lock before calling the file locked

JobHandler = Callable[[dict[str, Any], str, int], object]  # (job, job id, retries left)


class QueueError(Exception):
    """The queue's storage cannot be opened or reached; the message names QUEUE_URL, never its password."""


class Submission(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    NOTHING_TO_DO = "nothing-to-do"
    COALESCED = "coalesced"  # every scan it asks for is already waiting in the queue


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 5
    delay: float = 2.0  # seconds before the first retry
    backoff: float = 2.0  # each later retry waits this many times longer


class JobQueue:
    def __init__(self, huey: Huey, *, policy: RetryPolicy | None = None) -> None:
        self.huey = huey
        self.state: JobState = state_for(huey)
        self.lessee = Lessee(self.state)
        self.ledger = Ledger(self.state, Locks(self.state, self.lessee))
        self.in_flight = InFlight(self.state, self.lessee)
        self.installations = Installations(self.state)
        self._handler: JobHandler | None = None
        chosen = policy or RetryPolicy()
        self._task = huey.task(
            name=TASK_NAME,
            retries=chosen.retries,
            retry_delay=chosen.delay,
            retry_backoff=chosen.backoff,
            context=True,
        )(self._run)

    def attach(self, handler: JobHandler) -> None:
        """Make this process a worker: jobs taken from the queue are handed to `handler`."""
        self._handler = handler

    def submit(
        self, delivery_id: str, requests: Sequence[ScanRequest], *, body_digest: str | None = None
    ) -> Submission:
        """Enqueue the scans for one delivery, once per delivery id however often it is delivered, and once
        per signed body (`body_digest`, its SHA-256) whatever delivery id a replay puts beside it: the
        delivery header is not covered by the signature, the body is."""
        if not requests:
            return Submission.NOTHING_TO_DO
        marker = f"delivery:{delivery_id}"
        if not self.state.claim(marker, "1", DELIVERY_TTL):
            return Submission.DUPLICATE
        claimed: list[str] = []
        if body_digest is not None and not self._claim(f"body:{body_digest}", DELIVERY_TTL, claimed):
            return Submission.DUPLICATE
        enqueued = 0
        baselines: list[ScanRequest] = []
        try:
            for index, request in enumerate(requests):
                if request.trigger is Trigger.REMOVED:
                    # Pending jobs find the mark at once; a worker deletes the repository's stored findings.
                    self.installations.forget(request.installation_id, request.repo)
                if not self._claim_rescan(request, claimed) or not self._claim_baseline(request, baselines):
                    continue
                self._record_head(request)
                self.enqueue(request.to_job(), f"{delivery_id}/{index}")
                enqueued += 1
        except Exception:
            for key in [marker, *claimed]:
                self.state.delete(key)
            for request in baselines:
                self.installations.release_baseline(request.installation_id, request.repo)
            raise
        return Submission.ACCEPTED if enqueued else Submission.COALESCED

    def _claim_baseline(self, request: ScanRequest, claimed: list[ScanRequest]) -> bool:
        """A repository gets one baseline scan per installation, however many deliveries name it."""
        if request.trigger is not Trigger.BASELINE:
            return True
        if not self.installations.claim_baseline(request.installation_id, request.repo):
            return False
        claimed.append(request)
        return True

    def rescan_started(self, request: ScanRequest) -> None:
        """The waiting rescan now runs (and reads the PR afresh): a later comment asks for another one."""
        if request.trigger.is_command:
            self.state.delete(_rescan_key(request))

    def _claim_rescan(self, request: ScanRequest, claimed: list[str]) -> bool:
        """A flood of `/secrets-bot rescan` comments is one scan: False while the same person's rescan of
        the same pull request waits in the queue (per person, so nobody's flood can swallow a writer's)."""
        if not request.trigger.is_command:
            return True
        return self._claim(_rescan_key(request), RESCAN_WINDOW, claimed)

    def _claim(self, key: str, ttl: float, claimed: list[str]) -> bool:
        """Claim `key` for `ttl` seconds, noting it in `claimed` so a failed submission can release it."""
        if not self.state.claim(key, "1", ttl):
            return False
        claimed.append(key)
        return True

    def enqueue(self, job: dict[str, Any], job_id: str) -> None:
        self.huey.enqueue(self._task.s(job, job_id=job_id, id=job_id, priority=self._priority(job)))

    def _priority(self, job: dict[str, Any]) -> int | None:
        """Installation work waits behind every other job (every storage used here orders by priority)."""
        if job.get("trigger") not in INSTALL_WORK or not self.huey.storage.priority:
            return None
        return BASELINE_PRIORITY

    def adopt_fifo_queue(self) -> int:
        """Move the jobs of a Redis queue left by an older version into this one; returns how many.

        huey's plain Redis storage kept a list under the key its priority storage keeps a sorted set under:
        the list is renamed (atomically) and drained oldest first, each job at its own priority. Each job is
        moved by one Lua script (added to the sorted set and taken off the list together), after it was read
        without taking it: a process that dies part-way loses no job and moves none twice, and two processes
        starting together move each job once. Stop every process of the older version first: one still
        pushing would recreate the list."""
        storage = self.huey.storage
        if not isinstance(storage, RedisStorage) or not storage.priority:
            return 0
        conn, key = storage.conn, storage.queue_key
        old = key + FIFO_SUFFIX
        if conn.type(key) == b"list":
            conn.rename(key, old)
        if not conn.exists(old):  # reads only: a Redis that refuses writes is reported by /readyz, not here
            return 0
        move = conn.register_script(_MOVE_OLDEST)
        moved, stamp = 0, 0
        while (
            data := conn.lindex(old, -1)
        ) is not None:  # huey pushed on the left: the oldest is on the right
            priority = self._priority(self.huey.deserialize_task(data).args[0])
            stamp = max(
                stamp + 1, int(time.time() * 1e6)
            )  # huey's member: an 8-byte time prefix, then the job
            member = struct.pack(">Q", stamp) + data
            moved += int(move(keys=[old, key], args=[data, member, -(priority or 0)]))
        if moved:
            logger.warning("moved %d jobs from the older FIFO Redis queue into the priority queue", moved)
        return moved

    def requeue_own(self) -> int:
        """Put back the jobs this process took and has not finished (a shutdown that ran out of time)."""
        unfinished = self.in_flight.mine()
        for orphan in unfinished:
            logger.warning("re-queueing job %s: shutting down before it finished", orphan.job_id)
            self.enqueue(orphan.job, orphan.job_id)
            self.in_flight.forget(orphan)
        return len(unfinished)

    def recover_orphans(self) -> int:
        """Put back the jobs that dead workers took off the queue, counting the deaths in the job (a job that
        kills its worker every time must not take every worker down in turn); returns how many."""
        orphans = self.in_flight.orphans()
        for orphan in orphans:
            logger.warning("re-queueing job %s: its worker stopped while running it", orphan.job_id)
            deaths = worker_deaths(orphan.job) + 1
            self.enqueue({**orphan.job, WORKER_DEATHS: deaths}, orphan.job_id)
            self.in_flight.forget(orphan)
        return len(orphans)

    def record_dead_letter(self, job_id: str, job: dict[str, Any]) -> None:
        """Keep a job that failed through every retry for inspection (a week), and count it."""
        self.huey.storage.incr(DEAD_LETTER_COUNTER)
        self.state.put(f"dead:{job_id}", json.dumps(job), ttl=DEAD_LETTER_TTL)

    def dead_letters(self) -> int:
        """How many jobs were dead-lettered since the queue was created."""
        return int(self.huey.storage.incr(DEAD_LETTER_COUNTER, 0))

    def baseline_progress(self) -> dict[int, tuple[int, int, int]]:
        """Installation id -> (repositories done, in total, open findings so far), for /metrics anywhere."""
        return {
            installation: (progress.done, progress.total, progress.findings)
            for installation, progress in self.installations.every_progress().items()
        }

    def probe_write(self) -> None:
        """Raise unless the storage takes a write (for /readyz): a read-only or locked SQLite file and a
        Redis that refuses writes all answer reads, so a ping would call them ready."""
        key = f"ready-probe:{self.lessee.name}"
        self.state.put(key, "1", ttl=READY_PROBE_TTL)
        if self.state.get(key) != "1":
            raise QueueError("the queue's storage did not keep a write")

    def depth(self) -> int:
        return int(self.huey.pending_count())

    def _record_head(self, request: ScanRequest) -> None:
        if request.trigger is Trigger.PULL_REQUEST and request.pr_number is not None and request.head_sha:
            self.ledger.record_head(request.repo, request.pr_number, request.head_sha)

    def _run(self, job: dict[str, Any], job_id: str, task: Any) -> object:
        if self._handler is None:
            raise RuntimeError("this process has no worker attached to the queue")
        return self._handler(job, job_id, int(task.retries))


def worker_deaths(job: dict[str, Any]) -> int:
    """How many worker processes died while running this job."""
    count = job.get(WORKER_DEATHS, 0)
    return count if isinstance(count, int) else 0


def _rescan_key(request: ScanRequest) -> str:
    """A `rotated` command is coalesced only with the same person's identical command: naming another
    fingerprint is another acknowledgement, never swallowed. A command on a commit is keyed by the commit."""
    where = f"#{request.pr_number}" if request.pr_number is not None else f"@{request.head_sha}"
    key = f"rescan:{request.repo}{where}:{request.commenter}"
    return key if request.trigger is Trigger.RESCAN else f"{key}:rotated:{request.arguments}"


def open_queue(settings: Settings) -> JobQueue:
    """The queue named by QUEUE_URL; `QueueError` when its storage cannot be opened."""
    policy = RetryPolicy(retries=settings.job_retries, delay=settings.job_retry_delay)
    queue = JobQueue(_huey_for(settings), policy=policy)
    queue.adopt_fifo_queue()
    return queue


def memory_queue(*, policy: RetryPolicy | None = None) -> JobQueue:
    """A queue in this process's memory (tests, one-off runs); not durable."""
    return JobQueue(MemoryHuey(QUEUE_NAME, results=False, serializer=JsonSerializer()), policy=policy)


def _huey_for(settings: Settings) -> Huey:
    if settings.uses_redis:
        return _redis_huey(settings)
    return _sqlite_huey(settings.sqlite_path)


class _QueueFile(SqliteStorage):  # type: ignore[misc]
    """WAL with `synchronous=NORMAL`: a commit is in the WAL before the 202 goes out, so it survives the
    process being killed; only an OS crash or power loss could undo the last commits. Full sync would cost an
    fsync per commit (about 7 ms here, three commits per delivery)."""

    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def _sqlite_huey(path: Path) -> Huey:
    """Open (or create) the queue file; a file that is corrupt, foreign or locked is refused, never reset."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        huey = Huey(
            QUEUE_NAME,
            storage_class=_QueueFile,
            filename=str(path),
            results=False,
            serializer=JsonSerializer(),
            timeout=SQLITE_BUSY_TIMEOUT,
        )
        _check_integrity(huey.storage)
        state_for(huey).ping()
    except (OSError, sqlite3.Error) as error:
        raise QueueError(f"QUEUE_URL: cannot open the SQLite queue file {path}: {_reason(error)}") from None
    return huey


def _check_integrity(storage: SqliteStorage) -> None:
    """`pragma quick_check` on start: huey would otherwise fail later, job by job, or lose them silently."""
    rows = storage.sql("pragma quick_check", results=True)
    if [tuple(row) for row in rows] != [("ok",)]:
        first = str(rows[0][0])[:200] if rows else "no answer"
        raise sqlite3.DatabaseError(f"database disk image is malformed ({first})")


def _redis_huey(settings: Settings) -> Huey:
    """A sorted set per queue (Redis 5 or newer): jobs leave by priority, then in arrival order."""
    huey = PriorityRedisHuey(QUEUE_NAME, url=settings.queue_url, results=False, serializer=JsonSerializer())
    try:
        huey.storage.conn.ping()
    except Exception as error:
        raise QueueError(
            f"QUEUE_URL: cannot reach Redis at {settings.queue_display} ({type(error).__name__})"
        ) from None
    return huey


def _reason(error: Exception) -> str:
    message = str(error)
    if isinstance(error, sqlite3.OperationalError) and "locked" in message:
        return (
            f"it is locked by another process ({message}). Stop the program holding it, or point QUEUE_URL "
            "at another file"
        )
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
        return (
            f"it is corrupt or not a queue file ({message}). It was left untouched: restore it from a "
            "backup, or move it aside to start with an empty queue (the jobs in it are then lost)"
        )
    return message if isinstance(error, sqlite3.Error) else type(error).__name__
