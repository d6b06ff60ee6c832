"""The store remembers each repository's dashboard issue, for links straight to it, and forgets it with the
repository."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store import SqlFindingsStore
from tests.store.test_findings_store import finding

REPO = "octo/api"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_the_dashboard_issue_is_recorded_replaced_and_cleared(store: SqlFindingsStore) -> None:
    store.record_default_branch_scan(REPO, "a" * 40, [finding("f1")], complete=True, at=T0)
    assert store.dashboard_issue(REPO) is None

    store.set_dashboard_issue(REPO, 12)
    assert store.dashboard_issue(REPO) == 12
    assert store.repository_details([REPO])[REPO].dashboard_issue == 12

    store.set_dashboard_issue(REPO, 14)  # the old one was deleted and a new one opened
    assert store.dashboard_issue(REPO) == 14
    store.set_dashboard_issue(REPO, None)
    assert store.dashboard_issue(REPO) is None
    assert [f.fingerprint for f in store.open_findings(REPO)] == ["f1"]  # the findings are untouched


def test_an_untracked_repository_stays_untracked(store: SqlFindingsStore) -> None:
    """A refresh that records its issue just after the App was removed from the repository brings nothing
    back."""
    store.set_dashboard_issue("octo/gone", 3)

    assert store.dashboard_issue("octo/gone") is None
    assert store.repository_details(["octo/gone"]) == {}


def test_forgetting_a_repository_or_installation_forgets_its_dashboard_issue(store: SqlFindingsStore) -> None:
    for name in ("octo/a", "octo/b"):
        store.track_repository(name, installation_id=7)
        store.set_dashboard_issue(name, 5)
    store.track_repository("other/c", installation_id=8)
    store.set_dashboard_issue("other/c", 9)

    store.forget_repository("octo/a")
    store.track_repository("octo/a", installation_id=7)  # added again later
    assert store.dashboard_issue("octo/a") is None
    assert store.dashboard_issue("octo/b") == 5

    store.forget_installation(7)
    assert store.dashboard_issue("octo/b") is None
    assert store.dashboard_issue("other/c") == 9
