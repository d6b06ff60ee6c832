from __future__ import annotations

import logging
import threading
import time
from typing import Any

import jwt
import pytest
from github.Requester import HTTPRequestsConnectionClass

from bot.github.auth import AppCredentials
from bot.github.errors import GitHubAuthError, GitHubNotFound
from bot.github.gateway import GitHubAppClient
from tests.fakegithub.appauth import generate_keys
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull
from tests.github.conftest import REPO, World

MINTS = "apps/create-installation-access-token"


def test_app_jwt_is_rs256_backdated_and_short_lived(fake_clock: FakeClock) -> None:
    keys = generate_keys()
    token = AppCredentials(4242, keys.private_pem, clock=fake_clock).jwt()

    claims = jwt.decode(token, keys.public_pem, algorithms=["RS256"], options={"verify_exp": False})
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert claims["iss"] == "4242"
    assert claims["iat"] == int(fake_clock()) - 60
    assert 0 < claims["exp"] - int(fake_clock()) < 600
    assert claims["exp"] - claims["iat"] <= 600


def test_credentials_repr_hides_the_key() -> None:
    keys = generate_keys()
    text = repr(AppCredentials(1, keys.private_pem, clock=FakeClock()))
    assert "PRIVATE" not in text
    assert keys.private_pem[40:80] not in text


def test_installation_token_is_cached_across_calls_and_gateways(world: World) -> None:
    for _ in range(3):
        world.client.for_installation(1).pull_request(REPO, 1)

    assert len(world.fake.calls(MINTS)) == 1
    tokens = {r.headers["authorization"] for r in world.fake.calls("pulls/get")}
    assert len(tokens) == 1


def test_token_is_renewed_shortly_before_it_expires(world: World) -> None:
    world.gateway.pull_request(REPO, 1)
    world.clock.advance(54 * 60)
    world.gateway.pull_request(REPO, 1)
    assert len(world.fake.calls(MINTS)) == 1

    world.clock.advance(2 * 60)  # 56 minutes in: under five minutes left
    world.gateway.pull_request(REPO, 1)

    assert len(world.fake.calls(MINTS)) == 2
    first, last = (r.headers["authorization"] for r in world.fake.calls("pulls/get")[::2])
    assert first != last


def test_a_refused_token_is_dropped_and_the_call_retried_once(world: World) -> None:
    world.gateway.pull_request(REPO, 1)
    world.fake.expire_tokens()

    info = world.gateway.pull_request(REPO, 1)

    assert info.number == 1
    assert [r.status for r in world.fake.calls("pulls/get")] == [200, 401, 200]
    assert len(world.fake.calls(MINTS)) == 2


def test_a_second_401_is_an_auth_error_not_a_loop(world: World) -> None:
    world.gateway.pull_request(REPO, 1)
    world.fake.fail(
        "GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 401, times=2, message="Bad credentials"
    )

    with pytest.raises(GitHubAuthError):
        world.gateway.pull_request(REPO, 1)

    assert len(world.fake.calls("pulls/get")) == 3


def test_a_wrong_private_key_is_a_clear_error_without_secrets(
    fake: FakeGitHub, fake_clock: FakeClock
) -> None:
    other = generate_keys("another-app")
    client = GitHubAppClient(
        fake.app_id, other.private_pem, fake.url, sleep=fake_clock.sleep, clock=fake_clock
    )
    try:
        with pytest.raises(GitHubAuthError) as raised:
            client.for_installation(1).pull_request(REPO, 1)
    finally:
        client.close()
    assert "401" in str(raised.value)
    assert "PRIVATE KEY" not in str(raised.value)
    assert fake.calls()[0].status == 401


def test_a_removed_installation_is_not_found(world: World) -> None:
    with pytest.raises(GitHubNotFound):
        world.client.for_installation(999).pull_request(REPO, 1)


def test_concurrent_workers_mint_one_token(world: World) -> None:
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            world.client.for_installation(1).file_content(REPO, "serverless.yml", "main", max_bytes=1000)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(world.fake.calls(MINTS)) == 1
    assert len(world.fake.calls("repos/get-content")) == 8


def test_no_token_key_or_jwt_in_logs(world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    world.gateway.pull_request(REPO, 1)
    world.fake.expire_tokens()
    world.gateway.file_content(REPO, "serverless.yml", "main", max_bytes=1000)

    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for request in world.fake.calls():
        credential = request.headers.get("authorization", "").partition(" ")[2]
        assert credential
        assert credential not in logged
    assert "PRIVATE KEY" not in logged


def test_concurrent_gateways_of_one_installation_never_mix_up_requests(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyGithub's requester keeps the request being sent on its connection object until the response is
    read; a requester shared between threads would send one thread's request for another."""
    original = HTTPRequestsConnectionClass.request

    def slow_request(self: HTTPRequestsConnectionClass, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        time.sleep(0.002)  # widen the window between storing the request and sending it

    monkeypatch.setattr(HTTPRequestsConnectionClass, "request", slow_request)
    pulls = [world.pull]
    for index in range(3):
        world.repo.commit(f"topic-{index}", {f"f{index}.yml": "a: 1\n"})
        pulls.append(world.repo.open_pull(f"topic-{index}"))
    seen: list[tuple[str, str]] = []

    def read(pull: Pull) -> None:
        gateway = world.client.for_installation(1)
        seen.extend((pull.head_sha, gateway.pull_request(REPO, pull.number).head_sha) for _ in range(5))

    threads = [threading.Thread(target=read, args=(pull,)) for pull in pulls * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 40
    assert all(asked == answered for asked, answered in seen)
