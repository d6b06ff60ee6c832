"""A 100 MB manifest is never read whole: the gateway streams file contents and stops at the size limit."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.github.content import read_file
from bot.github.gateway import GitHubAppClient
from bot.github.protocol import FileTooLarge
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

HUNDRED_MB = 100 * 1024 * 1024
CHUNK = 1024 * 1024
LIMIT = 2_000_000


def test_a_100_mb_file_on_github_is_refused_from_its_declared_length(
    github: FakeGitHub, repo: Repository, fake_clock: FakeClock
) -> None:
    sha = repo.commit("feature/huge", {"serverless.yml": b"service: x\n" + b"#" * HUNDRED_MB})
    client = GitHubAppClient(
        github.app_id, github.keys.private_pem, github.url, sleep=fake_clock.sleep, clock=fake_clock
    )
    try:
        with pytest.raises(FileTooLarge) as raised:
            client.for_installation(31337).file_content(
                repo.full_name, "serverless.yml", sha, max_bytes=LIMIT
            )
    finally:
        client.close()
    assert raised.value.size > HUNDRED_MB


class Endless(httpx.SyncByteStream):
    """A raw-content body of 100 MB sent chunked (no Content-Length), counting what the reader pulled."""

    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        while self.sent < HUNDRED_MB:
            self.sent += CHUNK
            yield b"#" * CHUNK


def test_a_100_mb_stream_without_length_is_cut_off_at_the_limit() -> None:
    body = Endless()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=body))
    with (
        httpx.Client(transport=transport, base_url="https://api.github.test/") as http,
        pytest.raises(FileTooLarge),
    ):
        read_file(http, "token", "acme/app", "serverless.yml", "main", max_bytes=LIMIT)
    assert body.sent <= LIMIT + 2 * CHUNK, "the reader kept pulling past the limit"
