"""Structured logs: ids from context, JSON lines off a terminal, secrets and tokens scrubbed."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, Scrubber, configure_logging, log_context

WEBHOOK_SECRET = "hook-" + "5ecret" * 4
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "Q" * 40 + "\n-----END RSA PRIVATE KEY-----\n"
INSTALLATION_TOKEN = "ghs_" + "T0k3n" * 8
JWT = "eyJhbGciOiJSUzI1NiJ9" + ".eyJpc3MiOiIxMjMifQ" + ".c2lnbmF0dXJl"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    output = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", secrets=(WEBHOOK_SECRET, PEM, None), stream=output, json_lines=True)
    try:
        yield output
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_delivery_repo_and_job(stream: io.StringIO) -> None:
    with log_context(delivery="d-1", repo="acme/api"), log_context(job="d-1/0"):
        logging.getLogger("bot.test").info("scan %s", "reported", extra={"trigger": "push"})
    logging.getLogger("bot.test").warning("outside")
    inside, outside = records(stream)
    assert inside["msg"] == "scan reported"
    assert (inside["delivery"], inside["repo"], inside["job"], inside["trigger"]) == (
        "d-1",
        "acme/api",
        "d-1/0",
        "push",
    )
    assert inside["level"] == "info" and inside["logger"] == "bot.test"
    assert "delivery" not in outside


@pytest.mark.parametrize(
    "leak",
    [WEBHOOK_SECRET, PEM, PEM.splitlines()[1], INSTALLATION_TOKEN, JWT, "Bearer " + "a1B2c3D4" * 3],
)
def test_secrets_and_token_shapes_are_scrubbed_from_messages(stream: io.StringIO, leak: str) -> None:
    logging.getLogger("bot.test").error("request failed: %s", f"headers={{'Authorization': '{leak}'}}")
    [record] = records(stream)
    assert leak not in json.dumps(record) and leak not in str(record["msg"])
    assert REDACTED in str(record["msg"])


def test_tracebacks_and_extra_fields_are_scrubbed(stream: io.StringIO) -> None:
    try:
        raise RuntimeError("token " + INSTALLATION_TOKEN + " rejected")
    except RuntimeError:
        logging.getLogger("bot.test").exception(
            "call failed", extra={"url": "https://x/?t=" + INSTALLATION_TOKEN}
        )
    [record] = records(stream)
    assert INSTALLATION_TOKEN not in stream.getvalue()
    assert "RuntimeError" in str(record["exc"])


def test_text_format_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    output = Terminal()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        configure_logging("INFO", stream=output)
        with log_context(delivery="d-9"):
            logging.getLogger("bot.test").info("hello")
    finally:
        root.handlers[:] = saved
    line = output.getvalue().strip()
    assert line.endswith("[delivery=d-9]") and "INFO    bot.test: hello" in line


def test_scrubber_leaves_ordinary_text_alone() -> None:
    scrub = Scrubber([WEBHOOK_SECRET])
    text = "scan reported for acme/api@6dcb09b5b57875f334f61aebed695e2e4193db5e in 12 ms"
    assert scrub(text) == text
