"""Allowlisting by fingerprint under the keyed (v2) scheme, and the migration of legacy (v1) entries."""

from __future__ import annotations

import pytest

import bot.core.emit
from bot.core.config import Allowlist, ScanConfig
from bot.core.findings import Finding, NoticeKind, ScanResult, legacy_fingerprint
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

KEY = bytes.fromhex("11" * 32)
OTHER_KEY = bytes.fromhex("22" * 32)
PASSWORD = "Welcome1"
MANIFEST = (
    "service: api\n"
    "provider:\n"
    "  name: aws\n"
    "  environment:\n"
    f"    DB_PASSWORD: {PASSWORD}\n"
    "    STRIPE_KEY: sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + "\n"
)
BROKEN = MANIFEST + "  bad: [unclosed\n"  # a parse error: the file is read line by line instead
RULES = RuleSet.default()


def scan(fingerprints: frozenset[str] = frozenset(), key: bytes = KEY, text: str = MANIFEST) -> ScanResult:
    config = ScanConfig(allowlist=Allowlist(fingerprints=fingerprints), fingerprint_key=key)
    return scan_file("serverless.yml", text.encode(), ruleset=RULES, config=config)


def password_finding(result: ScanResult) -> Finding:
    return next(f for f in result.findings if f.key.endswith("DB_PASSWORD"))


def v1(finding: Finding, value: str = PASSWORD) -> str:
    return legacy_fingerprint(path=finding.path, key=finding.key, rule=finding.rule, value=value)


def test_a_v2_entry_hides_its_finding_only_under_the_key_it_was_made_with() -> None:
    found = password_finding(scan())
    assert found.fingerprint.startswith("v2-")
    assert scan(key=OTHER_KEY).findings[0].fingerprint not in {f.fingerprint for f in scan().findings}
    hidden = scan(frozenset({found.fingerprint}))
    assert found.fingerprint not in {f.fingerprint for f in hidden.findings}
    assert len(hidden.findings) == len(scan().findings) - 1
    assert hidden.notices == ()
    assert password_finding(scan(frozenset({found.fingerprint}), key=OTHER_KEY))  # another key: not hidden


def test_fingerprints_are_stable_across_runs_with_the_same_key() -> None:
    assert [f.fingerprint for f in scan().findings] == [f.fingerprint for f in scan().findings]


@pytest.mark.parametrize("text", [MANIFEST, BROKEN], ids=["parsed", "line-scan"])
def test_a_legacy_entry_still_hides_its_finding_and_says_what_replaces_it(text: str) -> None:
    before = scan(text=text)
    found = password_finding(before)
    old = v1(found)
    after = scan(frozenset({old}), text=text)
    assert found.fingerprint not in {f.fingerprint for f in after.findings}
    assert len(after.findings) == len(before.findings) - 1
    legacy = [n for n in after.notices if n.kind is NoticeKind.LEGACY_FINGERPRINT]
    assert len(legacy) == 1
    assert old in legacy[0].message and found.fingerprint in legacy[0].message
    assert legacy[0].line == found.line
    assert PASSWORD not in legacy[0].message
    assert after.complete == before.complete  # a migration hint, not a gap in coverage


def test_a_legacy_entry_for_another_value_hides_nothing() -> None:
    found = password_finding(scan())
    result = scan(frozenset({v1(found, value="Welcome2")}))
    assert password_finding(result).fingerprint == found.fingerprint
    assert result.notices == ()


def test_the_legacy_pbkdf2_runs_only_when_the_allowlist_has_legacy_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def counting(**place: str) -> str:
        calls.append(place["rule"])
        return legacy_fingerprint(**place)

    monkeypatch.setattr(bot.core.emit, "legacy_fingerprint", counting)
    scan(frozenset({"v2-" + "0" * 32}))
    assert calls == []
    found = password_finding(scan())
    scan(frozenset({"0" * 32, found.fingerprint}))
    # Once per finding not hidden otherwise: the allowlisted v2 one costs nothing.
    assert 0 < len(calls) < len(scan().findings)
