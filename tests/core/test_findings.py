from __future__ import annotations

import pytest

from bot.core.findings import (
    FINGERPRINT_PREFIX,
    INCOMPLETE_KINDS,
    Finding,
    Notice,
    NoticeKind,
    ScanResult,
    Severity,
    fingerprint,
    is_legacy_fingerprint,
    legacy_fingerprint,
    meets,
    redact,
)

SECRET = "ghp_" + "Zq8Xw2Lm" * 4 + "Ab12"


def test_redact_shows_at_most_a_quarter_of_the_value() -> None:
    preview = redact(SECRET)
    shown = preview.replace("*", "")
    assert len(shown) <= len(SECRET) // 4
    assert SECRET not in preview
    assert preview.startswith("ghp_")


@pytest.mark.parametrize("value", ["", "a", "abc", "hunter2", "hunter2hunter2"])
def test_redact_short_values_reveal_almost_nothing(value: str) -> None:
    preview = redact(value)
    assert len(preview.replace("*", "")) <= max(len(value) // 4, 0) or preview == "(empty)"


KEY = bytes.fromhex("6b" * 32)
OTHER_KEY = bytes.fromhex("6c" * 32)
V1_WELCOME1 = "1f1fed71b860237dea85b08caf3a7997"  # computed by the v1 code before v2 existed
WORDS = ("password", "letmein", "Summer2024", "Welcome1", "qwerty123", "admin", "changeme", "hunter2")


def test_fingerprint_is_stable_and_scoped() -> None:
    a = fingerprint(
        path="serverless.yml",
        key="provider.environment.X",
        rule="github-pat",
        value=SECRET,
        fingerprint_key=KEY,
    )
    assert a == fingerprint(
        path="serverless.yml",
        key="provider.environment.X",
        rule="github-pat",
        value=SECRET,
        fingerprint_key=KEY,
    )
    others = [
        fingerprint(
            path="other.yml",
            key="provider.environment.X",
            rule="github-pat",
            value=SECRET,
            fingerprint_key=KEY,
        ),
        fingerprint(
            path="serverless.yml",
            key="provider.environment.Y",
            rule="github-pat",
            value=SECRET,
            fingerprint_key=KEY,
        ),
        fingerprint(
            path="serverless.yml", key="provider.environment.X", rule="jwt", value=SECRET, fingerprint_key=KEY
        ),
        fingerprint(
            path="serverless.yml",
            key="provider.environment.X",
            rule="github-pat",
            value="x",
            fingerprint_key=KEY,
        ),
    ]
    assert a not in others
    assert SECRET not in a
    assert a.startswith(FINGERPRINT_PREFIX) and len(a) == len(FINGERPRINT_PREFIX) + 32
    assert not is_legacy_fingerprint(a)


def test_different_keys_give_different_fingerprints() -> None:
    prints = {
        fingerprint(path="s.yml", key="k", rule="password", value="Welcome1", fingerprint_key=key)
        for key in (KEY, OTHER_KEY, b"", b"\x01" * 32)
    }
    assert len(prints) == 4


def test_the_parts_cannot_be_shifted_into_each_other() -> None:
    """`a/b` + `c` and `a` + `b/c` (or a NUL inside a part) must not give the same message to the HMAC."""
    first = fingerprint(path="a\0b", key="c", rule="r", value="v", fingerprint_key=KEY)
    second = fingerprint(path="a", key="b\0c", rule="r", value="v", fingerprint_key=KEY)
    assert first != second


def test_a_weak_password_cannot_be_found_from_its_fingerprint_without_the_key() -> None:
    """The v1 attack: recompute candidates with the fixed salt from the source, or with any other key."""
    place = {"path": "serverless.yml", "key": "provider.environment.DB_PASSWORD", "rule": "password"}
    published = fingerprint(**place, value="Welcome1", fingerprint_key=KEY)
    guesses_without_key = {
        guess
        for word in WORDS
        for guess in (
            legacy_fingerprint(**place, value=word),
            FINGERPRINT_PREFIX + legacy_fingerprint(**place, value=word),
            *(
                fingerprint(**place, value=word, fingerprint_key=key)
                for key in (b"", OTHER_KEY, b"\x01" * 32)
            ),
        )
    }
    assert published not in guesses_without_key
    # Only the holder of the key can check a guess.
    assert published in {fingerprint(**place, value=word, fingerprint_key=KEY) for word in WORDS}


def test_the_legacy_fingerprint_is_the_v1_scheme_and_unprefixed() -> None:
    old = legacy_fingerprint(path="serverless.yml", key="k", rule="password", value="Welcome1")
    # Pinned: entries written under v1 must keep matching; a change here would silently break allowlists.
    assert old == V1_WELCOME1
    assert is_legacy_fingerprint(old) and len(old) == 32


def test_finding_repr_cannot_show_the_value() -> None:
    finding = Finding(
        path="serverless.yml",
        line=3,
        column=5,
        end_line=3,
        key="provider.environment.X",
        rule="github-pat",
        severity=Severity.HIGH,
        message="GitHub token",
        redacted=redact(SECRET),
        fingerprint=fingerprint(path="serverless.yml", key="k", rule="r", value=SECRET, fingerprint_key=KEY),
    )
    assert SECRET not in repr(finding)


@pytest.mark.parametrize(
    ("severity", "fail_on", "expected"),
    [
        (Severity.HIGH, "medium", True),
        (Severity.MEDIUM, "medium", True),
        (Severity.LOW, "medium", False),
        (Severity.LOW, "low", True),
        (Severity.HIGH, "never", False),
        (Severity.MEDIUM, "high", False),
    ],
)
def test_meets_threshold(severity: Severity, fail_on: str, expected: bool) -> None:
    assert meets(severity, fail_on) is expected


def test_fingerprint_accepts_lone_surrogates_from_json_escapes() -> None:
    value = "pa\ud800ss" + "word" * 3
    place = {"path": "local.settings.json", "key": "Values.DB_PASSWORD", "rule": "password"}
    first = fingerprint(**place, value=value, fingerprint_key=KEY)
    assert first == fingerprint(**place, value=value, fingerprint_key=KEY)
    assert first != fingerprint(**place, value="pa\ud801ss" + "word" * 3, fingerprint_key=KEY)
    assert len(legacy_fingerprint(**place, value=value)) == 32


def test_a_result_is_complete_unless_a_notice_says_part_of_the_file_was_never_judged() -> None:
    parsed_by_lines = Notice("a.yml", NoticeKind.PARSE_ERROR, "scanned line by line")
    assert ScanResult("a.yml", "serverless", notices=(parsed_by_lines,)).complete
    for kind in INCOMPLETE_KINDS:
        notice = Notice("a.yml", kind, "not judged")
        assert not ScanResult("a.yml", "serverless", notices=(parsed_by_lines, notice)).complete
