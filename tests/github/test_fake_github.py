"""The fake itself behaves like GitHub where the bot depends on it, and fails tests on requests GitHub's
description does not allow."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import jwt
import pytest

from tests.fakegithub.plugin import assert_no_violations
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.spec import load_spec


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    fake.add_installation(1)
    repo = fake.add_repo("octo/svc")
    repo.commit("main", {"a.yml": "a: 1\n"})
    repo.commit("topic", {f"f{i}.yml": "x: 1\n" for i in range(7)})
    repo.open_pull("topic")
    yield fake
    fake.stop()


@pytest.fixture
def http(fake: FakeGitHub) -> Iterator[httpx.Client]:
    now = int(time.time())
    app_jwt = jwt.encode(
        {"iat": now - 60, "exp": now + 500, "iss": str(fake.app_id)}, fake.keys.private_pem, "RS256"
    )
    with httpx.Client(base_url=fake.url) as client:
        token = client.post(
            "/app/installations/1/access_tokens", headers={"Authorization": f"Bearer {app_jwt}"}
        )
        client.headers["Authorization"] = f"token {token.json()['token']}"
        yield client


def test_the_subset_records_its_official_source() -> None:
    spec = load_spec()
    assert spec.source["package"] == "@octokit/openapi"
    assert spec.source["file"] == "generated/api.github.com.json"
    assert spec.source["version"]
    assert len(spec.operations) == 43


def test_unknown_routes_are_violations(fake: FakeGitHub, http: httpx.Client) -> None:
    response = http.get("/repos/octo/svc/milestones")

    assert response.status_code == 404
    assert fake.violations == ["GET /repos/octo/svc/milestones: no such operation in the description"]
    with pytest.raises(AssertionError, match="REST description"):
        assert_no_violations(fake)


def test_invalid_bodies_and_parameters_are_violations(fake: FakeGitHub, http: httpx.Client) -> None:
    assert http.post("/repos/octo/svc/check-runs", json={"name": "x"}).status_code == 422
    assert http.get("/repos/octo/svc/pulls/1/files", params={"per_page": "many"}).status_code == 422
    assert http.get("/repos/octo/svc/pulls/1/files", params={"colour": "red"}).status_code == 422

    assert len(fake.violations) == 3
    assert "'head_sha' is a required property" in fake.violations[0]


def test_more_than_50_annotations_is_422(fake: FakeGitHub, http: httpx.Client) -> None:
    sha = fake.world.repos["octo/svc"].branches["topic"]
    run = http.post("/repos/octo/svc/check-runs", json={"name": "x", "head_sha": sha}).json()
    note = {"path": "a.yml", "start_line": 1, "end_line": 1, "annotation_level": "notice", "message": "m"}

    response = http.patch(
        f"/repos/octo/svc/check-runs/{run['id']}",
        json={"output": {"summary": "s", "annotations": [note] * 51}},
    )

    assert response.status_code == 422
    assert fake.world.check_runs[run["id"]].annotations == []
    fake.violations.clear()


def test_pagination_uses_link_headers(fake: FakeGitHub, http: httpx.Client) -> None:
    first = http.get("/repos/octo/svc/pulls/1/files", params={"per_page": 3})
    last = http.get("/repos/octo/svc/pulls/1/files", params={"per_page": 3, "page": 3})

    assert len(first.json()) == 3
    assert 'rel="next"' in first.headers["link"]
    assert "page=2" in first.links["next"]["url"]
    assert "page=3" in first.links["last"]["url"]
    assert len(last.json()) == 1
    assert "next" not in last.links


def test_rate_limit_headers_on_every_answer(fake: FakeGitHub, http: httpx.Client) -> None:
    response = http.get("/repos/octo/svc/pulls/1")

    assert response.headers["x-ratelimit-limit"] == "5000"
    assert int(response.headers["x-ratelimit-remaining"]) == 4999
    assert response.headers["x-ratelimit-used"] == "1"
    assert response.headers["x-ratelimit-resource"] == "core"
    assert int(response.headers["x-ratelimit-reset"]) > time.time()


def test_a_spent_limit_is_403_until_the_reset(fake: FakeGitHub, http: httpx.Client) -> None:
    fake.exhaust_rate_limit(reset_in=3600)

    response = http.get("/repos/octo/svc/pulls/1")

    assert response.status_code == 403
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.json()["message"].startswith("API rate limit exceeded")


def test_bad_tokens_and_jwts_are_401(fake: FakeGitHub) -> None:
    now = int(time.time())
    too_long = jwt.encode(
        {"iat": now, "exp": now + 3600, "iss": str(fake.app_id)}, fake.keys.private_pem, "RS256"
    )
    with httpx.Client(base_url=fake.url) as client:
        assert (
            client.get("/repos/octo/svc/pulls/1", headers={"Authorization": "token nope"}).status_code == 401
        )
        minted = client.post(
            "/app/installations/1/access_tokens", headers={"Authorization": f"Bearer {too_long}"}
        )
    assert minted.status_code == 401
    assert "too far in the future" in minted.json()["message"]


def test_manifest_codes_convert_once(fake: FakeGitHub) -> None:
    fake.add_manifest_code("abc123", {"name": "Secrets bot (test)"})
    with httpx.Client(base_url=fake.url) as client:
        created = client.post("/app-manifests/abc123/conversions")
        again = client.post("/app-manifests/abc123/conversions")

    assert created.status_code == 201
    body = created.json()
    assert (body["id"], body["name"], body["webhook_secret"]) == (
        fake.app_id,
        "Secrets bot (test)",
        fake.webhook_secret,
    )
    assert body["pem"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert again.status_code == 404


def test_faults_fire_the_asked_number_of_times(fake: FakeGitHub, http: httpx.Client) -> None:
    fake.fail("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 503, times=2, retry_after=2)

    statuses = [http.get("/repos/octo/svc/pulls/1").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert fake.calls("pulls/get")[0].status == 503


def test_a_check_runs_suite_remembers_the_push(fake: FakeGitHub, http: httpx.Client) -> None:
    repo = fake.world.repos["octo/svc"]
    before = repo.branches["main"]
    after = repo.commit("main", {"a.yml": "a: 2\n"})
    fake.world.record_push("octo/svc", "main", before, after)
    created = http.post("/repos/octo/svc/check-runs", json={"name": "scan", "head_sha": after}).json()
    again = http.post("/repos/octo/svc/check-runs", json={"name": "scan", "head_sha": after}).json()
    assert created["check_suite"]["id"] == again["check_suite"]["id"]  # one suite per commit and App

    suite = http.get(f"/repos/octo/svc/check-suites/{created['check_suite']['id']}").json()
    assert (suite["head_branch"], suite["before"], suite["head_sha"]) == ("main", before, after)
    assert http.get("/repos/octo/svc/check-suites/1").status_code == 404
    assert_no_violations(fake)
