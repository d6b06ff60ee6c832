"""Hostile manifests, straight into `scan_file`: bombs, binaries, broken encodings, host references.

Each ends in bounded time and memory (the suite's timeout is the bound; speed is measured in bench/) with a
`ScanResult` that says why a file was not fully read, and still reports the secrets it could see.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.core.config import ScanConfig, ScanLimits
from bot.core.findings import NoticeKind, ScanResult
from tests.hardening.properties import RULES, check_scan

TOKEN = "ghp_" + "Hard3n1ngT0k3n" * 2 + "Ab9xQ7wE"
CANARY_ENV = "SECRETS_BOT_CANARY_" + "AWS_SECRET_ACCESS_KEY"
CANARY_VALUE = "canaryEnvValue" + "Q9z" * 8


def scan(path: str, data: bytes, config: ScanConfig | None = None) -> ScanResult:
    from bot.core.scanner import scan_file

    result = scan_file(path, data, ruleset=RULES, config=config or ScanConfig())
    check_scan(path, data, result)
    return result


def kinds(result: ScanResult) -> set[NoticeKind]:
    return {notice.kind for notice in result.notices}


def token_lines(result: ScanResult) -> set[int]:
    return {finding.line for finding in result.findings}


def billion_laughs(levels: int = 12) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_stops_at_the_expansion_limit_and_still_reports_the_token() -> None:
    text = f"provider:\n  environment:\n    GITHUB_TOKEN: {TOKEN}\n" + billion_laughs()
    result = scan("serverless.yml", text.encode())
    assert NoticeKind.ALIAS_LIMIT in kinds(result)
    assert token_lines(result) == {3}


@pytest.mark.parametrize(
    "nesting",
    [
        "[" * 50_000 + "]" * 50_000,
        "{a: " * 20_000 + "1" + "}" * 20_000,
        "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(500)) + "  " * 500 + "v: 1\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings"],
)
def test_deep_nesting_stops_at_the_depth_limit(nesting: str) -> None:
    text = (
        f"token: {TOKEN}\nbomb: " + nesting if not nesting.startswith("k0") else f"token: {TOKEN}\n" + nesting
    )
    result = scan("serverless.yml", text.encode())
    assert kinds(result) & {NoticeKind.DEPTH_LIMIT, NoticeKind.PARSE_ERROR}
    assert token_lines(result) == {1}


def test_deeply_nested_json_stops_at_the_depth_limit() -> None:
    text = '{"token": "' + TOKEN + '", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    result = scan("local.settings.json", text.encode())
    assert kinds(result) & {NoticeKind.DEPTH_LIMIT, NoticeKind.PARSE_ERROR}


def test_a_huge_scalar_is_scanned_in_bounds() -> None:
    text = f"provider:\n  environment:\n    GITHUB_TOKEN: {TOKEN}\n    BLOB: " + "A" * 1_900_000 + "\n"
    result = scan("serverless.yml", text.encode())
    assert token_lines(result) == {3}


def test_a_file_over_the_limit_is_a_notice_not_a_read() -> None:
    limits = ScanLimits(max_bytes=1_000)
    result = scan("serverless.yml", b"a: b\n" * 10_000, ScanConfig(limits=limits))
    assert kinds(result) == {NoticeKind.TOO_LARGE}
    assert result.findings == ()


def test_a_binary_file_named_serverless_yml_is_a_notice() -> None:
    data = bytes(range(256)) * 64 + b"\x00" * 1000 + TOKEN.encode()
    result = scan("serverless.yml", data)
    assert kinds(result) == {NoticeKind.BINARY}


def test_invalid_utf8_is_a_notice_and_the_rest_is_still_scanned() -> None:
    data = (
        b"service: a\nprovider:\n  environment:\n    GITHUB_TOKEN: "
        + TOKEN.encode()
        + b"\n    X: \xff\xfe\xc3\x28\n"
    )
    result = scan("serverless.yml", data)
    assert NoticeKind.INVALID_UTF8 in kinds(result)
    assert token_lines(result) == {4}


def test_json_with_surrogate_escapes_gives_a_result() -> None:
    data = b'{\n  "password": [\n    "\\ud800\\udc00"\n  ]\n}'
    assert isinstance(scan("serverless.yml", data), ScanResult)


@pytest.fixture
def canary_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(CANARY_ENV, CANARY_VALUE)
    yield CANARY_VALUE


def test_env_and_file_references_are_never_resolved_against_the_host(
    canary_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scanner is pure: it neither reads the process environment nor opens files a manifest names."""
    opened: list[str] = []
    real_open = open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spy)
    text = (
        "provider:\n  environment:\n"
        f"    A: ${{env:{CANARY_ENV}}}\n"
        "    B: ${file(/etc/passwd)}\n"
        "    C: ${file(../../../../etc/shadow):root}\n"
        f"    D: ${{env:{CANARY_ENV}, 'fallback'}}\n"
        "    E: ${ssm:/svc/key}\n"
    )
    result = scan("serverless.yml", text.encode())
    said = repr(result)
    assert canary_env not in said
    assert "root:" not in said
    assert not [path for path in opened if "passwd" in path or "shadow" in path]
    assert os.environ[CANARY_ENV] == canary_env
