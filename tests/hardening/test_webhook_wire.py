"""The webhook endpoint over real HTTP against hostile requests: each gets its status at once, nothing is
queued, the body is never read past its cap, and a trickling sender neither blocks others nor waits
forever."""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.web.signature
import bot.web.webhooks
from tests.hardening.wire import (
    Endpoint,
    read_answer,
    request_head,
    served,
    sign,
    signed_request,
)

PAYLOADS = Path(__file__).parent.parent / "events" / "payloads"
PULL_REQUEST = (PAYLOADS / "pull_request.opened.json").read_bytes()
PING = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
OVER_CAP = 25 * 1024 * 1024 + 1


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    yield from served(tmp_path)


def test_unsigned_delivery_is_401_and_not_queued(endpoint: Endpoint) -> None:
    head = request_head(
        event="pull_request", Content_Type="application/json", Content_Length=str(len(PULL_REQUEST))
    )
    answer = endpoint.exchange(head + PULL_REQUEST)
    assert answer.status == 401
    assert endpoint.jobs() == 0


@pytest.mark.parametrize(
    "signature",
    ["sha256=" + "0" * 64, sign(PULL_REQUEST, "not-the-secret"), "sha1=" + "a" * 40, "sha256=", "garbage"],
)
def test_wrongly_signed_delivery_is_401_and_not_queued(endpoint: Endpoint, signature: str) -> None:
    head = request_head(
        event="pull_request",
        signature=signature,
        Content_Type="application/json",
        Content_Length=str(len(PULL_REQUEST)),
    )
    assert endpoint.exchange(head + PULL_REQUEST).status == 401
    assert endpoint.jobs() == 0


def test_a_wrong_signature_on_invalid_json_is_401_not_400(
    endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature is checked on the raw bytes before anything parses them."""
    parsed: list[bytes] = []
    real_loads = json.loads
    monkeypatch.setattr(
        bot.web.webhooks.json, "loads", lambda raw, **kw: parsed.append(raw) or real_loads(raw, **kw)
    )
    body = b"{not json"
    head = request_head(
        signature=sign(body, "wrong"), Content_Type="application/json", Content_Length=str(len(body))
    )
    assert endpoint.exchange(head + body).status == 401
    assert parsed == []


def test_the_signature_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[object, object]] = []
    real = bot.web.signature.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(bot.web.signature.hmac, "compare_digest", spy)
    assert bot.web.signature.is_valid_signature("key", b"{}", sign(b"{}", "key"))
    assert not bot.web.signature.is_valid_signature("key", b"{}", sign(b"{}", "other"))
    assert len(compared) == 2


def test_a_replayed_delivery_id_is_queued_once(endpoint: Endpoint) -> None:
    first = endpoint.exchange(signed_request(PULL_REQUEST, event="pull_request", delivery="replayed-1"))
    second = endpoint.exchange(signed_request(PULL_REQUEST, event="pull_request", delivery="replayed-1"))
    assert (first.status, second.status) == (202, 200)
    assert json.loads(second.body) == {"status": "duplicate"}
    assert endpoint.jobs() == 1


def test_a_replayed_body_with_a_new_delivery_id_changes_nothing(endpoint: Endpoint) -> None:
    rerequested = (PAYLOADS / "check_run.rerequested.json").read_bytes()
    answers = [
        endpoint.exchange(signed_request(rerequested, event="check_run", delivery=f"captured-{n}"))
        for n in range(10)
    ]
    assert [answer.status for answer in answers] == [202] + [200] * 9
    assert {json.loads(answer.body)["status"] for answer in answers[1:]} == {"duplicate"}
    assert endpoint.jobs() == 1


def test_a_truncated_body_ends_cleanly_and_the_server_keeps_serving(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    """Content-Length promises more than is sent, then the client closes: no job, no error in the logs."""
    head = request_head(
        signature=sign(PING), Content_Type="application/json", Content_Length=str(len(PING) + 100)
    )
    with endpoint.connect() as sock, caplog.at_level(logging.WARNING):
        sock.sendall(head + PING)
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(5.0)
        leftover = sock.recv(65536)
    assert not leftover or leftover.startswith(b"HTTP/1.1 4")
    assert endpoint.exchange(signed_request(PING)).status == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], (
        "a client hanging up logged an error"
    )
    assert endpoint.jobs() == 0


def test_a_declared_oversized_body_is_413_before_it_is_sent(endpoint: Endpoint) -> None:
    head = request_head(signature=sign(b"{}"), Content_Type="application/json", Content_Length=str(OVER_CAP))
    with endpoint.connect() as sock:
        sock.sendall(head)  # not one byte of the body
        assert read_answer(sock).status == 413


def test_a_chunked_body_without_length_is_cut_off_past_25_mb(endpoint: Endpoint) -> None:
    """The answer arrives while the client is still sending: the server stopped reading at the cap."""
    head = request_head(signature=sign(b"{}"), Content_Type="application/json", Transfer_Encoding="chunked")
    piece = b"x" * (1024 * 1024)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    with endpoint.connect() as sock:
        sock.sendall(head)
        while sent < 40 * len(piece) and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        answer = read_answer(sock)
    assert answer.status == 413
    assert sent < 40 * len(piece)


@pytest.mark.parametrize("body", [b"", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"a string"', b"{" * 100_000])
def test_signed_non_json_is_400(endpoint: Endpoint, body: bytes) -> None:
    assert endpoint.exchange(signed_request(body, event="pull_request")).status == 400
    assert endpoint.jobs() == 0


def test_form_encoded_deliveries_are_refused_with_415(endpoint: Endpoint) -> None:
    """Only repository webhooks can be form-encoded; the App always sends JSON, so the form is refused
    clearly instead of parsed a second way."""
    body = b"payload=" + PULL_REQUEST.replace(b" ", b"+")
    answer = endpoint.exchange(
        signed_request(body, event="pull_request", content_type="application/x-www-form-urlencoded")
    )
    assert answer.status == 415
    assert b"application/json" in answer.body
    assert endpoint.jobs() == 0


def test_a_huge_header_is_refused_by_the_http_layer(endpoint: Endpoint) -> None:
    head = request_head(signature=sign(PING), Content_Type="application/json", X_Padding="a" * 1024 * 1024)
    with endpoint.connect() as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head)
        assert read_answer(sock).status in {400, 431}
    assert endpoint.exchange(signed_request(PING)).status == 200


def test_a_trickling_body_blocks_no_one_and_is_cut_off(
    endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slowloris: one byte at a time. Other deliveries are answered meanwhile; the slow one gets 408."""
    monkeypatch.setattr(bot.web.webhooks, "BODY_TIMEOUT", 1.0)
    head = request_head(signature=sign(PING), Content_Type="application/json", Content_Length=str(len(PING)))
    with endpoint.connect() as slow:
        slow.sendall(head + PING[:1])
        for index in range(3):
            delivery = f"while-slow-{index}"
            distinct = PULL_REQUEST + b" " * index  # one body is accepted once, whatever its delivery id
            assert (
                endpoint.exchange(signed_request(distinct, event="pull_request", delivery=delivery)).status
                == 202
            )
            slow.sendall(PING[1 + index : 2 + index])
        assert read_answer(slow).status == 408
    assert endpoint.jobs() == 3
