"""Push scans of the default branch keep the findings store: a secret pushed is open, removed is fixed; a
push to another branch stores nothing."""

from __future__ import annotations

from pathlib import Path

from bot.core.rules import RuleSet
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from bot.store import FindingState, open_store
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import BEFORE, HEAD, NEWER, REPO, push, serverless

CLEAN = b"service: billing\nprovider:\n  name: aws\n"


def test_a_secret_pushed_to_the_default_branch_is_open_then_fixed(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path}/findings.db")
    ledger = memory_queue().ledger
    fake_github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    outcome = run_scan(push(), fake_github, ruleset_base=RuleSet.default(), latest_heads=ledger, store=store)
    assert outcome is ScanOutcome.REPORTED
    [stored] = store.open_findings(REPO)
    assert (stored.path, stored.first_seen_sha) == ("serverless.yml", HEAD)

    fake_github.push_files(REPO, base=HEAD, head=NEWER, files={"serverless.yml": CLEAN})
    run_scan(
        push(before=HEAD, head=NEWER),
        fake_github,
        ruleset_base=RuleSet.default(),
        latest_heads=ledger,
        store=store,
    )
    assert store.open_findings(REPO) == []
    assert [f.fingerprint for f in store.findings(REPO, FindingState.FIXED)] == [stored.fingerprint]
    store.close()


def test_a_push_to_another_branch_stores_nothing(fake_github: FakeGitHub, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/findings.db")
    fake_github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    request = push(ref="feature/billing")
    run_scan(
        request, fake_github, ruleset_base=RuleSet.default(), latest_heads=memory_queue().ledger, store=store
    )
    assert fake_github.only_run(HEAD).conclusion == "failure"
    assert store.findings(REPO) == [] and store.last_scanned_sha(REPO) is None
    store.close()
