"""Forked worker processes for the command line's scans, failing closed when one of them dies.

`multiprocessing.Pool` waits for ever for the answer of a worker that the kernel killed (out of memory) or
that `kill -9` stopped: the scan hung. `concurrent.futures.ProcessPoolExecutor` watches its processes and
fails every pending answer when one dies; that becomes `WorkerLost`, which ends the scan with an error and
no report, so that files a dead worker did not finish are never reported clean. The workers are forked, so
that the rule set and configuration reach them without being pickled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a pool starts: a scan of a few files never needs it (issue 16)
    from concurrent.futures import ProcessPoolExecutor

LOST = (
    "a scanning worker process stopped before it answered (killed, or out of memory?): the scan is "
    "incomplete, so no report was written; run it again, or with --jobs 1 to scan in one process"
)


class WorkerLost(Exception):
    """A worker process died before answering: some files were not scanned."""


@contextlib.contextmanager
def forked_workers(
    count: int, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> Iterator[ProcessPoolExecutor]:
    """`count` forked processes, each set up by `initializer(*initargs)`. Leaving the block early (an
    error, an interrupt) cancels the work not yet started instead of waiting for it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=initializer, initargs=initargs)
    try:
        yield pool
    except BrokenProcessPool:
        raise WorkerLost(LOST) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
