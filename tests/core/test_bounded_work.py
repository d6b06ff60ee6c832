"""Hostile manifests cost bounded work; what the scanner cannot finish is said, never passed as clean."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import scanner
from bot.core.config import ScanConfig, ScanLimits
from bot.core.findings import NoticeKind, Severity, fingerprint
from bot.core.judge import pairs
from bot.core.spans import DisjointSpans
from tests.core.test_scanner_cases import CONFIG, GITHUB, PASSWORD, STRIPE, fake, scan
from tests.timing import cpu_seconds

HEAD = "service: svc\nprovider:\n  name: aws\n  environment:\n"


def _growth(build: Callable[[int], str], small: int) -> float:
    """Time of the manifest at 4n over its time at n: about 4 when linear, 16 quadratic, far more worse."""
    texts = [build(small).encode(), build(4 * small).encode()]
    times = [cpu_seconds(lambda data=data: scan_bytes(data)) for data in texts]
    return times[1] / max(times[0], 1e-4)


def scan_bytes(data: bytes) -> object:
    return scan("serverless.yml", data)


def test_pairs_of_a_equals_are_judged_in_linear_time() -> None:
    # 26 pairs took 12 s with the backtracking pattern, five times more per two pairs.
    value = "a=" * 26 + '"'
    start = time.perf_counter()
    assert pairs(value, expected=True) == []
    result = scan("serverless.yml", HEAD + f"    DB_PASSWORD: '{value}'\n")
    assert time.perf_counter() - start < 5  # generous: the old code needed hours here
    assert _growth(lambda n: HEAD + f"    DB_PASSWORD: '{'a=' * n}\"'\n", 2_000) < 10
    assert result.platform == "serverless"


def test_a_long_value_under_a_secret_named_key_is_linear() -> None:
    assert _growth(lambda n: HEAD + f"    DB_PASSWORD: '{'Ab1' * n}'\n", 4_000) < 10


def test_findings_past_the_cap_are_counted_and_the_most_severe_are_listed() -> None:
    lines = [f"    DB_PASSWORD_{i}: {fake('Pw', 14)}" for i in range(30)]
    lines += [f"    TOKEN_{i}: {fake('ghp_', 36)}" for i in range(5)]
    config = ScanConfig(limits=ScanLimits(max_findings=5))
    result = scan("serverless.yml", HEAD + "\n".join(lines) + "\n", config)
    every = scan("serverless.yml", HEAD + "\n".join(lines) + "\n").findings
    assert len(result.findings) == 5 and result.omitted == len(every) - 5 >= 30
    assert {f.rule for f in result.findings} == {"github-pat"}  # high before medium
    assert all(f.severity is Severity.HIGH and f.fingerprint.startswith("v2-") for f in result.findings)
    (notice,) = result.notices
    assert (
        notice.kind is NoticeKind.TRUNCATED and f"{len(every) - 5} more findings not listed" in notice.message
    )
    assert result.complete  # every value was judged: the omitted ones still count, they are just not listed
    assert [f.line for f in result.findings] == sorted(f.line for f in result.findings)


def test_listed_findings_keep_the_fingerprints_of_an_uncapped_scan() -> None:
    text = HEAD + f"    A_TOKEN: {GITHUB}\n    B_KEY: {STRIPE}\n    DB_PASSWORD: {PASSWORD}\n"
    capped = scan("serverless.yml", text, ScanConfig(limits=ScanLimits(max_findings=1)))
    full = scan("serverless.yml", text)
    assert {f.fingerprint for f in capped.findings} <= {f.fingerprint for f in full.findings}
    assert capped.omitted == len(full.findings) - 1


def test_the_work_budget_stops_judging_keeps_what_it_found_and_marks_the_file_incomplete() -> None:
    lines = [f"    TOKEN_{i}: {fake('ghp_', 36)}" for i in range(50)]
    config = ScanConfig(limits=ScanLimits(max_work=2_000))
    result = scan("serverless.yml", HEAD + "\n".join(lines) + "\n", config)
    judged = [f for f in result.findings if f.rule == "github-pat" and f.key]
    assert 0 < len(judged) < 50
    assert [n.kind for n in result.notices] == [NoticeKind.BUDGET]
    assert not result.complete
    default = scan("serverless.yml", HEAD + "\n".join(lines) + "\n")
    assert len([f for f in default.findings if f.rule == "github-pat"]) == 50 and default.complete


def test_an_internal_error_falls_back_to_the_line_scan_and_names_only_the_error_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> None:
        raise ValueError(f"cannot handle {GITHUB}")

    monkeypatch.setattr(scanner, "parse", broken)
    result = scan("serverless.yml", HEAD + f"    GITHUB_TOKEN: {GITHUB}\n")
    assert [f.rule for f in result.findings] == ["github-pat"]
    (notice,) = result.notices
    assert notice.kind is NoticeKind.INTERNAL_ERROR and "ValueError" in notice.message
    assert GITHUB not in notice.message and "line by line" in notice.message
    assert not result.complete


def test_when_the_line_scan_fails_too_the_file_is_said_not_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RecursionError

    monkeypatch.setattr(scanner, "parse", broken)
    monkeypatch.setattr(scanner, "line_document", broken)
    result = scan("serverless.yml", HEAD + f"    GITHUB_TOKEN: {GITHUB}\n")
    assert result.findings == () and result.platform == "serverless"
    (notice,) = result.notices
    assert notice.kind is NoticeKind.INTERNAL_ERROR and "not scanned" in notice.message
    assert not result.complete


@pytest.mark.parametrize(
    "text",
    [
        HEAD
        + f'    GH: {GITHUB}\n    P: "\\ud800"\n'
        + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(80)),
        HEAD + f'    GH: {GITHUB}\n    A: &a ["\\ud800", b]\n    B: [' + ", ".join(["*a"] * 600) + "]\n",
        HEAD + f'    GH: {GITHUB}\n    X: "\\ud800"\n    Y: ' + "[" * 80 + "1" + "]" * 80 + "\n",
    ],
)
def test_deep_nesting_or_many_aliases_with_a_lone_surrogate_still_finds_the_token(text: str) -> None:
    result = scan("serverless.yml", text)
    assert "github-pat" in {f.rule for f in result.findings}
    assert result.notices and result.notices[0].kind in {NoticeKind.DEPTH_LIMIT, NoticeKind.ALIAS_LIMIT}


def test_a_token_used_as_a_key_is_redacted_in_key_paths_and_the_fingerprint_is_unchanged() -> None:
    text = HEAD + f"    {GITHUB}:\n      DB_PASSWORD: {PASSWORD}\n"
    result = scan("serverless.yml", text)
    nested = [f for f in result.findings if f.rule == "generic-password"]
    assert nested
    for finding in result.findings:
        assert GITHUB not in finding.key and GITHUB not in finding.message
        assert GITHUB[4:12] not in finding.key
    (finding,) = nested
    raw_key = f"provider.environment.{GITHUB}.DB_PASSWORD"
    assert finding.fingerprint == fingerprint(
        path="serverless.yml",
        key=raw_key,
        rule="generic-password",
        value=PASSWORD,
        fingerprint_key=CONFIG.fingerprint_key,
    )


def join_split_template() -> str:
    """A CloudFormation template whose token is split in two by `!Join`: no one-line fix can hold it."""
    half = len(GITHUB) // 2
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Environment:\n        Variables:\n"
        f"          TOKEN: !Join ['', ['{GITHUB[:half]}', '{GITHUB[half:]}']]\n"
    )


def test_a_token_split_with_join_gets_no_replacement_line() -> None:
    result = scan("template.yaml", join_split_template())
    found = [f for f in result.findings if f.rule == "github-pat"]
    assert found
    for finding in found:
        replacement = finding.remediation.replacement if finding.remediation else None
        assert replacement is None or not _shares_fragment(replacement, GITHUB)


def _shares_fragment(text: str, secret: str, size: int = 4) -> bool:
    return any(secret[i : i + size] in text for i in range(len(secret) - size + 1))


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8)), max_size=30))
def test_disjoint_spans_keep_what_comparing_with_every_kept_span_keeps(items: list[tuple[int, int]]) -> None:
    spans = DisjointSpans()
    kept: list[tuple[int, int]] = []
    for start, width in items:
        end = start + width
        brute = all(end <= other[0] or other[1] <= start for other in kept)
        assert spans.add(start, end) is brute
        if brute:
            kept.append((start, end))


def test_findings_hold_no_fragment_of_their_secret_beyond_the_redacted_preview() -> None:
    secrets = {"github-pat": GITHUB, "generic-password": PASSWORD}
    text = HEAD + f"    GITHUB_TOKEN: {GITHUB}\n    DB_PASSWORD: {PASSWORD}\n    {GITHUB}: x\n"
    for finding in scan("serverless.yml", text).findings:
        secret = secrets.get(finding.rule, GITHUB)  # advice: its key path must not show the token either
        replacement = finding.remediation.replacement if finding.remediation else ""
        shown = [finding.key, finding.message, replacement or ""]
        assert not any(_shares_fragment(part, secret) for part in shown)
        assert finding._replace(redacted="").redacted == ""


@pytest.mark.parametrize("deep", ["", "    Y: " + "[" * 80 + "]" * 80 + "\n"])
def test_a_lone_surrogate_under_a_secret_key_is_judged_and_reported_as_encodable_text(deep: str) -> None:
    # Before: `UnicodeEncodeError` from the well-known-value digest and RE2; the file lost every finding.
    text = HEAD + f'    "\\ud800K":\n      DB_PASSWORD: "\\ud800Xy9Zq7wPmm"\n      GH: {GITHUB}\n' + deep
    result = scan("serverless.yml", text)
    assert {f.rule for f in result.findings} == {"generic-password", "github-pat"}
    assert all(n.kind is not NoticeKind.INTERNAL_ERROR for n in result.notices)
    for finding in result.findings:
        for shown in (finding.key, finding.message, finding.redacted):
            shown.encode("utf-8")  # no lone surrogate left to break a report or a GitHub request
