"""The fix pull request a finding is waiting on, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from bot.store import SqlFindingsStore
from tests.store.test_findings_store import REPO, T0, finding


def test_the_fix_pull_request_is_recorded_for_the_named_findings_only(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1"), finding("f2")], complete=True, at=T0)
    store.record_default_branch_scan("octo/other", "b" * 40, [finding("f1")], complete=True, at=T0)

    store.set_fix_pull(REPO, ["f1", "unknown"], 7)
    store.set_fix_pull(REPO, [], 8)

    assert {f.fingerprint: f.fix_pull for f in store.findings(REPO)} == {"f1": 7, "f2": None}
    assert [f.fix_pull for f in store.findings("octo/other")] == [None]


def test_a_later_fix_pull_request_replaces_the_earlier_one(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1")], complete=True, at=T0)

    store.set_fix_pull(REPO, {"f1"}, 7)
    store.set_fix_pull(REPO, {"f1"}, 9)

    assert [f.fix_pull for f in store.open_findings(REPO)] == [9]


def test_a_fix_pull_request_closed_unmerged_is_forgotten_by_its_findings_only(
    store: SqlFindingsStore,
) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1"), finding("f2")], complete=True, at=T0)
    store.record_default_branch_scan("octo/other", "b" * 40, [finding("f1")], complete=True, at=T0)
    store.set_fix_pull(REPO, {"f1"}, 7)
    store.set_fix_pull(REPO, {"f2"}, 9)
    store.set_fix_pull("octo/other", {"f1"}, 7)

    store.clear_fix_pull(REPO, 7)

    assert {f.fingerprint: f.fix_pull for f in store.findings(REPO)} == {"f1": None, "f2": 9}
    assert [f.fix_pull for f in store.findings("octo/other")] == [7]
