"""Every fix of every rule on every platform says to rotate the exposed value before it says to store one.

Property-style: each built-in rule's examples are planted in a real manifest of every platform (the one
`tests/reports/platform_manifests.py` keeps per platform), the file is scanned as the bot scans it, and every
finding's hint, review comment, check-run text and terminal output is read: rotation (or revocation) comes
first, then the command that stores the new value.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from bot.core.findings import Finding, ScanResult, Severity
from bot.core.rules import RuleKind, RuleSet
from bot.core.ruletable import expand_example
from bot.reports.check_run import CheckContext, render_check_run
from bot.reports.review import comment_body
from bot.reports.text import render_text
from tests.reports.platform_manifests import MANIFESTS, TOKEN, scan

RULES = RuleSet.default()
ROTATE = re.compile(r"\b(?:rotate|revoke|deactivate)\b", re.IGNORECASE)
STORE = re.compile(r"\bstor(?:e|ed|ing)\b|\bsecrets? (?:set|put|create)\b|put-parameter|create-secret", re.I)
_SAFE = re.compile(
    r"^[A-Za-z0-9_+/=.:@~?&-]+$"
)  # a value every manifest format takes unquoted or quoted alike


def planted() -> Iterator[tuple[str, str, str]]:
    """(rule id, key, value) for every example of every rule that fits on one line of any format."""
    rng = random.Random(11)
    for rule in RULES.rules:
        for template in rule.examples:
            example = expand_example(template, rng)
            if rule.kind is RuleKind.KEYED:
                key, _, value = example.partition("=")
            else:
                key, value = "APP_SETTING", example
            if _SAFE.match(value) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                yield rule.id, key, value


PLANTED = list(planted())


def findings_of(platform: str) -> list[Finding]:
    path, text = MANIFESTS[platform]
    found: list[Finding] = []
    for _, key, value in PLANTED:
        result = scan(path, text.replace(TOKEN, value).replace("GITHUB_TOKEN", key))
        found.extend(f for f in result.findings if f.severity is not Severity.LOW)
    return found


def assert_rotation_first(text: str, what: str) -> None:
    rotate = ROTATE.search(text)
    assert rotate is not None, f"{what} never says to rotate: {text[:300]!r}"
    store = STORE.search(text)
    assert store is None or rotate.start() < store.start(), f"{what} stores before rotating: {text[:300]!r}"


@pytest.mark.parametrize("platform", sorted(MANIFESTS))
def test_every_fix_says_to_rotate_before_it_stores(platform: str) -> None:
    found = findings_of(platform)
    assert len(found) >= 10, f"too few planted examples were found on {platform}"
    for finding in found:
        fix = finding.remediation
        assert fix is not None and fix.runtime_hint, f"{finding.rule} on {platform} has no hint"
        what = f"{finding.rule} on {platform}"
        assert_rotation_first(fix.runtime_hint, f"the hint of {what}")
        body = comment_body(finding, pushed=True)
        assert_rotation_first(body, f"the review comment of {what}")
        if fix.store_command:
            assert ROTATE.search(body).start() < body.index(fix.store_command)  # type: ignore[union-attr]
        terminal = render_text([_result(finding)], color=False)
        assert_rotation_first(terminal, f"the terminal output of {what}")
        _, output = render_check_run([finding], [], CheckContext(leaked=True, files_scanned=1))
        assert_rotation_first(output.text or "", f"the check-run text of {what}")


def test_every_rule_is_planted_and_found_on_most_platforms() -> None:
    found = {platform: {f.rule for f in findings_of(platform)} for platform in MANIFESTS}
    planted_rules = {rule for rule, _, _ in PLANTED}
    # Multi-line ones (PEM blocks) and those whose shape needs a space, `;` or `,` (connection strings,
    # `Basic <base64>`, Redis options) cannot be planted as one bare value.
    assert len(planted_rules) >= len(RULES.rules) - 8
    for rule in planted_rules:
        platforms = [platform for platform, rules in found.items() if rule in rules]
        assert len(platforms) >= len(MANIFESTS) // 2, f"{rule} found only on {platforms}"


def _result(finding: Finding) -> ScanResult:
    return ScanResult(finding.path, finding.platform, (finding,))
