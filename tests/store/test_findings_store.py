"""The findings store's rules, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.findings import Finding, Severity
from bot.store import BaselineState, FindingState, SqlFindingsStore

REPO = "octo/api"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


def finding(fingerprint: str, path: str = "serverless.yml", line: int = 3) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=5,
        end_line=line,
        key="provider.environment.API_KEY",
        rule="aws-access-key",
        severity=Severity.HIGH,
        message="hard-coded",
        redacted="AKIA…(20)",
        fingerprint=fingerprint,
        platform="serverless",
    )


def test_a_new_finding_is_open_with_where_and_when_it_was_first_seen(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1")], complete=True, at=T0)
    store.record_default_branch_scan(REPO, "b" * 40, [finding("f1", line=7)], complete=True, at=T1)
    [stored] = store.open_findings(REPO)
    assert (stored.fingerprint, stored.path, stored.line, stored.rule) == (
        "f1",
        "serverless.yml",
        7,
        "aws-access-key",
    )
    assert (stored.severity, stored.redacted, stored.platform) == ("high", "AKIA…(20)", "serverless")
    assert (stored.first_seen_sha, stored.first_seen_at, stored.last_seen_at) == ("a" * 40, T0, T1)
    assert stored.state is FindingState.OPEN and stored.fixed_at is None and stored.fix_pull is None
    assert store.last_scanned_sha(REPO) == "b" * 40


def test_a_complete_scan_that_no_longer_sees_a_finding_marks_it_fixed(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1"), finding("f2")], complete=True, at=T0)
    store.record_default_branch_scan(REPO, "b" * 40, [finding("f2")], complete=True, at=T1)
    assert [f.fingerprint for f in store.open_findings(REPO)] == ["f2"]
    [fixed] = store.findings(REPO, FindingState.FIXED)
    assert (fixed.fingerprint, fixed.fixed_at) == ("f1", T1)
    store.record_default_branch_scan(REPO, "c" * 40, [finding("f1")], complete=True, at=T2)
    reopened = {f.fingerprint: f for f in store.findings(REPO)}
    assert reopened["f1"].state is FindingState.OPEN and reopened["f1"].fixed_at is None
    assert reopened["f1"].first_seen_sha == "a" * 40
    assert reopened["f2"].state is FindingState.FIXED


def test_an_incomplete_scan_never_marks_anything_fixed(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1")], complete=True, at=T0)
    store.record_default_branch_scan(REPO, "b" * 40, [], complete=False, at=T1)
    assert [f.fingerprint for f in store.open_findings(REPO)] == ["f1"]


def test_a_scan_fixes_only_what_is_within_its_scope(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(
        REPO, "a" * 40, [finding("f1", "a.yml"), finding("f2", "b.yml")], complete=True, at=T0
    )
    store.record_default_branch_scan(REPO, "b" * 40, [], complete=True, at=T1, scope={"a.yml"})
    assert {f.fingerprint: f.state for f in store.findings(REPO)} == {
        "f1": FindingState.FIXED,
        "f2": FindingState.OPEN,
    }


def test_repositories_are_kept_apart_and_forgotten_entirely(store: SqlFindingsStore) -> None:
    store.track_repository(REPO, installation_id=7, default_branch="main")
    store.track_repository("octo/web", installation_id=7)
    store.track_repository("other/x", installation_id=8)
    for repo in (REPO, "octo/web", "other/x"):
        store.record_default_branch_scan(repo, "a" * 40, [finding("f1")], complete=True, at=T0)
    store.forget_repository(REPO)
    assert store.findings(REPO) == [] and store.last_scanned_sha(REPO) is None
    assert len(store.findings("octo/web")) == 1
    store.forget_installation(7)
    assert store.findings("octo/web") == [] and store.baseline_progress(7) == (0, 0)
    assert len(store.findings("other/x")) == 1 and store.baseline_progress(8) == (0, 1)


def test_baseline_progress_counts_done_and_skipped_repositories(store: SqlFindingsStore) -> None:
    for name in ("o/a", "o/b", "o/c"):
        store.track_repository(name, installation_id=9)
    assert store.baseline_state("o/a") is None
    store.mark_baseline("o/a", BaselineState.DONE)
    store.mark_baseline("o/b", BaselineState.SKIPPED)
    store.mark_baseline("o/c", BaselineState.PENDING)
    assert store.baseline_progress(9) == (2, 3)
    assert store.baseline_state("o/a") is BaselineState.DONE


def test_progress_survives_reopening_the_store(database_url: str, store: SqlFindingsStore) -> None:
    from bot.store import open_store

    store.track_repository("o/a", installation_id=9)
    store.mark_baseline("o/a", BaselineState.DONE)
    again = open_store(database_url)
    assert again.baseline_progress(9) == (1, 1)
    again.close()
