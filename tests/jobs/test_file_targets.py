"""The bot follows a changed serverless.yml's `${file()}` targets at the scanned commit: their secrets get the
Serverless fix, a target changed in the pull request is reported once, and what could not be read is said."""

from __future__ import annotations

import pytest

from bot.core.rules import RuleSet
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, STRIPE, pull_request

RULES = RuleSet.default()
PASSWORD = "Zq7" + "xK9!" * 3
MANIFEST = (
    b"service: billing\nprovider:\n  name: aws\n  stage: prod\n"
    b"  environment: ${file(./env.${opt:stage}.yml)}\n"
    b"custom:\n  secrets: ${file(./secrets.json)}\n  gone: ${file(./local.yml):x}\n"
    b"  escape: ${file(../../etc/passwd)}\nfunctions:\n  charge:\n    handler: handler.charge\n"
)
ENV_PROD = f"STRIPE_SECRET_KEY: {STRIPE}\n".encode()
SECRETS = f'{{\n  "dbPassword": "{PASSWORD}"\n}}\n'.encode()


@pytest.fixture
def github(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.put_files(REPO, HEAD, {"api/secrets.json": SECRETS, "api/env.dev.yml": b"LOG: debug\n"})
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"api/serverless.yml": MANIFEST, "api/env.prod.yml": ENV_PROD}
    )
    return fake_github


def scan(github: FakeGitHub) -> ScanOutcome:
    return run_scan(
        pull_request(), github, ruleset_base=RULES, latest_heads=memory_queue().ledger, final_attempt=True
    )


def test_targets_are_read_at_the_scanned_commit_and_get_the_serverless_fix(github: FakeGitHub) -> None:
    assert scan(github) is ScanOutcome.REPORTED
    run = github.only_run(HEAD)
    assert run.conclusion == "failure" and run.output is not None
    paths = {(a.path, a.start_line) for a in run.output.annotations if a.level != "notice"}
    assert paths == {("api/env.prod.yml", 1), ("api/secrets.json", 2)}
    reads = [args[1:] for name, args in github.calls if name == "file_content"]
    assert ("api/secrets.json", HEAD) in reads and ("api/local.yml", HEAD) in reads
    assert not any("etc/passwd" in str(path) for path, _ in reads)
    assert ("api/env.dev.yml", HEAD) not in reads  # a deploy-time name matches only the changed files
    sent = github.everything_sent()
    assert "${ssm:/billing/prod/" in sent and "gcloud" not in sent
    assert STRIPE not in sent and PASSWORD not in sent


def test_a_target_changed_in_the_pull_request_is_reported_once(github: FakeGitHub) -> None:
    scan(github)
    run = github.only_run(HEAD)
    assert run.output is not None
    on_env = [a for a in run.output.annotations if a.path == "api/env.prod.yml" and a.level != "notice"]
    assert len(on_env) == 1
    [review] = github.reviews
    comments = [(c.path, c.line) for c in review.comments]
    assert comments.count(("api/env.prod.yml", 1)) == 1
    assert ("api/secrets.json", 2) not in comments  # not in the diff: the check run lists it
    body = next(c.body for c in review.comments if c.path == "api/env.prod.yml")
    assert "STRIPE_SECRET_KEY: ${ssm:/billing/prod/stripe-secret-key}" in body


def test_what_could_not_be_followed_is_said_in_the_check_run(github: FakeGitHub) -> None:
    scan(github)
    run = github.only_run(HEAD)
    assert run.output is not None
    text = (run.output.summary + (run.output.text or "")).replace("\\", "")
    assert "api/local.yml is not in the repository" in text
    assert "outside the repository" in text
    assert "only the files this change touches were matched" in text
