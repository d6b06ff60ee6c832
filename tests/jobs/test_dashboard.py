"""The dashboard issue kept by default-branch scans: opened once, edited only when its body changes, closed
when nothing is open, reopened (never duplicated) when a secret comes back; off with `dashboard: false`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.rules import RuleSet
from bot.github.protocol import Issue, IssuesDisabled
from bot.jobs.dashboard import MAX_ROUNDS, DashboardOutcome, Dashboards, refresh_dashboard
from bot.jobs.leases import Lessee
from bot.jobs.queue import JobQueue, memory_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.scan_job import ScanOutcome, run_scan
from bot.reports.dashboard import MARKER, TITLE
from bot.store import FindingsStore, open_store
from tests.conftest import BOT_LOGIN, FakeGateways, FakeGitHub
from tests.jobs.scenarios import (
    BASE,
    BEFORE,
    HEAD,
    INSTALLATION,
    NEWER,
    REPO,
    STRIPE,
    pull_request,
    push,
    serverless,
)
from tests.jobs.test_queue import drain, sqlite_queue

CLEAN = serverless(None)
LATEST = "3" * 40


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FindingsStore]:
    opened = open_store(f"sqlite:///{tmp_path}/findings.db")
    yield opened
    opened.close()


@pytest.fixture
def queue() -> JobQueue:
    return memory_queue()


@pytest.fixture(autouse=True)
def writable(fake_github: FakeGitHub) -> None:
    fake_github.contents_write = True  # fix pull requests are possible: the dashboard offers boxes


@pytest.fixture
def dashboards(queue: JobQueue) -> Dashboards:
    return Dashboards(queue.state, queue.lessee)


def scan_push(
    github: FakeGitHub,
    queue: JobQueue,
    store: FindingsStore,
    dashboards: Dashboards,
    *,
    before: str,
    head: str,
    manifest: bytes,
) -> ScanOutcome:
    github.push_files(REPO, base=before, head=head, files={"serverless.yml": manifest})
    return run_scan(
        push(before=before, head=head),
        github,
        ruleset_base=RuleSet.default(),
        latest_heads=queue.ledger,
        store=store,
        dashboards=dashboards,
    )


def scan_pull(github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards) -> None:
    run_scan(
        pull_request(),
        github,
        ruleset_base=RuleSet.default(),
        latest_heads=queue.ledger,
        store=store,
        dashboards=dashboards,
    )


def only_issue(github: FakeGitHub) -> Issue:
    assert len(github.issues) == 1, github.issues
    return next(iter(github.issues.values()))


def test_a_secret_on_the_default_branch_opens_one_dashboard_with_a_box(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    outcome = scan_push(
        fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless()
    )

    assert outcome is ScanOutcome.REPORTED
    issue = only_issue(fake_github)
    assert (issue.state, issue.author) == ("open", BOT_LOGIN)
    assert issue.body.startswith(MARKER)
    [fingerprint] = [f.fingerprint for f in store.open_findings(REPO)]
    assert "- [ ] open a fix pull request for `serverless.yml:9`" in issue.body
    assert f"fingerprint={fingerprint} -->" in issue.body
    assert f"/{REPO}/blob/{HEAD}/serverless.yml#L9" in issue.body
    [(_, (_, title, _))] = [call for call in fake_github.calls if call[0] == "create_issue"]
    assert title == TITLE
    assert STRIPE not in fake_github.everything_sent()


def test_a_refresh_with_nothing_new_changes_nothing(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())

    again = refresh_dashboard(dashboards, fake_github, store, REPO)

    assert again is DashboardOutcome.UNCHANGED
    assert fake_github.count("create_issue") == 1
    assert fake_github.count("update_issue") == 0
    assert fake_github.count("find_own_issue") == 1  # afterwards the number in the store is read instead
    assert store.dashboard_issue(REPO) == only_issue(fake_github).number


def test_nothing_open_closes_it_and_a_new_secret_reopens_the_same_issue(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())
    number = only_issue(fake_github).number

    scan_push(fake_github, queue, store, dashboards, before=HEAD, head=NEWER, manifest=CLEAN)
    closed = only_issue(fake_github)
    assert (closed.number, closed.state) == (number, "closed")
    assert "Nothing is open any more" in closed.body
    assert "### Recently fixed" in closed.body
    assert "- [ ]" not in closed.body

    other = serverless("sk_live_" + "7Hd92LwQxZ4kT1nB8pVc" + "Mm3R")
    scan_push(fake_github, queue, store, dashboards, before=NEWER, head=LATEST, manifest=other)
    reopened = only_issue(fake_github)
    assert (reopened.number, reopened.state) == (number, "open")
    assert "- [ ] open a fix pull request" in reopened.body
    assert fake_github.count("create_issue") == 1


def test_a_repository_that_never_had_a_secret_costs_no_issue_call(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=CLEAN)

    assert fake_github.issues == {}
    assert not [name for name, _ in fake_github.calls if "issue" in name]


def test_dashboard_false_opens_no_issue(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    fake_github.put_files(REPO, BEFORE, {".github/secrets-bot.yml": b"dashboard: false\n"})

    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())

    assert fake_github.only_run(HEAD).conclusion == "failure"
    assert store.open_findings(REPO) != []
    assert fake_github.issues == {}
    assert not [name for name, _ in fake_github.calls if "issue" in name]


def test_a_pull_request_scan_does_not_touch_the_dashboard(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan_pull(fake_github, queue, store, dashboards)

    assert fake_github.issues == {}


def test_an_existing_dashboard_is_found_by_its_marker_not_duplicated(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    """A store that knows no issue (a repository added again, a store started afresh) finds the issue
    opened earlier, and records it."""
    fake_github.issues[(REPO, 5)] = Issue(5, f"{MARKER}\nold body", "closed", BOT_LOGIN)
    fake_github.issues[(REPO, 6)] = Issue(6, f"{MARKER}\na copy", "open", "mallory")

    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())

    assert fake_github.count("create_issue") == 0
    ours = fake_github.issues[(REPO, 5)]
    assert ours.state == "open" and "open a fix pull request" in ours.body
    assert fake_github.issues[(REPO, 6)].body == f"{MARKER}\na copy"
    assert store.dashboard_issue(REPO) == 5


def test_a_deleted_dashboard_is_opened_again(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())
    fake_github.issues.clear()  # an admin deleted it

    assert refresh_dashboard(dashboards, fake_github, store, REPO) is DashboardOutcome.CREATED
    assert store.dashboard_issue(REPO) == only_issue(fake_github).number


def test_a_repository_without_issues_still_gets_its_check_run(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    fake_github.fail_next("create_issue", IssuesDisabled(REPO))

    outcome = scan_push(
        fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless()
    )

    assert outcome is ScanOutcome.REPORTED
    assert fake_github.only_run(HEAD).conclusion == "failure"


def test_without_contents_write_the_dashboard_offers_no_box(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    fake_github.contents_write = False

    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())

    body = only_issue(fake_github).body
    assert "- [ ]" not in body and "Contents: write" in body


def test_a_refresh_while_another_worker_holds_the_lock_is_left_to_it(queue: JobQueue) -> None:
    """The holder renders again when a request came in while it rendered: no update is lost, none waits."""
    one, other = (Lessee(queue.state, name=name) for name in ("worker-one", "worker-two"))
    for lessee in (one, other):
        lessee.heartbeat()
    holder, late = Dashboards(queue.state, one), Dashboards(queue.state, other)
    renders: list[DashboardOutcome] = []

    def render() -> DashboardOutcome:
        if not renders:  # meanwhile another worker stores a scan and asks for a refresh
            renders.append(late.one_at_a_time(REPO, lambda: DashboardOutcome.CREATED))
        renders.append(DashboardOutcome.UPDATED)
        return DashboardOutcome.UPDATED

    assert holder.one_at_a_time(REPO, render) is DashboardOutcome.UPDATED
    assert renders == [DashboardOutcome.LEFT_TO_HOLDER, DashboardOutcome.UPDATED, DashboardOutcome.UPDATED]


def test_a_pull_request_points_its_findings_already_on_the_base_to_the_dashboard(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    store.track_repository(REPO, installation_id=1)
    store.set_dashboard_issue(REPO, 5)
    fake_github.put_files(REPO, BASE, {"serverless.yml": serverless()})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(service="billing-v2")})
    fake_github.pull_files[(REPO, 7)] = [
        replace(f, status="modified") for f in fake_github.pull_files[(REPO, 7)]
    ]

    scan_pull(fake_github, queue, store, dashboards)

    summary = fake_github.only_run(HEAD).output
    assert summary is not None
    assert f"[secrets dashboard](https://github.com/{REPO}/issues/5)" in summary.summary
    assert not [name for name, _ in fake_github.calls if "issue" in name]  # known to the store: no call


def test_only_fixed_secrets_and_no_issue_cost_one_lookup_not_one_per_push(
    fake_github: FakeGitHub, queue: JobQueue, store: FindingsStore, dashboards: Dashboards
) -> None:
    scan_push(fake_github, queue, store, dashboards, before=BEFORE, head=HEAD, manifest=serverless())
    store.set_dashboard_issue(REPO, None)  # its number was never recorded (an older version, a lost answer)
    fake_github.issues.clear()
    scan_push(fake_github, queue, store, dashboards, before=HEAD, head=NEWER, manifest=CLEAN)  # fixed
    looked = fake_github.call_names().count("find_own_issue")

    for before, head in ((NEWER, LATEST), (LATEST, "4" * 40)):
        scan_push(fake_github, queue, store, dashboards, before=before, head=head, manifest=CLEAN)

    assert looked >= 1 and fake_github.call_names().count("find_own_issue") == looked
    assert fake_github.issues == {}


def test_requests_still_arriving_after_the_holders_last_round_are_requeued(queue: JobQueue) -> None:
    one, other = (Lessee(queue.state, name=name) for name in ("worker-one", "worker-two"))
    for lessee in (one, other):
        lessee.heartbeat()
    requeued: list[str] = []
    holder, late = Dashboards(queue.state, one, requeued.append), Dashboards(queue.state, other)
    rounds: list[DashboardOutcome] = []

    def render() -> DashboardOutcome:  # every round, another worker asks again meanwhile
        rounds.append(late.one_at_a_time(REPO, lambda: DashboardOutcome.CREATED))
        return DashboardOutcome.UPDATED

    assert holder.one_at_a_time(REPO, render) is DashboardOutcome.UPDATED
    assert rounds == [DashboardOutcome.LEFT_TO_HOLDER] * MAX_ROUNDS
    assert requeued == [REPO]


def test_a_requeued_refresh_is_a_job_of_its_own_that_renders_the_dashboard(
    fake_github: FakeGitHub, store: FindingsStore, tmp_path: Path
) -> None:
    scan_push(fake_github, memory_queue(), store, DISCARD, before=BEFORE, head=HEAD, manifest=serverless())
    store.track_repository(REPO, installation_id=INSTALLATION, default_branch="main")
    assert fake_github.issues == {}  # the scan's own refresh was not rendered (see DISCARD)
    queue = sqlite_queue(tmp_path)
    runner = ScanRunner(queue, FakeGateways(fake_github), RuleSet.default(), store=store)
    queue.attach(runner)

    runner.requeue_dashboard(REPO)

    assert drain(queue) == 1
    assert only_issue(fake_github).body.startswith(MARKER)
    assert store.dashboard_issue(REPO) is not None


class _Discard(Dashboards):
    """Takes every refresh and renders none (a holder elsewhere that has not rendered it yet)."""

    def __init__(self) -> None:
        queue = memory_queue()
        super().__init__(queue.state, queue.lessee)

    def one_at_a_time(self, repo: str, render: Callable[[], DashboardOutcome]) -> DashboardOutcome:
        return DashboardOutcome.LEFT_TO_HOLDER


DISCARD = _Discard()
