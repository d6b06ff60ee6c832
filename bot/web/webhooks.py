"""`POST /api/github/webhooks`: verify, route, enqueue, answer — in milliseconds, with no GitHub call.

The order is the security argument: the size cap first (a body over 25 MB is refused before it is read in
full, and all bodies in flight together stay within one budget, `bot.web.intake`), then the signature,
computed on the raw bytes as they stream in, and only then is anything parsed. The delivery id makes a
redelivered event a no-op and the body's hash makes a replayed body a no-op whatever delivery id it carries
(that header is not signed); the queue decides both atomically.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from bot.events import MalformedPayload, default_router, route
from bot.jobs.queue import JobQueue, Submission
from bot.logs import log_context
from bot.metrics import METRICS, bounded
from bot.settings import Settings
from bot.web.intake import BodyBudget
from bot.web.signature import BodyDigest

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
BODY_TIMEOUT = 10.0  # seconds for the whole body: GitHub sends it at once; a trickling sender is cut off
FORM_ENCODED = "application/x-www-form-urlencoded"  # a repository webhook option; the App always sends JSON
_EVENT = re.compile(r"[a-z_]{1,64}")
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")
KNOWN_EVENTS = default_router().events | {"ping"}  # metric labels: anything else counts as "other"
RETRY_LATER = {"Retry-After": "5"}  # seconds; the body budget frees up as soon as requests are answered
UNVERIFIED = "unverified"  # the event header is not trusted before the signature is checked


async def receive_webhook(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    queue: JobQueue = request.app.state.queue
    if not settings.webhook_secret:
        return _answer(503, "the App is not configured yet; open / to set it up", outcome="not-configured")
    if _declared_too_large(request.headers.get("content-length")):
        return _answer(413, "payload too large", outcome="too-large")
    signature = request.headers.get("x-hub-signature-256")
    if not signature:
        return _answer(401, "missing X-Hub-Signature-256", outcome="unauthorized")
    body = _StreamedBody(request.app.state.body_budget, settings.webhook_secret)
    try:
        refusal = await body.read(request)
        if refusal is not None:
            return refusal
        if not body.digest.matches(signature):
            return _answer(401, "signature does not match", outcome="unauthorized")
        return await _verified(request, queue, body)
    finally:
        body.release()


async def _verified(request: Request, queue: JobQueue, body: _StreamedBody) -> JSONResponse:
    if request.headers.get("content-type", "").startswith(FORM_ENCODED):
        return _answer(
            415, "form-encoded webhooks are not supported; send application/json", outcome="bad-request"
        )
    event = request.headers.get("x-github-event", "")
    delivery = request.headers.get("x-github-delivery", "")
    if not _EVENT.fullmatch(event) or not _DELIVERY.fullmatch(delivery):
        return _answer(400, "missing or malformed X-GitHub-Event / X-GitHub-Delivery", outcome="bad-request")
    with log_context(delivery=delivery):
        return await _accept(queue, event, delivery, body.content(), body.digest.body_sha256())


async def _accept(queue: JobQueue, event: str, delivery: str, body: bytes, body_digest: str) -> JSONResponse:
    label = bounded(event, KNOWN_EVENTS)
    payload = _parse(body)
    if payload is None:
        return _answer(400, "body is not a JSON object", event=label, outcome="bad-request")
    if event == "ping":
        return _answer(200, "pong", event=label, outcome="pong")
    try:
        requests = route(event, payload, delivery_id=delivery)
    except MalformedPayload as error:
        logger.warning("malformed %s payload: %s", event, error)
        return _answer(400, str(error), event=label, outcome="bad-request")
    try:
        outcome = await run_in_threadpool(
            functools.partial(queue.submit, delivery, requests, body_digest=body_digest)
        )
    except Exception as error:
        logger.error("could not enqueue %s: %s", event, type(error).__name__)
        return _answer(
            503, "queue unavailable; GitHub can redeliver this event", event=label, outcome="unavailable"
        )
    logger.info("%s %s", event, outcome.value, extra={"event": event, "jobs": len(requests)})
    status = 202 if outcome is Submission.ACCEPTED else 200
    return _answer(status, outcome.value, event=label, outcome=outcome.value)


def _declared_too_large(content_length: str | None) -> bool:
    return content_length is not None and (
        not content_length.isdigit() or int(content_length) > MAX_BODY_BYTES
    )


class _StreamedBody:
    """The body as it arrives: hashed chunk by chunk, capped per request, and drawn from the shared budget
    of bytes in flight, which `release()` gives back once the request is answered."""

    def __init__(self, budget: BodyBudget, secret: str) -> None:
        self.digest = BodyDigest(secret)
        self._budget = budget
        self._chunks: list[bytes] = []
        self._held = 0

    async def read(self, request: Request) -> JSONResponse | None:
        """None once the whole body is in; otherwise the refusal to send (too slow, too large, no room)."""
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                async for chunk in request.stream():
                    if self._held + len(chunk) > MAX_BODY_BYTES:
                        return _answer(413, "payload too large", outcome="too-large")
                    if not self._budget.take(len(chunk)):
                        return _answer(
                            503, "too many deliveries in flight", outcome="busy", headers=RETRY_LATER
                        )
                    self._held += len(chunk)
                    self.digest.update(chunk)
                    self._chunks.append(chunk)
        except (TimeoutError, ClientDisconnect):
            return _answer(408, "the body did not arrive in time", outcome="timeout")
        return None

    def content(self) -> bytes:
        return b"".join(self._chunks)

    def release(self) -> None:
        self._chunks.clear()
        self._budget.give_back(self._held)
        self._held = 0


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def _answer(
    status: int,
    message: str,
    *,
    outcome: str,
    event: str = UNVERIFIED,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    METRICS.delivery(event, outcome)
    return JSONResponse({"status": message}, status_code=status, headers=headers)
