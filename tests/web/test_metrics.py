"""Prometheus metrics: deliveries, queue depth, dead letters, scans, findings, GitHub calls and rate limits.

The counters live in one registry per process, so each test compares values before and after what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.rules import RuleSet
from bot.github.errors import GitHubNotFound
from bot.github.gateway import GitHubAppClient
from bot.jobs.queue import open_queue
from bot.jobs.runner import ScanRunner
from bot.metrics import METRICS
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.signature import signature_for
from tests.conftest import FakeGateways
from tests.deliveries import pull_request_event, serverless, signed
from tests.fakegithub.server import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, pull_request
from tests.jobs.scenarios import serverless as job_manifest
from tests.web.client import AppClient

SECRET = "metrics-" + "s3cr3t" * 3


def sample(name: str, **labels: str) -> float:
    return METRICS.registry.get_sample_value(name, labels) or 0.0


def scrape(client: AppClient) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert SECRET not in response.text
    return {
        family.name: {tuple(sorted(s.labels.items())): s.value for s in family.samples}
        for family in text_string_to_metric_families(response.text)
    }


def test_deliveries_queue_depth_and_dead_letters(tmp_path: Path) -> None:
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/q.db"))
    client = AppClient(create_app(Settings(app_id=1, private_key="pem", webhook_secret=SECRET), queue))
    accepted = ("pull_request", "accepted")
    before = {
        key: sample("secrets_bot_webhook_deliveries_total", event=key[0], outcome=key[1])
        for key in [accepted, ("unverified", "unauthorized"), ("other", "nothing-to-do")]
    }
    event = pull_request_event("acme/api", 3, head="a" * 40, base="b" * 40, installation=9)
    body, headers = signed("pull_request", event, delivery="m-1", secret=SECRET)
    assert client.post("/api/github/webhooks", content=body, headers=headers).status_code == 202
    headers["X-Hub-Signature-256"] = signature_for("wrong-secret", body)
    assert client.post("/api/github/webhooks", content=body, headers=headers).status_code == 401
    body, headers = signed("made_up_event", {"x": 1}, delivery="m-2", secret=SECRET)
    assert client.post("/api/github/webhooks", content=body, headers=headers).status_code == 200
    queue.record_dead_letter("dead/0", {"repo": "acme/api"})

    families = scrape(client)
    deliveries = families["secrets_bot_webhook_deliveries"]
    for (event_name, outcome), earlier in before.items():
        key = (("event", event_name), ("outcome", outcome))
        assert deliveries[key] == earlier + 1
    assert families["secrets_bot_queue_depth"][()] == 1
    assert families["secrets_bot_dead_letters"][()] == 1


def test_scans_findings_and_scan_duration(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    fake_gateways.github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": job_manifest()})
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/q.db"))
    runner = ScanRunner(queue, fake_gateways, RuleSet.default())
    finding_labels = {"rule": "stripe-secret-key", "severity": "high"}
    findings_before = sample("secrets_bot_findings_total", **finding_labels)
    scans_before = sample("secrets_bot_scans_total", trigger="pull_request", outcome="reported")
    durations_before = sample("secrets_bot_scan_duration_seconds_count", trigger="pull_request")

    assert runner(pull_request().to_job(), "scan/0", 0) == "reported"

    [run] = fake_gateways.github.check_runs.values()
    assert run.conclusion == "failure"
    assert sample("secrets_bot_findings_total", **finding_labels) == findings_before + 1
    assert sample("secrets_bot_scans_total", trigger="pull_request", outcome="reported") == scans_before + 1
    assert sample("secrets_bot_scan_duration_seconds_count", trigger="pull_request") == durations_before + 1


def test_github_calls_and_rate_limit_per_installation(make_fake_github: Callable[..., FakeGitHub]) -> None:
    github = make_fake_github()
    github.add_installation(5)
    with github.world.lock:
        repo = github.add_repo("acme/api")
        repo.commit("main", {"README.md": "# api\n"})
        repo.commit("feature", {"serverless.yml": serverless()})
        pull = repo.open_pull("feature")
    client = GitHubAppClient(github.app_id, github.keys.private_pem, github.url)
    reads_before = sample("secrets_bot_github_api_calls_total", endpoint="read the pull request", status="ok")
    mints_before = sample(
        "secrets_bot_github_api_calls_total", endpoint="mint an installation token", status="ok"
    )
    missing_before = sample(
        "secrets_bot_github_api_calls_total", endpoint="read the pull request", status="404"
    )
    try:
        with METRICS.installation(5):
            gateway = client.for_installation(5)
            assert gateway.pull_request("acme/api", pull.number).head_sha == pull.head_sha
            with pytest.raises(GitHubNotFound):
                gateway.pull_request("acme/api", 999)
    finally:
        client.close()
    assert sample("secrets_bot_github_api_calls_total", endpoint="read the pull request", status="ok") == (
        reads_before + 1
    )
    assert sample(
        "secrets_bot_github_api_calls_total", endpoint="mint an installation token", status="ok"
    ) == (mints_before + 1)
    assert sample("secrets_bot_github_api_calls_total", endpoint="read the pull request", status="404") == (
        missing_before + 1
    )
    assert sample("secrets_bot_github_rate_limit_remaining", installation="5") == github.rate.remaining
