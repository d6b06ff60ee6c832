"""Nothing the store keeps holds a secret value: only the redacted preview and the keyed fingerprint."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.store import SqlFindingsStore, open_store

CANARY = "AKIAQ3EGRC7NXCANARY9"
MANIFEST = f"provider:\n  environment:\n    AWS_ACCESS_KEY_ID: {CANARY}\n".encode()


def test_a_planted_secret_is_nowhere_in_the_sqlite_file(tmp_path: Path) -> None:
    result = scan_file("serverless.yml", MANIFEST, ruleset=RuleSet.default(), config=ScanConfig())
    assert result.findings, "the canary must be found for this test to mean anything"
    store: SqlFindingsStore = open_store(f"sqlite:///{tmp_path}/findings.db")
    store.record_default_branch_scan("o/r", "a" * 40, result.findings, complete=True, at=datetime.now(UTC))
    assert store.open_findings("o/r")
    store.close()
    stored = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert CANARY.encode() not in stored and CANARY[4:12].encode() not in stored
