"""Pytest fixtures for the fake GitHub. Load with `pytest_plugins = ["tests.fakegithub.plugin"]`.

Each fixture fails the test at teardown when the bot sent a request that GitHub's REST description does not
allow (unknown route, missing parameter, invalid body), even if the test itself passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub


def assert_no_violations(fake: FakeGitHub) -> None:
    assert not fake.violations, "requests GitHub's REST description does not allow:\n" + "\n".join(
        fake.violations
    )


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_fake_github() -> Iterator[Callable[..., FakeGitHub]]:
    """Starts fakes with options (base_path="/api/v3", clock=...); all are stopped and checked afterwards."""
    started: list[FakeGitHub] = []

    def make(**options: Any) -> FakeGitHub:
        fake = FakeGitHub(**options).start()
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.stop()
    for fake in started:
        assert_no_violations(fake)


@pytest.fixture
def fake_github(make_fake_github: Callable[..., FakeGitHub]) -> FakeGitHub:
    """A running fake on real time, with installation 1 covering every repository."""
    fake = make_fake_github()
    fake.add_installation(1)
    return fake
