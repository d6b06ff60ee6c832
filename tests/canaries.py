"""Values that must never reach a log line or a request to GitHub: fake secrets planted in manifests, test
App private keys, webhook secrets and installation tokens issued by the fake GitHub.

Fakes and fixtures `register` them; `tests/hardening/canary.py` (an autouse fixture for the whole suite)
watches every log record, and the fakes call `check` on what the bot sends them. A hit is reported by a
short label, never by the value itself.
"""

from __future__ import annotations

import threading

MIN_LENGTH = 12  # shorter strings match too much ordinary text to be worth watching

_values: set[str] = set()
_hits: list[str] = []
_lock = threading.Lock()


def register(*values: str) -> None:
    with _lock:
        _values.update(value for value in values if len(value) >= MIN_LENGTH)


def label(value: str) -> str:
    return f"canary {value[:4]}...({len(value)} chars)"


def found_in(text: str) -> list[str]:
    """Labels of the registered values that occur in `text` (a PEM key matches by any of its body lines)."""
    with _lock:
        values = list(_values)
    return [label(value) for value in values if _occurs(value, text)]


def _occurs(value: str, text: str) -> bool:
    if "-----BEGIN" in value:
        body = [line for line in value.splitlines() if line and not line.startswith("-----")]
        return any(line in text for line in body[1:-1])
    return value in text


def check(where: str, text: str) -> None:
    """Called by the fakes on what they receive; the autouse fixture fails the test on any hit."""
    for hit in found_in(text):
        with _lock:
            _hits.append(f"{hit} in {where}")


def take_hits() -> list[str]:
    with _lock:
        hits = list(_hits)
        _hits.clear()
    return hits
