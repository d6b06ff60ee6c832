"""Who is working on what, so that a job survives the death of the process running it.

huey removes a message from the queue when a worker takes it; if that process is then killed, the message is
gone. This module closes the gap without replacing the queue: each worker process keeps a heartbeat key alive,
records every job it runs ("in flight") under its name, and any worker that finds an in-flight job whose
owner's heartbeat has stopped puts the job back on the queue. Re-running a job is safe because every effect
on GitHub is idempotent (the check run is found by its external id, comments by their markers).

Locks use the same liveness: a lock held by a dead process is taken over instead of waiting for it to expire.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.jobs.state import JobState

HEARTBEAT_TTL = 30.0  # seconds without a heartbeat before a process counts as dead
HEARTBEAT_EVERY = 5.0
LOCK_TTL = 900.0  # a scan that holds a lock longer than this is considered stuck
RECOVERY_CLAIM_TTL = 60.0


class Busy(Exception):
    """Someone alive holds the lock; try again shortly."""


@dataclass(frozen=True, slots=True)
class Orphan:
    job_id: str
    job: dict[str, object]
    record: str  # the in-flight record as found, so that only that record is removed once re-queued


class Lessee:
    """This process, as other processes see it: a name and a heartbeat."""

    def __init__(self, state: JobState, *, name: str | None = None) -> None:
        self._state = state
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    def heartbeat(self) -> None:
        self._state.put(f"owner:{self.name}", "alive", ttl=HEARTBEAT_TTL)

    def retire(self) -> None:
        self._state.delete(f"owner:{self.name}")

    def is_alive(self, name: str) -> bool:
        if name == self.name:
            return True
        if _died_on_this_host(name):
            return False
        return self._state.get(f"owner:{name}") is not None


def _died_on_this_host(name: str) -> bool:
    """A same-host owner whose pid is gone, or is this very process under another name (a restarted
    container reuses its pid), is dead now, without waiting for its heartbeat to expire."""
    host, _, rest = name.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    if int(pid_text) == os.getpid():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Locks:
    def __init__(self, state: JobState, lessee: Lessee) -> None:
        self._state = state
        self._lessee = lessee

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        """Exclusive across every process sharing the queue; `Busy` when a live process holds it."""
        key = f"lock:{name}"
        token = f"{self._lessee.name}|{secrets.token_hex(4)}"
        if not self._acquire(key, token):
            raise Busy(name)
        try:
            yield
        finally:
            self._state.delete(key, only_if=token)

    def _acquire(self, key: str, token: str) -> bool:
        if self._state.claim(key, token, LOCK_TTL):
            return True
        holder = self._state.get(key)
        if holder is not None and self._lessee.is_alive(holder.partition("|")[0]):
            return False
        if holder is not None:
            self._state.delete(key, only_if=holder)
        return self._state.claim(key, token, LOCK_TTL)


class InFlight:
    """The record of jobs taken off the queue and not yet finished, by owner."""

    def __init__(self, state: JobState, lessee: Lessee) -> None:
        self._state = state
        self._lessee = lessee

    @contextmanager
    def tracking(self, job_id: str, job: dict[str, object]) -> Iterator[None]:
        key = f"inflight:{job_id}"
        record = json.dumps({"owner": self._lessee.name, "job": job})
        self._state.put(key, record)
        try:
            yield
        finally:
            # Only our own record: if the job was re-queued meanwhile, its new run's record must stay.
            self._state.delete(key, only_if=record)

    def mine(self) -> list[Orphan]:
        """This process's unfinished jobs (to re-queue when a shutdown runs out of time)."""
        found = []
        for key, raw in self._state.items("inflight:").items():
            record = json.loads(raw)
            if record["owner"] == self._lessee.name:
                found.append(Orphan(key.removeprefix("inflight:"), dict(record["job"]), raw))
        return found

    def orphans(self) -> list[Orphan]:
        """In-flight jobs of dead owners, each claimed by this process so that only one re-queues it."""
        found = []
        for key, raw in self._state.items("inflight:").items():
            record = json.loads(raw)
            job_id = key.removeprefix("inflight:")
            if self._lessee.is_alive(str(record["owner"])):
                continue
            # Per dead owner: when the re-queued job kills its next worker too, that orphan is recovered
            # at once instead of waiting for the first claim to lapse.
            claim = f"recovering:{job_id}@{record['owner']}"
            if self._state.claim(claim, self._lessee.name, RECOVERY_CLAIM_TTL):
                found.append(Orphan(job_id, dict(record["job"]), raw))
        return found

    def count(self, trigger: str, installation: int) -> int:
        """Jobs of this trigger and installation running now, in every process."""
        jobs = (json.loads(raw)["job"] for raw in self._state.items("inflight:").values())
        return sum(
            1 for job in jobs if (job.get("trigger"), job.get("installation_id")) == (trigger, installation)
        )

    def forget(self, orphan: Orphan) -> None:
        """Drop the dead owner's record; a new record (the job already running again) is left alone."""
        self._state.delete(f"inflight:{orphan.job_id}", only_if=orphan.record)
