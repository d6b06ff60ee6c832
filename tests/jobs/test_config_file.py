"""The bot reads `.github/secrets-bot.yml` or `.yaml` by the CLI's rule (`bot.core.configfile`)."""

from __future__ import annotations

import pytest

from bot.core.configfile import CONFIG_MAX_BYTES
from bot.core.rules import RuleSet
from bot.jobs.ledger import Ledger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import run_scan
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, pull_request, serverless

YML, YAML = ".github/secrets-bot.yml", ".github/secrets-bot.yaml"


@pytest.fixture
def ledger() -> Ledger:
    return memory_queue().ledger


def scan_with_base_config(github: FakeGitHub, ledger: Ledger, files: dict[str, bytes]) -> tuple[str, str]:
    """(conclusion, summary) of a pull request that adds a secret, under `files` on the base branch."""
    github.put_files(REPO, "main", files)
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    run_scan(pull_request(), github, ruleset_base=RuleSet.default(), latest_heads=ledger, final_attempt=True)
    run = github.only_run(HEAD)
    assert run.conclusion is not None and run.output is not None
    return run.conclusion, run.output.summary.replace("\\", "")  # Markdown escapes removed


def test_the_yaml_spelling_is_read(fake_github: FakeGitHub, ledger: Ledger) -> None:
    conclusion, summary = scan_with_base_config(fake_github, ledger, {YAML: b"fail_on: never\n"})
    assert conclusion == "neutral"
    assert "Configuration problems" not in summary


def test_when_both_exist_yml_is_used_and_the_other_is_named(fake_github: FakeGitHub, ledger: Ledger) -> None:
    conclusion, summary = scan_with_base_config(
        fake_github, ledger, {YML: b"fail_on: never\n", YAML: b"fail_on: low\n"}
    )
    assert conclusion == "neutral"  # fail_on: never, from the .yml
    problems = summary.split("Configuration problems")[1]
    assert "both .github/secrets-bot.yml and .github/secrets-bot.yaml exist" in problems
    assert ".github/secrets-bot.yaml is ignored; delete one" in problems


def test_the_size_limit_applies_to_either_spelling(fake_github: FakeGitHub, ledger: Ledger) -> None:
    big = b"fail_on: never\n" + b"#" * CONFIG_MAX_BYTES
    conclusion, summary = scan_with_base_config(fake_github, ledger, {YAML: big})
    assert conclusion == "failure"  # the defaults apply
    assert f".github/secrets-bot.yaml is over {CONFIG_MAX_BYTES:,} bytes; ignored" in summary
