"""A file that emits nothing makes no `Emitter` (issue 16): its settled findings, legacy notices and
suppressed findings are then empty, as an `Emitter` made at once would say. Each case is scanned both ways,
with an inline ignore, a legacy allowlist entry, a token in a comment, a broken file read line by line,
and files with no finding at all."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bot.core import scanner
from bot.core.config import Allowlist, ScanConfig
from bot.core.findings import ScanResult, legacy_fingerprint
from tests.core.test_scanner_cases import CASES, GITHUB, PASSWORD, RULESET

_IGNORED = (
    "service: svc\nprovider:\n  name: aws\n  environment:\n"
    f"    A_TOKEN: {GITHUB}  # secrets-bot: ignore[github-pat]\n"
)
_COMMENTED = f"service: svc\nprovider:\n  name: aws\n# old: {GITHUB}\n"
_PLAIN = "service: svc\nprovider:\n  name: aws\n  environment:\n    STAGE: dev\n"
_BROKEN = f"service: svc\nprovider:\n  environment:\n    DB_PASSWORD: {PASSWORD}\n  bad: [\n"
_LEGACY = f"service: svc\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: {PASSWORD}\n"


def _random_manifests(count: int) -> Iterator[str]:
    """Serverless manifests of plain settings, some with a password, a token or a comment."""
    rng = random.Random(16)
    values = ["dev", "eu-west-1", "128", PASSWORD, GITHUB, "${ssm:/a/b}", "~true", "x=1 --flag"]
    keys = ["STAGE", "DB_PASSWORD", "API_TOKEN", "REGION", "MEMORY"]
    for _ in range(count):
        lines = ["service: svc", "provider:", "  name: aws", "  environment:"]
        for _ in range(rng.randint(0, 5)):
            lines.append(f"    {rng.choice(keys)}{rng.randint(0, 9)}: {rng.choice(values)}")
            if rng.random() < 0.2:
                lines.append(f"    # {rng.choice(keys)}: {rng.choice(values)}")
        yield "\n".join(lines) + "\n"


def _cases() -> Iterator[tuple[str, str]]:
    for case in CASES:
        yield case.path, case.text
    for text in (_IGNORED, _COMMENTED, _PLAIN, _BROKEN, *_random_manifests(60)):
        yield "serverless.yml", text


def _scan(path: str, text: str, config: ScanConfig) -> ScanResult:
    return scanner.scan_file(path, text.encode(), ruleset=RULESET, config=config)


def _eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scan makes its `Emitter` first, as before (the reference)."""
    made = scanner._FileScan.__init__

    def making(self: scanner._FileScan, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        assert self.emit is not None

    monkeypatch.setattr(scanner._FileScan, "__init__", making)


def _configs() -> list[ScanConfig]:
    legacy = legacy_fingerprint(
        path="serverless.yml", key="provider.environment.DB_PASSWORD", rule="x", value=""
    )
    return [ScanConfig(), ScanConfig(allowlist=Allowlist(fingerprints=frozenset({legacy})))]


def test_scans_without_an_emitter_are_those_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = list(_cases())
    for config in _configs():
        lazy = [_scan(path, text, config) for path, text in cases]
        with monkeypatch.context() as patch:
            _eager(patch)
            eager = [_scan(path, text, config) for path, text in cases]
        assert lazy == eager
    assert any(not result.findings for result in lazy)
    assert any(result.suppressed for result in lazy)


def test_a_legacy_entry_is_told_without_an_emitter_made_first(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _scan("serverless.yml", _LEGACY, ScanConfig())
    found = next(f for f in first.findings if f.rule == "generic-password")
    old = legacy_fingerprint(path=found.path, key=found.key, rule=found.rule, value=PASSWORD)
    config = ScanConfig(allowlist=Allowlist(fingerprints=frozenset({old})))
    lazy = _scan("serverless.yml", _LEGACY, config)
    with monkeypatch.context() as patch:
        _eager(patch)
        eager = _scan("serverless.yml", _LEGACY, config)
    assert lazy == eager
    assert any(old in notice.message for notice in lazy.notices)
