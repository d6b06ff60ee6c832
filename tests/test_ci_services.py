"""A test whose service is missing skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import pytest

from tests.conftest import require_service
from tests.redisdb import flushed_redis


@pytest.mark.parametrize("ci", [None, "", "false", "1"])
def test_outside_ci_a_missing_service_skips_with_the_reason(
    ci: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="no Redis server answers"):
        require_service("Redis", "no Redis server answers on 127.0.0.1:6379")


def test_under_ci_a_missing_service_fails_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium is required when CI=true: no Chromium at"):
        require_service("Chromium", "no Chromium at /usr/bin/chromium")


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_the_redis_fixture_uses_it(
    ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"127\.0\.0\.1:6379 \(this test needs one\)"):
        next(flushed_redis("redis://127.0.0.1:1/0", needed_by="this test"))
