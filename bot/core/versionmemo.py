"""Answers remembered across the versions of the files a history scan reads.

A history scan reads each version of a manifest whole, and successive versions differ by a line or two, so
the questions a file asks about its own strings (`bot.core.perfile`, which forgets them with the file) come
back version after version: in the benchmark's history, 721 distinct values were analysed for references
7,039 times. Within `across_versions`, `recall` and `keep` answer such a question from the versions
scanned before. The answer to a question depends only on its text, so remembering it changes no finding.

Nothing held here is a value in clear: a question is held as a keyed BLAKE2s digest of its text
(`bot.core.keymemo.digest`), and callers keep only answers that hold no literal text of the value (spans,
kinds and reference names). The memory is bounded by answers and by an estimate of their bytes, emptied
when either is full, and lives as long as the history scan that made it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from bot.core.keymemo import digest

MAX_ENTRIES = 65_536
MAX_BYTES = 16 << 20  # estimated by the callers' `size`
MAX_TEXT = 4096  # a longer question (a whole file) is answered each time, never remembered


class VersionMemory:
    """Answers by question name and digest of the question's text; bounded, emptied when full."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, bytes], Any] = {}
        self._bytes = 0

    def recall(self, question: str, text: str) -> Any:
        """The answer kept for `text`, or None."""
        if len(text) > MAX_TEXT:
            return None
        return self._answers.get((question, digest(text)))

    def keep(self, question: str, text: str, answer: Any, size: int) -> None:
        """Remember `answer` (never None; at most `size` bytes estimated) for `text`."""
        if len(text) > MAX_TEXT:
            return
        if len(self._answers) >= MAX_ENTRIES or self._bytes + size > MAX_BYTES:
            self._answers.clear()
            self._bytes = 0
        self._answers[question, digest(text)] = answer
        self._bytes += size

    def held(self) -> tuple[int, int, list[tuple[str, bytes]]]:
        """Answers held, their estimated bytes and their keys (for the tests of the bounds)."""
        return len(self._answers), self._bytes, list(self._answers)


_CURRENT: ContextVar[VersionMemory | None] = ContextVar("version_memory", default=None)


@contextmanager
def across_versions(memory: VersionMemory) -> Iterator[None]:
    """Within this block, `current` is `memory`."""
    token = _CURRENT.set(memory)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> VersionMemory | None:
    """The memory of the history scan under way; None in any other scan."""
    return _CURRENT.get()
