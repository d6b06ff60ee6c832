"""`/secrets-bot rotated` on a commit, in the worker: who may give it, which push is scanned again, and how
the record in the App's own check runs survives a retried job."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.core.rules import RuleSet
from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import SuitePush
from bot.jobs.ledger import Ledger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import BEFORE, HEAD, REPO, push, serverless

RULES = RuleSet.default()
FINGERPRINT = re.compile(r"v2-[0-9a-f]{32}")


@pytest.fixture
def ledger() -> Ledger:
    return memory_queue().ledger


def on_commit(commenter: str, words: str, *, comment_id: int = 901) -> ScanRequest:
    return dataclasses.replace(
        push(),
        trigger=Trigger.ROTATED,
        before=None,
        after=None,
        ref=None,
        comment_id=comment_id,
        commenter=commenter,
        arguments=words,
    )


def pushed(github: FakeGitHub, ledger: Ledger) -> str:
    github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    github.suites.append(SuitePush(HEAD, BEFORE, "main"))
    assert run_scan(push(), github, ruleset_base=RULES, latest_heads=ledger) is ScanOutcome.REPORTED
    text = github.only_run(HEAD).output
    assert text is not None
    [fingerprint] = set(FINGERPRINT.findall(text.text or ""))
    return fingerprint


def test_a_reader_costs_one_permission_read(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fingerprint = pushed(fake_github, ledger)
    fake_github.permissions[(REPO, "mallory")] = "read"
    fake_github.calls.clear()

    outcome = run_scan(
        on_commit("mallory", fingerprint), fake_github, ruleset_base=RULES, latest_heads=ledger
    )

    assert outcome is ScanOutcome.DENIED
    assert fake_github.call_names() == ["permission"]
    assert fake_github.issue_comments == [] and fake_github.reactions == []


def test_the_push_is_scanned_again_over_the_range_github_keeps(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fingerprint = pushed(fake_github, ledger)
    fake_github.permissions[(REPO, "alice")] = "write"
    fake_github.calls.clear()

    outcome = run_scan(on_commit("alice", fingerprint), fake_github, ruleset_base=RULES, latest_heads=ledger)

    assert outcome is ScanOutcome.REPORTED
    compared = [args for name, args in fake_github.calls if name == "compare_files"]
    assert compared == [(REPO, BEFORE, HEAD)]
    assert fake_github.count("suite_push") == 1


def test_a_retried_command_answers_once_and_keeps_its_record(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fingerprint = pushed(fake_github, ledger)
    fake_github.permissions[(REPO, "alice")] = "admin"
    request = on_commit("alice", fingerprint)

    texts = []
    for _ in range(2):  # the same job twice, as after a worker died once its run was completed
        run_scan(request, fake_github, ruleset_base=RULES, latest_heads=ledger)
        output = fake_github.only_run(HEAD).output
        texts.append(output.text or "" if output is not None else "")

    marker = f"<!-- secrets-bot:rotated fingerprint={fingerprint} sha={HEAD} by=alice -->"
    assert "still in the head" in texts[0] and marker in texts[0]  # recorded, still failing: at the head
    assert "/secrets-bot rotated" not in texts[1].split("<!--")[0] and texts[1].count(marker) == 1
    assert fake_github.only_run(HEAD).conclusion == "failure"
