"""Verification inside the App's scan job: what the check run and the review say, what the switches do, and
that the value reaches the provider's (fake) host and nothing else: not GitHub, the logs or the metrics."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from prometheus_client import generate_latest

from bot.core.configfile import CONFIG_PATHS
from bot.core.rules import RuleSet
from bot.github.protocol import CommitChanges, CommitFile, CommitInfo
from bot.jobs.ledger import Ledger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from bot.metrics import METRICS
from bot.verify.verifier import Limits, Verifier
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, pull_request
from tests.verify.fakeproviders import FakeProvider, serving
from tests.verify.values import credential

RULES = RuleSet.default()
LIVE = credential("github-pat")
REVOKED = credential("github-pat")
SLACK = credential("slack-token")


def manifest(*values: str) -> bytes:
    lines = ["service: billing", "provider:", "  name: aws", "  environment:"]
    lines += [f"    VALUE_{index}: {value}" for index, value in enumerate(values)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def ledger() -> Ledger:
    return memory_queue().ledger


@pytest.fixture
def github_api() -> Iterator[FakeProvider]:
    with serving(FakeProvider("github", live={LIVE})) as fake:
        yield fake


@pytest.fixture
def slack_api() -> Iterator[FakeProvider]:
    with serving(FakeProvider("slack")) as fake:
        yield fake


@pytest.fixture
def verifier(github_api: FakeProvider, slack_api: FakeProvider) -> Iterator[Verifier]:
    verifier = Verifier(
        limits=Limits(timeout=0.5),
        endpoints_for_tests={"api.github.com": github_api.origin, "slack.com": slack_api.origin},
    )
    yield verifier
    verifier.close()


def scan(github: FakeGitHub, ledger: Ledger, verifier: Verifier | None) -> ScanOutcome:
    return run_scan(pull_request(), github, ruleset_base=RULES, latest_heads=ledger, verifier=verifier)


def everything_said(github: FakeGitHub) -> str:
    return github.everything_sent() + "\n".join(c.body for r in github.reviews for c in r.comments)


def test_an_active_key_is_critical_and_the_check_run_and_review_say_rotate_now(
    fake_github: FakeGitHub, ledger: Ledger, verifier: Verifier, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(LIVE, REVOKED, SLACK)})
    assert scan(fake_github, ledger, verifier) is ScanOutcome.REPORTED
    output = fake_github.only_run(HEAD).output
    assert output is not None
    assert "**critical**" in output.summary and "Verified active at 20" in output.summary
    assert ": rotate now." in output.summary
    assert output.summary.count("Verified inactive at") == 2  # the revoked PAT and the rejected Slack token
    levels = [annotation.level for annotation in output.annotations]
    assert levels.count("failure") == 3  # (and notices for the advisories)
    [review] = fake_github.reviews
    bodies = [comment.body for comment in review.comments]
    assert any("**Hard-coded secret** (critical)" in b and "rotate now" in b for b in bodies)
    said = everything_said(fake_github)
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    metrics = generate_latest(METRICS.registry).decode()
    for value in (LIVE, REVOKED, SLACK):
        assert value not in said and value not in logged and value not in metrics


def test_the_value_goes_to_its_provider_as_documented(
    fake_github: FakeGitHub,
    ledger: Ledger,
    verifier: Verifier,
    github_api: FakeProvider,
    slack_api: FakeProvider,
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(LIVE, SLACK)})
    scan(fake_github, ledger, verifier)
    assert [(r.method, r.path, r.headers["authorization"]) for r in github_api.requests] == [
        ("GET", "/user", f"Bearer {LIVE}")
    ]
    assert [(r.method, r.path) for r in slack_api.requests] == [("POST", "/api/auth.test")]


def test_verification_is_off_unless_the_server_turns_it_on(
    fake_github: FakeGitHub, ledger: Ledger, github_api: FakeProvider
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(LIVE)})
    scan(fake_github, ledger, None)
    output = fake_github.only_run(HEAD).output
    assert output is not None and "Verified" not in output.summary and "critical" not in output.summary
    assert github_api.requests == []


@pytest.mark.parametrize(("config", "server_on"), [(b"verify: false\n", True), (b"verify: true\n", False)])
def test_a_repository_can_turn_it_off_never_on(
    fake_github: FakeGitHub,
    ledger: Ledger,
    verifier: Verifier,
    github_api: FakeProvider,
    config: bytes,
    server_on: bool,
) -> None:
    fake_github.put_files(REPO, "main", {CONFIG_PATHS[0]: config})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(LIVE)})
    scan(fake_github, ledger, verifier if server_on else None)
    output = fake_github.only_run(HEAD).output
    assert output is not None and "Verified" not in output.summary
    assert github_api.requests == []


def test_fail_on_critical_fails_only_on_an_active_key(
    fake_github: FakeGitHub, ledger: Ledger, verifier: Verifier
) -> None:
    fake_github.put_files(REPO, "main", {CONFIG_PATHS[0]: b"fail_on: critical\n"})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(REVOKED)})
    scan(fake_github, ledger, verifier)
    assert fake_github.only_run(HEAD).conclusion != "failure"
    newer = "3" * 40
    fake_github.open_pull(REPO, 8, head_sha=newer, files={"serverless.yml": manifest(LIVE)})
    run_scan(
        pull_request(newer, number=8), fake_github, ruleset_base=RULES, latest_heads=ledger, verifier=verifier
    )
    assert fake_github.only_run(newer).conclusion == "failure"


def _history(fake: FakeGitHub) -> None:
    """The pull request's first commit held LIVE; its head no longer does."""
    older = "4" * 40
    fake.commit_lists[(REPO, "pr7")] = [CommitInfo(older, "dev"), CommitInfo(HEAD, "dev")]
    fake.blobs["e" * 40] = manifest(LIVE)
    fake.commit_files[(REPO, older)] = CommitChanges(
        (CommitFile("serverless.yml", "modified", "e" * 40),), True
    )
    fake.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest()})


@pytest.mark.parametrize("history_too", [True, False])
def test_values_only_in_history_follow_verify_history(
    fake_github: FakeGitHub, ledger: Ledger, github_api: FakeProvider, history_too: bool
) -> None:
    _history(fake_github)
    verifier = Verifier(verify_history=history_too, endpoints_for_tests={"api.github.com": github_api.origin})
    scan(fake_github, ledger, verifier)
    output = fake_github.only_run(HEAD).output
    assert output is not None
    assert ("Verified active at" in (output.text or "") + output.summary) is history_too
    assert len(github_api.requests) == (1 if history_too else 0)


def test_a_cached_answer_is_not_asked_again(
    fake_github: FakeGitHub, ledger: Ledger, verifier: Verifier, github_api: FakeProvider
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": manifest(LIVE)})
    scan(fake_github, ledger, verifier)
    newer = "3" * 40
    fake_github.open_pull(REPO, 8, head_sha=newer, files={"serverless.yml": manifest(LIVE)})
    run_scan(
        pull_request(newer, number=8), fake_github, ruleset_base=RULES, latest_heads=ledger, verifier=verifier
    )
    assert len(github_api.requests) == 1  # same file, key and value: the same fingerprint, cached
    output = fake_github.only_run(newer).output
    assert output is not None and "Verified active at" in output.summary
