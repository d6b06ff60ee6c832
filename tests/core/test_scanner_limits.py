"""Bad input: every limit and failure has a notice, and a broken manifest never hides a secret."""

from __future__ import annotations

from bot.core.config import ScanConfig, ScanLimits
from bot.core.findings import NoticeKind, Severity
from tests.core.test_scanner_cases import GITHUB, PASSWORD, PEM, pem_block, scan, serious


def kinds(path: str, data: bytes, config: ScanConfig | None = None) -> list[NoticeKind]:
    result = scan(path, data, config) if config else scan(path, data)
    return [notice.kind for notice in result.notices]


def test_broken_yaml_is_scanned_line_by_line_and_says_where_it_broke() -> None:
    text = (
        "service: svc\nprovider:\n  environment:\n    A: [unclosed\n"
        f"    DB_PASSWORD: {PASSWORD}\n    GITHUB_TOKEN: '{GITHUB}'\n"
    )
    result = scan("serverless.yml", text)
    assert result.platform == "serverless"
    (notice,) = result.notices
    assert notice.kind is NoticeKind.PARSE_ERROR
    assert notice.line is not None and "line" in notice.message and "line by line" in notice.message
    assert serious(result) == {5: "generic-password", 6: "github-pat"}
    assert all(f.remediation and f.remediation.replacement is None for f in result.findings)
    assert all(GITHUB not in f.message and PASSWORD not in f.message for f in result.findings)


def test_broken_json_with_a_multiline_key_is_still_caught() -> None:
    text = '{\n  "Values": {\n    "KEY": "x",,\n  }\n' + pem_block("") + "}\n"
    result = scan("local.settings.json", text)
    assert [n.kind for n in result.notices] == [NoticeKind.PARSE_ERROR]
    pem = [f for f in result.findings if f.rule == "private-key"]
    assert [(f.line, f.end_line) for f in pem] == [(5, 5 + PEM.count("\n") - 1)]


def test_yaml_bomb_stops_at_the_alias_limit() -> None:
    lines = [
        "service: svc",
        "provider:",
        "  name: aws",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join(f"*{previous}" for _ in range(9)) + "]")
        previous = name
    lines.append(f"secret_token: {GITHUB}")
    result = scan("serverless.yml", "\n".join(lines) + "\n")
    assert [n.kind for n in result.notices] == [NoticeKind.ALIAS_LIMIT]
    assert serious(result) == {len(lines): "github-pat"}


def test_deep_nesting_stops_at_the_depth_limit() -> None:
    deep = "service: svc\nprovider:\n  name: aws\nk: " + "[" * 5000 + "]" * 5000 + "\n"
    assert kinds("serverless.yml", deep.encode()) == [NoticeKind.DEPTH_LIMIT]


def test_binary_content_is_not_scanned() -> None:
    assert kinds("local.settings.json", b'{"Values": {"A": "\x00\x01\x02"}}') == [NoticeKind.BINARY]


def test_invalid_utf8_is_reported_and_the_rest_is_still_scanned() -> None:
    data = b"service: svc\nprovider:\n  name: \xff\xfe\n  environment:\n    TOKEN: " + GITHUB.encode() + b"\n"
    result = scan("serverless.yml", data)
    assert [n.kind for n in result.notices] == [NoticeKind.INVALID_UTF8]
    assert result.notices[0].line == 3
    assert serious(result) == {5: "github-pat"}


def test_too_large_file_is_not_read() -> None:
    config = ScanConfig(limits=ScanLimits(max_bytes=1_000))
    data = b"service: svc\n" + b"# padding\n" * 200
    assert kinds("serverless.yml", data, config) == [NoticeKind.TOO_LARGE]


def test_ten_megabyte_file_is_refused_quickly() -> None:
    data = b"service: svc\nprovider:\n  name: aws\n" + b"# " + b"x" * 10_000_000 + b"\n"
    result = scan("serverless.yml", data)
    assert [n.kind for n in result.notices] == [NoticeKind.TOO_LARGE]
    assert result.findings == ()


def test_empty_files_are_quiet_or_explained() -> None:
    assert scan("serverless.yml", b"").notices == ()
    assert scan("serverless.yml", b"").findings == ()
    assert kinds("local.settings.json", b"") == [NoticeKind.PARSE_ERROR]


def test_only_low_findings_never_fail_a_clean_file() -> None:
    result = scan(
        "serverless.yml", "service: svc\nprovider:\n  name: aws\n  environment:\n    TOKEN: ${ssm:/t}\n"
    )
    assert {f.severity for f in result.findings} == {Severity.LOW}
