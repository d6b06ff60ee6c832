"""The overview's reads: findings of the named repositories only, and what the store knows of each."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import FindingState, RepositoryDetails, SqlFindingsStore
from tests.store.test_findings_store import finding

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_findings_in_returns_only_the_named_repositories_in_every_state(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan("octo/a", "a" * 40, [finding("f1"), finding("f2")], complete=True, at=T0)
    store.record_default_branch_scan("octo/a", "b" * 40, [finding("f1")], complete=True, at=T0)
    store.record_default_branch_scan("octo/b", "c" * 40, [finding("f3")], complete=True, at=T0)
    found = {(f.repo, f.fingerprint, f.state) for f in store.findings_in(["octo/a", "nobody/none"])}
    assert found == {("octo/a", "f1", FindingState.OPEN), ("octo/a", "f2", FindingState.FIXED)}
    assert store.findings_in([]) == []


def test_repository_details_name_installation_branch_scanned_sha_and_issue(store: SqlFindingsStore) -> None:
    store.track_repository("octo/a", installation_id=7, default_branch="trunk")
    store.record_default_branch_scan("octo/a", "a" * 40, [], complete=True, at=T0)
    store.track_repository("octo/b", installation_id=7)
    store.set_dashboard_issue("octo/b", 4)
    details = store.repository_details(["octo/a", "octo/b", "octo/c"])
    assert details == {
        "octo/a": RepositoryDetails("octo/a", 7, "trunk", "a" * 40, None),
        "octo/b": RepositoryDetails("octo/b", 7, None, None, 4),
    }


def test_many_repositories_are_read_in_batches(store: SqlFindingsStore) -> None:
    names = [f"octo/r{index}" for index in range(1203)]
    store.record_default_branch_scan(names[-1], "a" * 40, [finding("f1")], complete=True, at=T0)
    assert [f.repo for f in store.findings_in(names)] == [names[-1]]
