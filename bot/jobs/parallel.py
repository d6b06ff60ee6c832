"""A job's independent GitHub reads in flight together, within a bound (pull request latency, issue 16).

Each call to GitHub is a round trip of tens of milliseconds, and a pull request's scan reads its config
files and every changed manifest: one after the other, the round trips alone took longer than the scan.
File reads go through the shared httpx client, which is safe to use from several threads; PyGithub's
client is not, so at most one PyGithub call of a job is in flight at a time (`alongside` runs one
beside file reads, never two). Results and exceptions are exactly those of the sequential calls: every
started read is waited for, then the first exception in the calls' order is raised (unless the job's
deadline stops the wait: see `_wait`).

The readers are shared by every job of the process and take reads first in, first out. `read_all` queues at
most `WINDOW` reads of a job at a time, the next as one ends, so a baseline's thousands of reads never stand
in front of a pull request's few: those wait behind at most one window of each other job. After a read
fails, no more are queued (the job fails anyway: the reads after it would only spend calls).
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

READS_IN_FLIGHT = 8  # per worker process: well under GitHub's limit on concurrent requests
WINDOW = READS_IN_FLIGHT  # a job's reads queued at once: enough to keep every reader busy for one job
_SLICE = 0.05  # seconds

_Task = tuple[Future[Any], Callable[[], Any]]
_tasks: queue.SimpleQueue[_Task] = queue.SimpleQueue()
_readers: list[threading.Thread] = []
_readers_lock = threading.Lock()


def read_all(read: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[read(item) for item in items]`, up to `WINDOW` queued at a time, none queued after a failure.
    `read` must not itself wait for this pool (no nesting), so that a full pool can never deadlock."""
    if len(items) <= 1:
        return [read(item) for item in items]
    futures: list[Future[R]] = []
    unfinished: set[Future[R]] = set()
    try:
        for item in items:
            room = _room_in_window(unfinished)
            if room is None:
                break
            unfinished = room
            future = _submit(read, item)
            futures.append(future)
            unfinished.add(future)
    except BaseException:
        _cancel(futures)
        raise
    _wait(futures)
    return [future.result() for future in futures]  # a failure among them raises before a short list returns


def _room_in_window(queued: set[Future[R]]) -> set[Future[R]] | None:
    """The still unfinished of `queued` once fewer than `WINDOW` are (waited for in slices, like `_wait`);
    None as soon as one has failed, so that no more are queued."""
    while True:
        done = {future for future in queued if future.done()}
        if any(future.exception() is not None for future in done):
            return None
        unfinished = queued - done
        if len(unfinished) < WINDOW:
            return unfinished
        wait(unfinished, timeout=_SLICE, return_when=FIRST_COMPLETED)


def read_both(first: Sequence[Callable[[], R]], second: Sequence[Callable[[], S]]) -> tuple[list[R], list[S]]:
    """Two lists of reads in flight together: `([call() for call in first], [call() for call in second])`
    (the first's exceptions before the second's)."""
    futures = [_submit(_run, call) for call in first]
    others = [_submit(_run, call) for call in second]
    _wait(futures)
    _wait(others)
    return [future.result() for future in futures], [future.result() for future in others]


def alongside(background: Callable[[], S], foreground: Callable[[], R]) -> tuple[S, R]:
    """Both results, `background` run in the pool while `foreground` runs here. Both have finished when
    this returns or raises (the foreground's exception first)."""
    future = _submit(lambda _: background(), None)
    try:
        here = foreground()
    finally:
        _wait([future])
    return future.result(), here


def _wait(futures: Sequence[Future[Any]]) -> None:
    """Wait in short slices: the job's deadline (`bot.jobs.deadline`) can only raise in this thread between
    two of them. An interrupted wait cancels the reads not yet started; those in flight end by themselves
    (the client's timeout bounds them)."""
    try:
        while wait(futures, timeout=_SLICE).not_done:
            pass
    except BaseException:
        _cancel(futures)
        raise


def _cancel(futures: Sequence[Future[Any]]) -> None:
    for future in futures:
        future.cancel()


def _run(call: Callable[[], R]) -> R:
    return call()


def _submit(call: Callable[[T], R], item: T) -> Future[R]:
    context = contextvars.copy_context()  # log fields of the job follow its reads
    future: Future[R] = Future()
    _tasks.put((future, lambda: context.run(call, item)))
    _start_readers()
    return future


def _start_readers() -> None:
    """`READS_IN_FLIGHT` daemon threads, started on first use. Not a `ThreadPoolExecutor`: its threads are
    joined at exit, so a read still waiting on GitHub would hold a stopping worker past SHUTDOWN_TIMEOUT,
    after its job was already re-queued."""
    with _readers_lock:
        while len(_readers) < READS_IN_FLIGHT:
            reader = threading.Thread(target=_read_forever, name="secrets-bot-read", daemon=True)
            reader.start()
            _readers.append(reader)


def _read_forever() -> None:
    while True:
        future, call = _tasks.get()
        if not future.set_running_or_notify_cancel():
            continue  # cancelled before it started
        try:
            result = call()
        except BaseException as error:  # handed to the waiting job, which raises it
            future.set_exception(error)
        else:
            future.set_result(result)
