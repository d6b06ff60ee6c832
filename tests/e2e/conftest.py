"""End-to-end fixtures: a fake GitHub with one repository, and the whole bot running against it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.jobs import scan_job
from bot.jobs.scanning import ScanReport
from bot.reports.rotation import Presence
from tests.e2e.harness import INSTALLATION, Bot
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.plugin import fake_clock, make_fake_github
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

__all__ = ["fake_clock", "make_fake_github"]

REPO = "acme/billing"


@pytest.fixture
def github(make_fake_github: Callable[..., FakeGitHub], fake_clock: FakeClock) -> FakeGitHub:
    fake = make_fake_github(clock=fake_clock)
    fake.add_installation(INSTALLATION)
    return fake


@pytest.fixture
def repo(github: FakeGitHub) -> Repository:
    repo = github.add_repo(REPO)
    repo.commit(
        "main", {"README.md": "# billing\n", "handler.py": "def main(event, context):\n    return 200\n"}
    )
    return repo


@pytest.fixture
def bot(github: FakeGitHub, repo: Repository, fake_clock: FakeClock, tmp_path: Path) -> Iterator[Bot]:
    bot = Bot(github, fake_clock, tmp_path)
    try:
        yield bot
    finally:
        bot.close()


@pytest.fixture
def history_finding(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every finding reported as held only by the scanned head's commit, and absent from the head."""
    scan = scan_job.scan_target

    def as_history(*args: object, **kwargs: object) -> ScanReport:
        report = scan(*args, **kwargs)  # type: ignore[arg-type]
        sha = args[0].head_sha  # type: ignore[attr-defined]
        holds = {finding.fingerprint: frozenset({sha}) for finding in report.findings}
        return dataclasses.replace(report, presence=Presence(frozenset(), (sha,), holds))

    monkeypatch.setattr(scan_job, "scan_target", as_history)
    yield
