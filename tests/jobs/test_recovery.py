"""A job re-run after its worker died mid-scan closes the check run it had opened, even when superseded."""

from __future__ import annotations

from bot.core.rules import RuleSet
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, external_id, run_scan
from bot.reports.check_run import NAME
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, NEWER, REPO, pull_request, serverless


def test_superseded_rerun_completes_the_run_its_dead_worker_left_in_progress(fake_github: FakeGitHub) -> None:
    ledger = memory_queue().ledger
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    left_open = fake_github.create_check_run(REPO, HEAD, name=NAME, external_id=external_id(REPO, HEAD))
    ledger.remember_run(REPO, HEAD, left_open)  # what the dead worker had done before it was killed
    fake_github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless()})
    ledger.record_head(REPO, 7, NEWER)
    ledger.mark_reported(REPO, NEWER, "pr7")

    outcome = run_scan(pull_request(HEAD), fake_github, ruleset_base=RuleSet.default(), latest_heads=ledger)

    assert outcome is ScanOutcome.SUPERSEDED
    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "neutral")
    assert ledger.open_run(REPO, HEAD) is None


def test_superseded_job_that_never_started_only_asks_for_the_current_head(fake_github: FakeGitHub) -> None:
    ledger = memory_queue().ledger
    fake_github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless()})
    ledger.record_head(REPO, 7, NEWER)
    ledger.mark_reported(REPO, NEWER, "pr7")
    outcome = run_scan(pull_request(HEAD), fake_github, ruleset_base=RuleSet.default(), latest_heads=ledger)
    assert outcome is ScanOutcome.SUPERSEDED
    assert fake_github.call_names() == ["pull_request"]
