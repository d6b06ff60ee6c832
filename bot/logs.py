"""Structured logs that carry who-asked-for-what and never carry a secret.

Every record gets the delivery id, repository and job id of the work in progress (context variables, so they
follow a request or a job without being passed around). On a terminal lines are short and readable; anywhere
else (containers, systemd, files) each record is one JSON object.

`ScrubFilter` is the last line of defence: the code never logs values on purpose, but an exception message
from a library might echo a header or a body. The filter replaces the configured secrets (webhook secret,
private key) and anything shaped like a GitHub token, a JWT, a bearer header or a PEM block, in the message,
the traceback and every extra field, before any handler writes the record.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

_delivery: contextvars.ContextVar[str | None] = contextvars.ContextVar("delivery", default=None)
_repo: contextvars.ContextVar[str | None] = contextvars.ContextVar("repo", default=None)
_job: contextvars.ContextVar[str | None] = contextvars.ContextVar("job", default=None)
_CONTEXT = {"delivery": _delivery, "repo": _repo, "job": _job}

REDACTED = "[REDACTED]"
_TOKEN_SHAPES = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"
    r"|\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"
    r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"
    r"|(?i:\b(?:bearer|token)\s+)[A-Za-z0-9_.=-]{16,}"
    r"|(?i:sha256=)[0-9a-f]{64}",
    re.DOTALL,
)
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


@contextmanager
def log_context(
    *, delivery: str | None = None, repo: str | None = None, job: str | None = None
) -> Iterator[None]:
    """Tag every record logged inside the block (in this thread or task) with these ids."""
    wanted = {"delivery": delivery, "repo": repo, "job": job}
    tokens = [
        (_CONTEXT[name], _CONTEXT[name].set(value)) for name, value in wanted.items() if value is not None
    ]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


class Scrubber:
    """Replaces known secrets and token-shaped strings; pure string in, string out."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted(_secret_forms(secrets), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPES.sub(REDACTED, text)


def _secret_forms(secrets: Iterable[str]) -> set[str]:
    """Each secret as given, plus each line of a multi-line one (a PEM may be logged a line at a time)."""
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= 8:
            forms.add(secret)
            forms.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 16)
    return forms


class ContextFilter(logging.Filter):
    """Stamps the current delivery / repo / job ids on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in _CONTEXT.items():
            if not hasattr(record, name):
                setattr(record, name, variable.get())
        return True


class ScrubFilter(logging.Filter):
    """Renders the message and traceback once, scrubbed, so no handler can write the raw text."""

    def __init__(self, scrubber: Scrubber) -> None:
        super().__init__()
        self._scrub = scrubber
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        for key, value in _extra_fields(record).items():
            if isinstance(value, str):
                setattr(record, key, self._scrub(value))
        return True


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({key: value for key, value in _extra_fields(record).items() if value is not None})
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Short lines for a terminal: time, level, ids in brackets, message."""

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{key}={value}" for key, value in _extra_fields(record).items() if value is not None)
        stamp = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        line = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line}  [{ids}]" if ids else line
        return f"{line}\n{record.exc_text}" if record.exc_text else line


def configure_logging(
    level: str,
    *,
    secrets: Iterable[str | None] = (),
    stream: TextIO | None = None,
    json_lines: bool | None = None,
) -> logging.Handler:
    """Install one scrubbing handler on the root logger (replacing earlier ones) and return it."""
    output = stream if stream is not None else sys.stderr
    use_json = (not output.isatty()) if json_lines is None else json_lines
    handler = logging.StreamHandler(output)
    handler.addFilter(ContextFilter())
    handler.addFilter(ScrubFilter(Scrubber(secret for secret in secrets if secret)))
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request's URL at INFO; URLs carry one-time codes (the App manifest flow) and paths.
    for noisy in ("huey", "huey.consumer", "uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
    return handler
