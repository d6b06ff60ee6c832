"""A time budget per job, enforced from outside the job: no scan runs forever, whatever its input.

A worker thread cannot be killed, but CPython can raise an exception in it at its next bytecode
(`PyThreadState_SetAsyncExc`). One watchdog thread per process keeps the deadline of every running job and,
when one passes, raises `JobTimedOut` in that job's thread. The scan's own failure path (`run_scan` fails the
check run on any exception) then reports it, so the check run is never left in progress. Python code is
interrupted within milliseconds.

One C call that holds the interpreter lock (a backtracking `re` match) cannot be interrupted, and stops the
watchdog too. In a worker process of its own (`hard_stop=True`) a second watchdog, faulthandler's C thread,
which needs no lock, ends the whole process once a job is past its budget plus a grace; the job's in-flight
record then brings it back, and a job whose worker died too often is failed, not run again
(`bot.jobs.runner`). Never enable it in a process that serves anything else.
"""

from __future__ import annotations

import ctypes
import faulthandler
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class JobTimedOut(Exception):
    """Raised inside a job's thread when it runs past its budget."""


HARD_GRACE_MAX = 60.0  # seconds past the budget before the process is ended (the failure path needs GitHub)


class Deadlines:
    """The watchdog of this process's jobs; `limit()` puts the calling thread's work under a deadline."""

    def __init__(self, *, hard_stop: bool = False) -> None:
        self._due: dict[int, float] = {}  # thread id -> monotonic deadline
        self._hard_due: dict[int, float] | None = {} if hard_stop else None  # thread id -> process end
        self._raised: set[int] = set()
        self._changed = threading.Condition()
        self._watchdog: threading.Thread | None = None

    @contextmanager
    def limit(self, seconds: float) -> Iterator[None]:
        ident = threading.get_ident()
        with self._changed:
            self._due[ident] = time.monotonic() + seconds
            if self._hard_due is not None:
                self._hard_due[ident] = self._due[ident] + min(seconds, HARD_GRACE_MAX)
                _arm_process_end(self._hard_due)
            self._start_watchdog()
            self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._due.pop(ident, None)
                if self._hard_due is not None:
                    self._hard_due.pop(ident, None)
                    _arm_process_end(self._hard_due)
                if ident in self._raised:
                    self._raised.discard(ident)
                    _raise_in(ident, None)  # withdraw it if the job ended before it was delivered

    def _start_watchdog(self) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Thread(target=self._watch, name="secrets-bot-deadlines", daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for ident in [ident for ident, due in self._due.items() if due <= now]:
                    del self._due[ident]
                    self._raised.add(ident)
                    _raise_in(ident, JobTimedOut)
                nearest = min(self._due.values(), default=None)
                self._changed.wait(None if nearest is None else max(0.0, nearest - now))


def _raise_in(ident: int, exception: type[BaseException] | None) -> None:
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), target)


def _arm_process_end(hard_due: dict[int, float]) -> None:
    """End the process (exit code 1, the threads' stacks on stderr) at the earliest hard deadline."""
    if not hard_due:
        faulthandler.cancel_dump_traceback_later()
        return
    faulthandler.dump_traceback_later(max(0.001, min(hard_due.values()) - time.monotonic()), exit=True)
