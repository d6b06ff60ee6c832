"""`bot.gitrepo._tokens` splits git's NUL-terminated output read in chunks that may come back short.

Growth is compared between n and 16n (about 16 when linear, 256 when quadratic), best of three runs, against
a generous bound (three times linear), as in `tests/hardening/test_adversarial_growth.py`.
"""

from __future__ import annotations

import io
from typing import IO, cast

from bot.gitrepo import _tokens
from tests.timing import cpu_seconds

GROWTH = 16
MAX_RATIO = 3 * GROWTH
SHORT_READ = 1_024  # what a pipe may hand over per read when git writes slowly


class _ShortReads(io.RawIOBase):
    """A stream that never returns more than `SHORT_READ` bytes per read, as an unbuffered pipe may."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        step = SHORT_READ if size < 0 else min(size, SHORT_READ)
        chunk = bytes(self._data[self._at : self._at + step])
        self._at += len(chunk)
        return chunk


def _short_reads(data: bytes) -> IO[bytes]:
    return cast(IO[bytes], _ShortReads(data))


def test_fields_split_across_short_reads_come_back_whole() -> None:
    fields = [b"", b"a" * 5_000, b"b", b"", b"c" * 1_023, b"d" * 1_024, b"tail"]
    data = b"\0".join(fields)

    assert list(_tokens(_short_reads(data))) == fields
    assert list(_tokens(_short_reads(data + b"\0"))) == fields  # a final NUL adds no empty field
    assert list(_tokens(_short_reads(b""))) == []


def _best_seconds(data: bytes) -> float:
    return cpu_seconds(lambda: list(_tokens(_short_reads(data))))


def test_one_long_field_read_in_short_chunks_costs_time_linear_in_its_size() -> None:
    """A 32 MB author name once took 514 reads and seconds: each read re-split all that was pending."""
    base = 128 * SHORT_READ
    small, large = (_best_seconds(b"x" * size + b"\0next\0") for size in (base, GROWTH * base))
    assert large / max(small, 1e-3) < MAX_RATIO
