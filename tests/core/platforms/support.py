"""Shared helpers for the platform tests: scanning text, applying every suggested fix, fake secrets.

Fake secrets are built by concatenation so that no secret-shaped literal sits in the repository.
"""

from __future__ import annotations

from bot.core.config import ScanConfig
from bot.core.findings import Finding, NoticeKind, Remediation, ScanResult, Severity
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

RULES = RuleSet.default()
GITHUB_TOKEN = "ghp_" + "A1b2C3d4" * 4 + "E5f6"
PASSWORD = "Zq7" + "xK9!" * 3
API_KEY = "k3Y" + "9fT2bQ7w" * 4
SECRETS = (GITHUB_TOKEN, PASSWORD, API_KEY)
SOPS_VALUE = "ENC[AES256_GCM,data:" + "Qk9" * 8 + ",iv:" + "aB1" * 10 + ",tag:" + "zZ9" * 6 + ",type:str]"


def scan(path: str, text: str) -> ScanResult:
    return scan_file(path, text.encode(), ruleset=RULES, config=ScanConfig())


def serious(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.severity in (Severity.MEDIUM, Severity.HIGH)]


def serious_lines(path: str, text: str) -> list[int]:
    return sorted(f.line for f in serious(scan(path, text)))


def remediation_at(path: str, text: str, line: int) -> Remediation:
    """The fix of the medium/high finding that starts at `line`; the test fails when it has none."""
    finding = next(f for f in serious(scan(path, text)) if f.line == line)
    assert finding.remediation is not None
    return finding.remediation


def assert_no_value_leaks(result: ScanResult) -> None:
    """No message, preview or fix of any finding repeats a secret."""
    for finding in result.findings:
        remediation = finding.remediation
        texts = [finding.message, finding.redacted, finding.key]
        if remediation is not None:
            texts += [
                remediation.replacement or "",
                remediation.store_command or "",
                remediation.runtime_hint or "",
            ]
        for secret in SECRETS:
            assert all(secret not in text for text in texts), (
                f"{finding.rule} at line {finding.line} repeats a secret"
            )


def apply_fixes(text: str, result: ScanResult) -> str:
    """Every finding's replacement applied to the lines it spans (findings on one value share one line)."""
    lines = text.split("\n")
    fixes: dict[int, tuple[int, str]] = {}
    for finding in serious(result):
        assert finding.remediation is not None and finding.remediation.replacement is not None, finding.rule
        fixes[finding.line] = (finding.end_line, finding.remediation.replacement)
    for line in sorted(fixes, reverse=True):
        end_line, replacement = fixes[line]
        lines[line - 1 : end_line] = [replacement]
    return "\n".join(lines)


def assert_fix_property(path: str, text: str) -> str:
    """Applying every fix leaves a file of the same platform that parses and holds no medium/high secret."""
    before = scan(path, text)
    assert serious(before), "the sample must contain secrets"
    assert_no_value_leaks(before)
    fixed = apply_fixes(text, before)
    after = scan(path, fixed)
    assert after.platform == before.platform
    assert not [n for n in after.notices if n.kind is NoticeKind.PARSE_ERROR]
    assert not serious(after), [(f.line, f.rule) for f in serious(after)]
    assert all(secret not in fixed for secret in SECRETS)
    return fixed
