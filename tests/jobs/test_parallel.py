"""Reads in parallel give the sequential answers: results in order, every read waited for, the first
failure in the calls' order raised, and a job's deadline still stops its wait."""

from __future__ import annotations

import threading
import time

import pytest

from bot.jobs.deadline import Deadlines, JobTimedOut
from bot.jobs.parallel import READS_IN_FLIGHT, WINDOW, alongside, read_all, read_both


def test_results_keep_the_order_of_the_items_and_reads_overlap() -> None:
    in_flight, most = 0, 0
    lock = threading.Lock()

    def read(item: int) -> int:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.05)
        with lock:
            in_flight -= 1
        return item * 10

    assert read_all(read, list(range(20))) == [item * 10 for item in range(20)]
    assert 1 < most <= READS_IN_FLIGHT


def test_the_first_failure_in_order_is_raised_after_every_read_finished() -> None:
    finished: list[int] = []

    def read(item: int) -> int:
        time.sleep(0.05 if item == 3 else 0.0)
        finished.append(item)
        if item in (1, 3):
            raise ValueError(f"item {item}")
        return item

    with pytest.raises(ValueError, match="item 1"):
        read_all(read, [0, 1, 2, 3])
    assert sorted(finished) == [0, 1, 2, 3]


def test_no_read_is_queued_after_a_failure() -> None:
    started: list[int] = []

    def read(item: int) -> int:
        started.append(item)
        if item == 0:
            raise ValueError("item 0")
        time.sleep(0.01)
        return item

    with pytest.raises(ValueError, match="item 0"):
        read_all(read, list(range(200)))
    assert len(started) <= 2 * WINDOW  # the first window, and reads queued before the failure was seen


def test_a_few_reads_are_not_queued_behind_another_jobs_thousands() -> None:
    """A baseline's reads and a pull request's share the process's readers: the pull request's wait behind
    at most one window of the baseline's, not all of them."""
    started_before_ours: list[int] = []
    baseline_started = 0
    lock = threading.Lock()
    going = threading.Event()

    def baseline_read(item: int) -> int:
        nonlocal baseline_started
        with lock:
            baseline_started += 1
        going.set()
        time.sleep(0.005)
        return item

    def our_read(item: int) -> int:
        with lock:
            started_before_ours.append(baseline_started)
        return item

    baseline = threading.Thread(target=read_all, args=(baseline_read, list(range(1_000))))
    baseline.start()
    assert going.wait(5.0)
    assert read_all(our_read, [1, 2]) == [1, 2]
    baseline.join()
    assert baseline_started == 1_000
    assert max(started_before_ours) < 100  # FIFO over every queued read: about 1,000


def test_read_both_answers_each_list_in_order() -> None:
    first, second = read_both([lambda: "a", lambda: "b"], [lambda: 1, lambda: 2, lambda: 3])
    assert (first, second) == (["a", "b"], [1, 2, 3])


def test_alongside_waits_for_the_background_call_even_when_the_foreground_fails() -> None:
    done = threading.Event()

    def background() -> str:
        time.sleep(0.05)
        done.set()
        return "listing"

    def foreground() -> str:
        raise RuntimeError("config")

    with pytest.raises(RuntimeError, match="config"):
        alongside(background, foreground)
    assert done.is_set()
    assert alongside(lambda: 1, lambda: 2) == (1, 2)


def test_a_job_past_its_deadline_stops_waiting_for_a_slow_read() -> None:
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(JobTimedOut), Deadlines().limit(0.2):
        read_all(lambda item: release.wait(5.0), [1, 2])
    release.set()
    assert time.monotonic() - started < 2.0
