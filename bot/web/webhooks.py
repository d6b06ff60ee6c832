"""`POST /api/github/webhooks`: verify, route, enqueue, answer — in milliseconds, with no GitHub call.

The order is the security argument: the size cap first (a body over 25 MB is refused before it is read in
full), then the signature on the raw bytes, and only then is anything parsed. The delivery id makes a
redelivered event a no-op; the queue decides that atomically.
"""

from __future__ import annotations

import asyncio
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
from bot.web.signature import is_valid_signature

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB
BODY_TIMEOUT = 10.0  # seconds for the whole body: GitHub sends it at once; a trickling sender is cut off
FORM_ENCODED = "application/x-www-form-urlencoded"  # a repository webhook option; the App always sends JSON
_EVENT = re.compile(r"[a-z_]{1,64}")
_DELIVERY = re.compile(r"[A-Za-z0-9-]{1,100}")
KNOWN_EVENTS = default_router().events | {"ping"}  # metric labels: anything else counts as "other"
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
    try:
        body = await _read_capped(request, MAX_BODY_BYTES)
    except (TimeoutError, ClientDisconnect):
        return _answer(408, "the body did not arrive in time", outcome="timeout")
    if body is None:
        return _answer(413, "payload too large", outcome="too-large")
    if not is_valid_signature(settings.webhook_secret, body, signature):
        return _answer(401, "signature does not match", outcome="unauthorized")
    if request.headers.get("content-type", "").startswith(FORM_ENCODED):
        return _answer(
            415, "form-encoded webhooks are not supported; send application/json", outcome="bad-request"
        )
    event = request.headers.get("x-github-event", "")
    delivery = request.headers.get("x-github-delivery", "")
    if not _EVENT.fullmatch(event) or not _DELIVERY.fullmatch(delivery):
        return _answer(400, "missing or malformed X-GitHub-Event / X-GitHub-Delivery", outcome="bad-request")
    with log_context(delivery=delivery):
        return await _accept(queue, event, delivery, body)


async def _accept(queue: JobQueue, event: str, delivery: str, body: bytes) -> JSONResponse:
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
        outcome = await run_in_threadpool(queue.submit, delivery, requests)
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


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as more than `limit` bytes have arrived (the rest is never read);
    TimeoutError when it takes longer than BODY_TIMEOUT, so a slow sender cannot hold a request open."""
    chunks: list[bytes] = []
    size = 0
    async with asyncio.timeout(BODY_TIMEOUT):
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def _answer(status: int, message: str, *, outcome: str, event: str = UNVERIFIED) -> JSONResponse:
    METRICS.delivery(event, outcome)
    return JSONResponse({"status": message}, status_code=status)
