"""Bytes to text, refusing what is not a manifest before any parser sees it.

Size is checked before decoding so that a huge file costs nothing; binary and badly encoded files are
reported as notices instead of being half-parsed. Messages say where a problem is, never what bytes were
there: a broken byte may sit in the middle of a secret.
"""

from __future__ import annotations

import re

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind

_SNIFF_BYTES = 8192
_MAX_CONTROL_SHARE = 0.10
# Control bytes that never appear in text files; tab, line feed, form feed and carriage return are text.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_BOM = "\ufeff"


def decode_manifest(data: bytes, limits: ScanLimits) -> str:
    """The manifest as text without a byte-order mark; raises ManifestError for anything unreadable."""
    if len(data) > limits.max_bytes:
        raise ManifestError(
            NoticeKind.TOO_LARGE, f"file is {len(data)} bytes, over the limit of {limits.max_bytes} bytes"
        )
    if is_binary(data):
        raise ManifestError(NoticeKind.BINARY, "file looks binary (NUL or control bytes), not scanned")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ManifestError(
            NoticeKind.INVALID_UTF8, f"invalid UTF-8 at line {line}, byte column {column}", line
        ) from None
    return text.removeprefix(_BOM)


def is_binary(data: bytes) -> bool:
    """A NUL byte or a high share of control bytes in the first 8 KiB: what `git diff` calls binary."""
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    if b"\0" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > _MAX_CONTROL_SHARE


# `"\ud83d\ude00"` escapes: libyaml decodes each one alone, and JSON allows a lone `"\ud800"`; no UTF-8
# encoder accepts a lone surrogate (hashing, regexes), so parsers join the pairs and replace any lone one.
SURROGATE = re.compile("[\ud800-\udfff]")


def paired_surrogates(text: str) -> str:
    """`text` with surrogate pairs joined into their character and lone surrogates replaced by U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
