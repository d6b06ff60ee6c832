"""Answers remembered for the file being scanned only.

One file asks the same questions about its own strings many times: the scan judges each value, the
platform's targets follow `${self:}` chains through the same values again, and a token match found by the
whole-file search is judged again when the value holding it is searched (issue 16). Within `one_file`,
each named memory answers such a question from the answers of the same file; the memories last for one
file only (a nested block shares the outer one's), so they hold at most as many entries as the file has
strings and nothing, values included, carries over between files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# The memories of the file being scanned, by question; None outside a scan.
_MEMORIES: ContextVar[dict[str, dict[Any, Any]] | None] = ContextVar("file_memories", default=None)


@contextmanager
def one_file() -> Iterator[None]:
    """Within this block, `memory` returns the file's memories (the outer block's when nested)."""
    if _MEMORIES.get() is not None:
        yield
        return
    token = _MEMORIES.set({})
    try:
        yield
    finally:
        _MEMORIES.reset(token)


def memory(question: str) -> dict[Any, Any] | None:
    """The answers to `question` given so far in this file, to read and add to; None outside `one_file`.
    Only immutable answers may be kept, as callers share them."""
    memories = _MEMORIES.get()
    if memories is None:
        return None
    found = memories.get(question)
    if found is None:
        found = memories[question] = {}
    return found
