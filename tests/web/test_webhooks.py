"""The webhook endpoint: size cap, signature before parsing, headers, routing, enqueue, deduplication."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.jobs.queue import JobQueue, open_queue
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.intake import BodyBudget
from bot.web.signature import BodyDigest, signature_for
from bot.web.webhooks import MAX_BODY_BYTES
from tests.web.client import AppClient

PAYLOADS = Path(__file__).parent.parent / "events" / "payloads"
SECRET = "webhook-" + "s3cr3t" * 3
PATH = "/api/github/webhooks"


def payload(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes()


@pytest.fixture
def queue(tmp_path: Path) -> JobQueue:
    return open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/queue.db"))


@pytest.fixture
def client(queue: JobQueue) -> AppClient:
    return AppClient(create_app(Settings(app_id=1, private_key="pem", webhook_secret=SECRET), queue))


def deliver(
    client: AppClient, body: bytes, *, event: str = "pull_request", delivery: str = "d-1", **headers: str
) -> Any:
    sent = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature_for(SECRET, body),
        "Content-Type": "application/json",
    }
    sent.update({key.replace("_", "-"): value for key, value in headers.items()})
    return client.post(PATH, content=body, headers={k: v for k, v in sent.items() if v})


def queued_jobs(queue: JobQueue) -> list[dict[str, Any]]:
    return [task.args[0] for task in queue.huey.pending()]


def test_signed_pull_request_is_accepted_and_enqueued_without_github(
    client: AppClient, queue: JobQueue
) -> None:
    response = deliver(client, payload("pull_request.opened"), delivery="abc-123")
    assert response.status_code == 202
    assert response.json() == {"status": "accepted"}
    jobs = queued_jobs(queue)
    assert [(job["repo"], job["pr_number"], job["delivery_id"]) for job in jobs] == [
        ("acme/payments-api", 7, "abc-123")
    ]
    assert [task.id for task in queue.huey.pending()] == ["abc-123/0"]


def test_missing_signature_is_401(client: AppClient, queue: JobQueue) -> None:
    response = deliver(client, payload("pull_request.opened"), X_Hub_Signature_256="")
    assert response.status_code == 401
    assert queued_jobs(queue) == []


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,
        signature_for("another-secret", b"{}"),
        "sha1=0123456789abcdef0123456789abcdef01234567",
        "sha256=" + "g" * 64,
        "sha256=" + "0" * 63,
    ],
)
def test_wrong_signature_is_401(client: AppClient, queue: JobQueue, signature: str) -> None:
    response = deliver(client, payload("pull_request.opened"), X_Hub_Signature_256=signature)
    assert response.status_code == 401
    assert queued_jobs(queue) == []


def test_signature_is_checked_before_parsing(client: AppClient) -> None:
    response = deliver(client, b"not json at all", X_Hub_Signature_256="sha256=" + "1" * 64)
    assert response.status_code == 401


def test_signature_of_a_modified_body_is_401(client: AppClient) -> None:
    body = payload("pull_request.opened")
    signature = signature_for(SECRET, body)
    response = deliver(client, body.replace(b"opened", b"closed"), X_Hub_Signature_256=signature)
    assert response.status_code == 401


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"text"', b"{" * 100_000])
def test_signed_malformed_json_is_400(client: AppClient, body: bytes) -> None:
    assert deliver(client, body).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"X_GitHub_Event": ""},
        {"X_GitHub_Delivery": ""},
        {"X_GitHub_Event": "Pull Request!"},
        {"X_GitHub_Delivery": "a/b"},
    ],
)
def test_missing_or_malformed_event_headers_are_400(client: AppClient, headers: dict[str, str]) -> None:
    assert deliver(client, payload("pull_request.opened"), **headers).status_code == 400


def test_payload_missing_a_field_the_event_needs_is_400(client: AppClient, queue: JobQueue) -> None:
    body = json.loads(payload("pull_request.opened"))
    del body["pull_request"]["head"]["sha"]
    response = deliver(client, json.dumps(body).encode())
    assert response.status_code == 400
    assert "sha" in response.json()["status"]
    assert queued_jobs(queue) == []


def test_ping_is_200(client: AppClient, queue: JobQueue) -> None:
    response = deliver(client, payload("ping"), event="ping")
    assert response.status_code == 200
    assert queued_jobs(queue) == []


def test_event_that_asks_for_nothing_is_200_and_enqueues_nothing(client: AppClient, queue: JobQueue) -> None:
    response = deliver(client, payload("push.deleted"), event="push")
    assert response.status_code == 200
    assert response.json() == {"status": "nothing-to-do"}
    assert queued_jobs(queue) == []


def test_same_delivery_twice_enqueues_one_scan(client: AppClient, queue: JobQueue) -> None:
    body = payload("pull_request.synchronize")
    first = deliver(client, body, delivery="same-id")
    second = deliver(client, body, delivery="same-id")
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json() == {"status": "duplicate"}
    assert len(queued_jobs(queue)) == 1


def test_a_replayed_body_under_new_delivery_ids_is_accepted_once(client: AppClient, queue: JobQueue) -> None:
    """The delivery header is not signed: ten replays of one captured body with fresh ids make one job."""
    body = payload("check_run.rerequested")
    answers = [deliver(client, body, event="check_run", delivery=f"forged-{n}") for n in range(10)]
    assert [a.status_code for a in answers] == [202] + [200] * 9
    assert {a.json()["status"] for a in answers[1:]} == {"duplicate"}
    assert len(queued_jobs(queue)) == 1


def test_distinct_bodies_each_enqueue(client: AppClient, queue: JobQueue) -> None:
    event = json.loads(payload("pull_request.synchronize"))
    first = json.dumps(event).encode()
    event["pull_request"]["head"]["sha"] = event["after"] = "1" * 40
    second = json.dumps(event).encode()
    assert deliver(client, first, delivery="one").status_code == 202
    assert deliver(client, second, delivery="two").status_code == 202
    assert len(queued_jobs(queue)) == 2


def test_a_body_refused_for_a_queue_failure_can_be_delivered_again(
    client: AppClient, queue: JobQueue
) -> None:
    body = payload("pull_request.opened")
    queue.enqueue = _broken_enqueue  # type: ignore[method-assign]
    assert deliver(client, body, delivery="first-try").status_code == 503
    del queue.enqueue
    assert deliver(client, body, delivery="redelivered").status_code == 202
    assert len(queued_jobs(queue)) == 1


def _broken_enqueue(job: dict[str, Any], job_id: str) -> None:
    raise OSError("disk full")


def test_pull_request_event_records_the_newest_head(client: AppClient, queue: JobQueue) -> None:
    deliver(client, payload("pull_request.synchronize"))
    assert queue.ledger.newest_head("acme/payments-api", 7) == "6dcb09b5b57875f334f61aebed695e2e4193db5e"


def test_declared_oversized_body_is_413_before_reading(client: AppClient) -> None:
    response = deliver(client, b"{}", Content_Length=str(MAX_BODY_BYTES + 1))
    assert response.status_code == 413


def test_streamed_oversized_body_is_413_without_reading_it_all(client: AppClient) -> None:
    chunk = b" " * (1024 * 1024)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(40):
            sent += 1
            yield chunk

    headers = {
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": "big",
        "X-Hub-Signature-256": "sha256=" + "0" * 64,
    }
    response = client.post(PATH, content=body(), headers=headers)
    assert response.status_code == 413
    assert sent == 26  # stopped at the first chunk past 25 MB


def test_unconfigured_app_refuses_webhooks_with_503(queue: JobQueue) -> None:
    client = AppClient(create_app(Settings(), queue))
    response = client.post(PATH, content=b"{}", headers={"X-Hub-Signature-256": "sha256=00"})
    assert response.status_code == 503


def test_custom_webhook_path(queue: JobQueue) -> None:
    settings = Settings(app_id=1, private_key="pem", webhook_secret=SECRET, webhook_path="/hooks/gh")
    client = AppClient(create_app(settings, queue))
    assert deliver(client, payload("ping"), event="ping").status_code == 404
    body = payload("ping")
    headers = {
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": "p",
        "X-Hub-Signature-256": signature_for(SECRET, body),
    }
    assert client.post("/hooks/gh", content=body, headers=headers).status_code == 200


def test_queue_failure_is_503_so_github_can_redeliver(client: AppClient, queue: JobQueue) -> None:
    queue.huey.storage.close()
    queue.huey.storage.filename = "/nonexistent/dir/queue.db"
    response = deliver(client, payload("pull_request.opened"), delivery="lost")
    assert response.status_code == 503


def test_concurrent_large_unsigned_bodies_stay_within_the_shared_budget(queue: JobQueue) -> None:
    """Twenty 2 MB bodies with forged signatures arrive together, chunk by chunk: the bytes held at once
    never exceed the budget, the requests past it get 503 with Retry-After, and every byte is given back."""
    app = create_app(Settings(app_id=1, private_key="pem", webhook_secret=SECRET), queue)
    budget = app.state.body_budget = BodyBudget(8 * 1024 * 1024)
    chunk = b" " * (256 * 1024)

    async def body() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield chunk
            await asyncio.sleep(0.001)  # let the other senders interleave

    async def storm() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
            headers = {"X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + "0" * 64}
            sends = [
                http.post(PATH, content=body(), headers={**headers, "X-GitHub-Delivery": f"big-{n}"})
                for n in range(20)
            ]
            return list(await asyncio.gather(*sends))

    answers = asyncio.run(storm())
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) == {401, 503}
    assert statuses.count(401) >= 3  # the budget holds four whole bodies at once
    assert all(a.headers["retry-after"] == "5" for a in answers if a.status_code == 503)
    assert budget.capacity - 256 * 1024 < budget.peak <= budget.capacity
    assert budget.in_use == 0
    assert deliver(AppClient(app), payload("pull_request.opened")).status_code == 202


def test_the_digest_fed_in_chunks_equals_the_one_shot_signature() -> None:
    body = payload("pull_request.opened")
    digest = BodyDigest(SECRET)
    for start in range(0, len(body), 1000):
        digest.update(body[start : start + 1000])
    assert digest.signature() == signature_for(SECRET, body)
    assert digest.matches(signature_for(SECRET, body))
    assert not digest.matches(signature_for(SECRET, body + b" "))
    assert digest.body_sha256() == hashlib.sha256(body).hexdigest()
