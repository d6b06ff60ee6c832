"""The fix pull request job against the fake GitHub: which findings it fixes, what it reads, and when it
writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.config import ScanConfig
from bot.core.fix import FixedFile
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.events.request import ScanRequest, Trigger
from bot.github.gateway import GitHubAppClient, InstallationGateway
from bot.github.protocol import FileTooLarge, OpenPull
from bot.jobs import fix_pr
from bot.jobs.dashboard import Dashboards, refresh_after_fix
from bot.jobs.fix_pr import NO_CONTENTS_WRITE, fix_unavailable_reason, open_fix_pull
from bot.jobs.queue import memory_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.scan_job import ScanOutcome
from bot.jobs.scanning import RepoConfig
from bot.reports.fix_pr import FIX_BRANCH
from bot.store import SqlFindingsStore, open_store
from tests.conftest import FakeGateways
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository
from tests.jobs.test_queue import drain, sqlite_queue

REPO = "acme/billing"
KEY = b"k" * 32
STRIPE = "sk_live_" + "9fQ2xLr7TbW4kZp1MvN8sYc3"
PASSWORD = "Zq7" + "xK9!" * 3
MANIFEST = (  # in one function's environment: no "reaches every function" advice beside the secrets
    "service: billing\nprovider:\n  name: aws\nfunctions:\n  charge:\n    handler: h.main\n    environment:\n"
    f"      STRIPE_SECRET_KEY: {STRIPE}\n      DB_PASSWORD: '{PASSWORD}'\n"
)


@dataclass
class Setup:
    fake: FakeGitHub
    repo: Repository
    gateway: InstallationGateway
    store: SqlFindingsStore
    head: str


@pytest.fixture
def setup(
    make_fake_github: Callable[..., FakeGitHub], fake_clock: FakeClock, tmp_path: Path
) -> Iterator[Setup]:
    fake = make_fake_github(clock=fake_clock)
    fake.add_installation(1)
    fake.permissions["contents"] = "write"
    repo = fake.add_repo(REPO)
    head = repo.commit("main", {"serverless.yml": MANIFEST, "other/serverless.yml": MANIFEST})
    fake.world.add_user("writer")
    repo.permissions["writer"] = "write"
    client = GitHubAppClient(
        fake.app_id, fake.keys.private_pem, fake.url, sleep=fake_clock.sleep, clock=fake_clock
    )
    store = open_store(f"sqlite:///{tmp_path}/findings.db")
    try:
        yield Setup(fake, repo, client.for_installation(1), store, head)
    finally:
        store.close()
        client.close()


def findings_at(path: str, data: str) -> list[str]:
    config = ScanConfig(fingerprint_key=KEY)
    return [
        f.fingerprint
        for f in scan_file(path, data.encode(), ruleset=RuleSet.default(), config=config).findings
    ]


def record(setup: Setup) -> None:
    result = scan_file(
        "serverless.yml", MANIFEST.encode(), ruleset=RuleSet.default(), config=ScanConfig(fingerprint_key=KEY)
    )
    at = datetime(2026, 1, 1, tzinfo=UTC)
    setup.store.record_default_branch_scan(REPO, setup.head, result.findings, complete=True, at=at)


def ask(setup: Setup, arguments: str | None = None, **options: object) -> ScanOutcome:
    request = ScanRequest(1, REPO, Trigger.FIX, None, "main", "d-1", commenter="writer", arguments=arguments)
    return open_fix_pull(
        request,
        setup.gateway,
        ruleset_base=RuleSet.default(),
        ledger=memory_queue().ledger,
        fingerprint_key=KEY,
        **options,  # type: ignore[arg-type]
    )


def branch_file(setup: Setup, path: str) -> str:
    return setup.repo.commits[setup.repo.branches[FIX_BRANCH]].files[path].decode()


def test_only_the_named_finding_is_fixed_and_only_its_manifest_read(setup: Setup) -> None:
    record(setup)
    stripe, password = findings_at("serverless.yml", MANIFEST)
    opened: list[OpenPull] = []

    outcome = ask(
        setup, stripe, store=setup.store, after_fix=lambda _request, pull, _config: opened.append(pull)
    )

    assert outcome is ScanOutcome.REPORTED
    fixed = branch_file(setup, "serverless.yml")
    assert STRIPE not in fixed and PASSWORD in fixed and "${ssm:/billing/" in fixed
    assert branch_file(setup, "other/serverless.yml") == MANIFEST
    # The store named the manifest: no listing to find manifests, only the push's (the files' modes).
    assert len(setup.fake.calls("git/get-tree")) == 1
    [pull] = opened
    assert {f.fingerprint: f.fix_pull for f in setup.store.open_findings(REPO)} == {
        stripe: pull.number,
        password: None,
    }


def test_without_a_store_every_manifest_at_the_head_is_fixed(setup: Setup) -> None:
    assert ask(setup) is ScanOutcome.REPORTED

    for path in ("serverless.yml", "other/serverless.yml"):
        assert STRIPE not in branch_file(setup, path) and PASSWORD not in branch_file(setup, path)
    [pull] = setup.repo.pulls.values()
    assert "4 hard-coded secrets" in (pull.body or "")


def test_unknown_fingerprints_write_nothing(setup: Setup) -> None:
    record(setup)

    assert ask(setup, "v2-unknown", store=setup.store) is ScanOutcome.NOTHING_TO_DO

    assert FIX_BRANCH not in setup.repo.branches and setup.repo.pulls == {}
    assert setup.fake.calls("git/create-blob") == []


def test_without_contents_write_nothing_is_written_and_the_reason_is_given(setup: Setup) -> None:
    setup.fake.permissions["contents"] = "read"  # before the first token: the grant is read from its answer

    assert fix_unavailable_reason(setup.gateway) == NO_CONTENTS_WRITE
    assert ask(setup) is ScanOutcome.NOTHING_TO_DO
    assert FIX_BRANCH not in setup.repo.branches


def test_a_rewritten_file_that_still_shows_its_finding_is_left_out(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def claims_without_fixing(data: bytes, findings: list[object]) -> FixedFile:
        return FixedFile(data + b"# touched\n", tuple(findings), ())  # type: ignore[arg-type]

    monkeypatch.setattr(fix_pr, "fix_file", claims_without_fixing)

    assert ask(setup) is ScanOutcome.NOTHING_TO_DO

    assert FIX_BRANCH not in setup.repo.branches and setup.repo.pulls == {}


def test_a_later_request_for_another_finding_adds_it_to_the_same_pull_request(setup: Setup) -> None:
    record(setup)
    stripe, password = findings_at("serverless.yml", MANIFEST)

    ask(setup, stripe, store=setup.store)
    ask(setup, password, store=setup.store)

    fixed = branch_file(setup, "serverless.yml")
    assert STRIPE not in fixed and PASSWORD not in fixed
    [pull] = setup.repo.pulls.values()
    assert "2 hard-coded secrets" in (pull.body or "")
    assert {f.fix_pull for f in setup.store.open_findings(REPO)} == {pull.number}


def test_findings_in_a_file_that_cannot_be_read_are_listed_as_not_fixed_without_a_value(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(setup)
    other = scan_file(
        "other/serverless.yml",
        MANIFEST.encode(),
        ruleset=RuleSet.default(),
        config=ScanConfig(fingerprint_key=KEY),
    ).findings
    first = scan_file(
        "serverless.yml", MANIFEST.encode(), ruleset=RuleSet.default(), config=ScanConfig(fingerprint_key=KEY)
    ).findings
    at = datetime(2026, 1, 1, tzinfo=UTC)
    setup.store.record_default_branch_scan(REPO, setup.head, [*first, *other], complete=True, at=at)
    read = setup.gateway.file_content

    def too_large(repo: str, path: str, ref: str | None, *, max_bytes: int) -> bytes | None:
        if path == "other/serverless.yml":
            raise FileTooLarge(path, max_bytes + 1)
        return read(repo, path, ref, max_bytes=max_bytes)

    monkeypatch.setattr(setup.gateway, "file_content", too_large)

    assert ask(setup, store=setup.store) is ScanOutcome.REPORTED

    [pull] = setup.repo.pulls.values()
    body = pull.body or ""
    left = body.split("### Not fixed: fix by hand", 1)[1].split("###", 1)[0]
    assert "`other/serverless.yml`: line 8" in left and "line 9" in left
    assert not any(piece in body for value in (STRIPE, PASSWORD) for piece in fragments(value))
    assert "other/serverless.yml" not in setup.repo.commits[setup.repo.branches[FIX_BRANCH]].message


def test_the_config_is_read_once_for_the_fix_and_the_dashboard(setup: Setup) -> None:
    record(setup)
    queue = memory_queue()
    dashboards = Dashboards(queue.state, queue.lessee)

    def refresh(request: ScanRequest, _pull: OpenPull, repo_config: RepoConfig) -> None:
        refresh_after_fix(dashboards, setup.gateway, setup.store, request, repo_config)

    assert ask(setup, store=setup.store, after_fix=refresh) is ScanOutcome.REPORTED

    config_reads = [
        call.path
        for call in setup.fake.calls()
        if call.path == f"/repos/{REPO}/contents/.github/secrets-bot.yml"
    ]
    assert len(config_reads) == 1, config_reads
    assert setup.fake.calls("issues/create")  # the dashboard was refreshed with the config read once


def fragments(value: str, size: int = 8) -> list[str]:
    return [value[start : start + size] for start in range(len(value) - size + 1)]


def test_files_past_the_pull_requests_capacity_are_left_for_the_next_one(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fix_pr, "MAX_FIXED", 2)  # one manifest's two secrets fill it

    assert ask(setup) is ScanOutcome.REPORTED

    assert STRIPE not in branch_file(setup, "other/serverless.yml")
    assert branch_file(setup, "serverless.yml") == MANIFEST
    [pull] = setup.repo.pulls.values()
    assert "1 more file holds secrets this pull request leaves for the next one" in (pull.body or "")


def test_a_closed_fix_pull_request_is_forgotten_so_the_next_request_opens_a_new_one(
    setup: Setup, tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    record(setup)
    stripe, _ = findings_at("serverless.yml", MANIFEST)
    ask(setup, stripe, store=setup.store)
    [first] = setup.repo.pulls.values()
    first.state = "closed"
    queue = sqlite_queue(tmp_path)
    queue.attach(ScanRunner(queue, fake_gateways, RuleSet.default(), store=setup.store))
    closed = ScanRequest(1, REPO, Trigger.FIX_CLOSED, None, "main", "d-2", pr_number=first.number)

    queue.submit("d-2", [closed])
    assert drain(queue) == 1
    assert {f.fingerprint: f.fix_pull for f in setup.store.open_findings(REPO)}[stripe] is None
    assert fake_gateways.github.call_names() == []  # the store alone: no call to GitHub

    ask(setup, stripe, store=setup.store)
    [second] = [pull for pull in setup.repo.pulls.values() if pull.state == "open"]
    assert second.number != first.number
    assert {f.fingerprint: f.fix_pull for f in setup.store.open_findings(REPO)}[stripe] == second.number
