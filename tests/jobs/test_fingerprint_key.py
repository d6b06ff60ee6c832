"""The bot publishes fingerprints under its own key, and honours legacy allowlist entries with a notice."""

from __future__ import annotations

from bot.core.findings import fingerprint, legacy_fingerprint
from bot.core.rules import RuleSet
from bot.jobs.queue import memory_queue
from bot.jobs.runner import ScanRunner
from bot.reports.markers import fingerprints_in
from tests.conftest import BASE_SHA, FakeGateways
from tests.jobs.scenarios import HEAD, REPO, STRIPE, pull_request, serverless

KEY = bytes.fromhex("5a" * 32)
PLACE = {
    "path": "serverless.yml",
    "key": "functions.charge.environment.STRIPE_SECRET_KEY",
    "rule": "stripe-secret-key",
}


def run(fake_gateways: FakeGateways, config: bytes | None = None) -> str:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    if config is not None:
        for ref in (HEAD, BASE_SHA, "main"):
            github.put_files(REPO, ref, {".github/secrets-bot.yml": config})
    runner = ScanRunner(memory_queue(), fake_gateways, RuleSet.default(), KEY)
    return runner(pull_request().to_job(), "scan/0", 0)


def test_review_comments_carry_the_fingerprint_under_the_servers_key(fake_gateways: FakeGateways) -> None:
    assert run(fake_gateways) == "reported"
    marked = {
        fp
        for review in fake_gateways.github.reviews
        for c in review.comments
        for fp in fingerprints_in(c.body)
    }
    assert marked == {fingerprint(**PLACE, value=STRIPE, fingerprint_key=KEY)}
    assert fingerprint(**PLACE, value=STRIPE, fingerprint_key=b"") not in marked


def test_a_legacy_entry_in_the_repository_config_passes_the_check_and_says_to_replace_it(
    fake_gateways: FakeGateways,
) -> None:
    old = legacy_fingerprint(**PLACE, value=STRIPE)
    assert run(fake_gateways, f"allowlist:\n  fingerprints: ['{old}']\n".encode()) == "reported"
    [check] = fake_gateways.github.check_runs.values()
    assert check.conclusion == "success"
    assert check.output is not None
    # Notices are Markdown-escaped prose (`v2\-...` renders as `v2-...`): compare what a reader sees.
    text = f"{check.output.summary}\n{check.output.text}".replace("\\-", "-")
    assert old in text and fingerprint(**PLACE, value=STRIPE, fingerprint_key=KEY) in text
