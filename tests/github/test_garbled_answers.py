"""A 200 that is not what was asked for (an HTML page from a proxy, JSON cut short) is an error: retried
like a 5xx, never read as data, and a file that keeps getting one is unreadable rather than scanned."""

from __future__ import annotations

import pytest

from bot.github.protocol import GitHubUnavailable, UnreadableAnswer
from tests.github.conftest import HEAD_MANIFEST, REPO, World

CONTENT = "/repos/{owner}/{repo}/contents/{path}"


def test_an_html_page_for_a_file_is_retried_and_the_real_file_read(world: World) -> None:
    world.fake.html_page("GET", CONTENT, times=2)

    data = world.gateway.file_content(REPO, "serverless.yml", world.pull.head_sha, max_bytes=10_000)

    assert data == HEAD_MANIFEST.encode()
    assert len(world.fake.calls("repos/get-content")) == 3
    assert len(world.clock.sleeps) == 2  # backed off like a 5xx


def test_a_file_that_only_ever_gets_html_is_unreadable_not_scanned(world: World) -> None:
    world.fake.html_page("GET", CONTENT, times=None)

    with pytest.raises(UnreadableAnswer):
        world.gateway.file_content(REPO, "serverless.yml", world.pull.head_sha, max_bytes=10_000)

    assert len(world.fake.calls("repos/get-content")) == 5  # the first attempt and four retries


def test_an_html_page_instead_of_json_is_retried(world: World) -> None:
    world.fake.html_page("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", times=1)

    info = world.gateway.pull_request(REPO, 1)

    assert info.head_sha == world.pull.head_sha
    assert len(world.fake.calls("pulls/get")) == 2


def test_json_calls_that_keep_getting_html_make_github_unavailable(world: World) -> None:
    world.fake.html_page("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", times=None)

    with pytest.raises(GitHubUnavailable):
        world.gateway.pull_request_files(REPO, 1)
