from __future__ import annotations

import pytest

from bot.core.config import ScanLimits
from bot.core.decoding import decode_manifest, is_binary
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind

LIMITS = ScanLimits()


def test_plain_utf8_is_returned_unchanged() -> None:
    assert decode_manifest("service: café\n".encode(), LIMITS) == "service: café\n"


def test_empty_input_is_empty_text() -> None:
    assert decode_manifest(b"", LIMITS) == ""


def test_byte_order_mark_is_stripped() -> None:
    assert decode_manifest(b"\xef\xbb\xbfservice: api\n", LIMITS) == "service: api\n"


def test_size_limit_is_inclusive() -> None:
    limits = ScanLimits(max_bytes=10)
    assert decode_manifest(b"a: 1234567", limits) == "a: 1234567"
    with pytest.raises(ManifestError) as caught:
        decode_manifest(b"a: 12345678", limits)
    assert caught.value.kind is NoticeKind.TOO_LARGE
    assert "11 bytes" in caught.value.message


def test_size_is_checked_before_content() -> None:
    with pytest.raises(ManifestError) as caught:
        decode_manifest(b"\0" * 20, ScanLimits(max_bytes=10))
    assert caught.value.kind is NoticeKind.TOO_LARGE


def test_nul_byte_means_binary() -> None:
    with pytest.raises(ManifestError) as caught:
        decode_manifest(b"a: 1\n\0b: 2\n", LIMITS)
    assert caught.value.kind is NoticeKind.BINARY


def test_high_share_of_control_bytes_means_binary() -> None:
    assert is_binary(bytes(range(1, 32)) * 20)
    assert not is_binary(b"name: value\x1b\n" + b"x" * 200)
    assert not is_binary(b"a:\tb\r\n\x0c")


def test_invalid_utf8_reports_line_but_not_bytes() -> None:
    secret = "pw_" + "Zq9" * 6
    data = b"a: 1\nb: 2\npassword: " + secret.encode() + b"\xff\xfe\n"
    with pytest.raises(ManifestError) as caught:
        decode_manifest(data, LIMITS)
    error = caught.value
    assert error.kind is NoticeKind.INVALID_UTF8
    assert error.line == 3
    assert "line 3" in error.message
    assert secret not in error.message
    assert "ff" not in error.message.lower()
    assert error.__cause__ is None
    assert error.__suppress_context__
