from __future__ import annotations

import pytest

from bot.core.findings import (
    INCOMPLETE_KINDS,
    Finding,
    Notice,
    NoticeKind,
    ScanResult,
    Severity,
    fingerprint,
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


def test_fingerprint_is_stable_and_scoped() -> None:
    a = fingerprint(path="serverless.yml", key="provider.environment.X", rule="github-pat", value=SECRET)
    assert a == fingerprint(
        path="serverless.yml", key="provider.environment.X", rule="github-pat", value=SECRET
    )
    assert a != fingerprint(path="other.yml", key="provider.environment.X", rule="github-pat", value=SECRET)
    assert a != fingerprint(path="serverless.yml", key="provider.environment.X", rule="github-pat", value="x")
    assert SECRET not in a and len(a) == 32


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
        fingerprint=fingerprint(path="serverless.yml", key="k", rule="r", value=SECRET),
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
    first = fingerprint(path="local.settings.json", key="Values.DB_PASSWORD", rule="password", value=value)
    assert first == fingerprint(
        path="local.settings.json", key="Values.DB_PASSWORD", rule="password", value=value
    )
    assert len(first) == 32


def test_a_result_is_complete_unless_a_notice_says_part_of_the_file_was_never_judged() -> None:
    parsed_by_lines = Notice("a.yml", NoticeKind.PARSE_ERROR, "scanned line by line")
    assert ScanResult("a.yml", "serverless", notices=(parsed_by_lines,)).complete
    for kind in INCOMPLETE_KINDS:
        notice = Notice("a.yml", kind, "not judged")
        assert not ScanResult("a.yml", "serverless", notices=(parsed_by_lines, notice)).complete
