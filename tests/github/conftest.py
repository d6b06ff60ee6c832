"""Gateway tests run against the loopback fake GitHub on a fake clock: waits are recorded, not slept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from bot.github.gateway import GitHubAppClient, InstallationGateway
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.plugin import fake_clock, make_fake_github
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository

__all__ = ["fake_clock", "make_fake_github"]

REPO = "octo/svc"
BASE_MANIFEST = "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n"
HEAD_MANIFEST = BASE_MANIFEST + "  environment:\n    STAGE: dev\n    API_TOKEN: placeholder\n"


@dataclass
class World:
    fake: FakeGitHub
    clock: FakeClock
    client: GitHubAppClient
    gateway: InstallationGateway
    repo: Repository
    pull: Pull


@pytest.fixture
def fake(make_fake_github: Callable[..., FakeGitHub], fake_clock: FakeClock) -> FakeGitHub:
    fake = make_fake_github(clock=fake_clock)
    fake.add_installation(1)
    return fake


@pytest.fixture
def client(fake: FakeGitHub, fake_clock: FakeClock) -> Iterator[GitHubAppClient]:
    client = GitHubAppClient(
        fake.app_id, fake.keys.private_pem, fake.url, sleep=fake_clock.sleep, clock=fake_clock
    )
    yield client
    client.close()


@pytest.fixture
def world(fake: FakeGitHub, fake_clock: FakeClock, client: GitHubAppClient) -> World:
    """A repository with a pull request that changes serverless.yml (lines 5-7 added)."""
    repo = fake.add_repo(REPO)
    repo.commit("main", {"serverless.yml": BASE_MANIFEST, "README.md": "hello\n"})
    repo.commit("feature", {"serverless.yml": HEAD_MANIFEST})
    pull = repo.open_pull("feature")
    return World(fake, fake_clock, client, client.for_installation(1), repo, pull)
