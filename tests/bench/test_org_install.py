"""bench/org_install.py with tiny numbers: the whole run works end to end (real serve and worker processes,
Redis), every repository is baselined once with its findings counted, and the rate-limit floor holds even
when the limit is small enough to be reached."""

from __future__ import annotations

import argparse

import pytest

from bench.org_install import FINDINGS_PER_SECRET, measure
from tests.jobs.test_redis import redis_url

__all__ = ["redis_url"]  # the fixture: Redis database 15, flushed; skipped without a server
pytestmark = pytest.mark.redis


def test_a_small_organisation_is_baselined_within_the_floor(redis_url: str) -> None:
    options = argparse.Namespace(
        repos=20, latency=0.0, limit=150, window=4.0, workers=1, threads=2, prs=1, gap=0.0,
        timeout=120.0, redis=redis_url,
    )  # fmt: skip

    figures = measure(options)

    assert figures["metrics_done"] == figures["metrics_total"] == 20
    assert figures["secrets"] == 2
    assert figures["metrics_findings"] == 2 * FINDINGS_PER_SECRET
    assert figures["per_operation"]["git/get-tree"] == 1.0  # one baseline scan per repository
    assert figures["per_operation"]["checks/create"] == 1.0  # (a paused job may repeat its first call)
    assert (
        figures["windows"] > 1
    )  # 20 repositories need more than one window of 150 calls: the floor mattered
    # Held, give or take a pull request scan running alongside (it may take from the reserve: ~8 calls)
    assert figures["lowest_remaining_baseline"] >= figures["floor_calls"] - 8
    assert figures["rate_limited_answers"] == 0
    assert figures["progress_lines"] == 20
