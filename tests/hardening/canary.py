"""Autouse fixture for the whole suite (loaded from tests/conftest.py): no registered canary — a planted fake
secret, a test private key, a webhook secret, a token issued by the fake — may appear in any log record
(raw, before the app's scrubbing) or in anything a fake GitHub received. Scrubbing tests that log a secret on
purpose are marked `leaks_canary`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from tests import canaries
from tests.e2e import scenarios as e2e_scenarios
from tests.e2e.harness import FINGERPRINT_KEY as E2E_FINGERPRINT_KEY
from tests.e2e.harness import WEBHOOK_SECRET as E2E_WEBHOOK_SECRET
from tests.hardening.wire import SECRET as WIRE_WEBHOOK_SECRET
from tests.jobs import scenarios as job_scenarios

canaries.register(
    E2E_WEBHOOK_SECRET,
    E2E_FINGERPRINT_KEY,
    WIRE_WEBHOOK_SECRET,
    e2e_scenarios.STRIPE,
    e2e_scenarios.GITHUB_PAT,
    job_scenarios.STRIPE,
)


class CanaryWatch:
    """Inspects every log record where it is made (message, arguments, extras, traceback), before any
    handler or scrubbing filter, whatever handlers a test installs."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self._guard = threading.Lock()

    def inspect(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.getMessage()} {record.__dict__}"
            if record.exc_info:
                text += logging.Formatter().formatException(record.exc_info)
        except Exception:
            text = f"{record.msg} {record.args}"
        hits = canaries.found_in(text)
        if hits:
            with self._guard:
                self.hits += [f"{hit} in a {record.levelname} record of {record.name}" for hit in hits]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "leaks_canary: the test logs a registered secret on purpose")


@pytest.fixture(autouse=True)
def canary_watch(request: pytest.FixtureRequest) -> Iterator[CanaryWatch]:
    watch = CanaryWatch()
    handle = logging.Logger.handle

    def watched(logger: logging.Logger, record: logging.LogRecord) -> None:
        watch.inspect(record)
        handle(logger, record)

    logging.Logger.handle = watched  # type: ignore[method-assign]
    canaries.take_hits()
    try:
        yield watch
    finally:
        logging.Logger.handle = handle  # type: ignore[method-assign]
    hits = watch.hits + canaries.take_hits()
    if hits and request.node.get_closest_marker("leaks_canary") is None:
        pytest.fail("a registered secret leaked:\n" + "\n".join(sorted(set(hits))[:20]), pytrace=False)
