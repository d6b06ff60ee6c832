"""An attacker's pull request through the whole job (in-memory gateway): hostile file names, a config that
tries to switch the bot off, a backtracking custom rule, a file that crashes the scanner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bot.jobs.scanning
from bot.core.rules import RuleSet
from bot.jobs.ledger import Ledger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from bot.jobs.scanning import CONFIG_PATH
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, SECRET_LINE, STRIPE, pull_request, serverless
from tests.reports.inert import assert_inert

RULES = RuleSet.default()
EVIL = "evil.example"
HOSTILE_DIRS = (
    "../../../../etc",
    "a\nb/## injected heading",
    f"[fix it here](https://{EVIL}/phish)",
    f"<img src=https://{EVIL}/pixel.png>",
    "x\x1b[31mred\x00nul\r",
    "pipe|col`tick``",
    "@acme/security-team <!-- hidden",
    "http:/evil.example <b>x</b> www.evil.example",
)


@pytest.fixture
def ledger() -> Ledger:
    return memory_queue().ledger


def scan(github: FakeGitHub, ledger: Ledger) -> ScanOutcome:
    return run_scan(pull_request(), github, ruleset_base=RULES, latest_heads=ledger)


def read_paths(github: FakeGitHub) -> dict[str, set[str]]:
    """path -> refs the job asked GitHub for."""
    paths: dict[str, set[str]] = {}
    for name, args in github.calls:
        if name == "file_content":
            paths.setdefault(str(args[1]), set()).add(str(args[2]))
    return paths


def outside_code_spans(markdown: str) -> str:
    """The Markdown with every code span and fenced block removed: what GitHub would render as markup."""
    without_fences = re.sub(r"^(`{3,})[^`\n]*\n.*?\n\1`*$", "", markdown, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", without_fences, flags=re.DOTALL)


def test_hostile_file_names_are_rendered_inert_and_never_touch_the_disk(
    fake_github: FakeGitHub, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    files: dict[str, bytes | None] = {}
    for index, directory in enumerate(HOSTILE_DIRS):
        files[f"{directory}/serverless.yml"] = serverless() if index % 2 else serverless() + b"#" * 2_000_001
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k)
    )
    monkeypatch.chdir(tmp_path)
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files=files)

    assert scan(fake_github, ledger) is ScanOutcome.REPORTED

    run = fake_github.only_run(HEAD)
    assert run.output is not None
    rendered = outside_code_spans(run.output.summary + "\n" + (run.output.text or ""))
    assert EVIL not in rendered, "a file name became a link or an image"
    assert "<img" not in rendered
    assert not [line for line in rendered.splitlines() if line.startswith("## injected")]
    assert not any(char in rendered for char in "\x00\x1b\r")
    docs = frozenset(str(a.message.rsplit("Docs: ", 1)[-1]) for a in run.output.annotations)
    assert_inert(run.output.summary, bot_links=docs)
    assert_inert(run.output.text or "", bot_links=docs)
    for review in fake_github.reviews:
        for comment in review.comments:
            assert_inert(comment.body.rsplit("\n\n", 1)[0], bot_links=docs)
    assert set(read_paths(fake_github)) >= set(files)
    assert opened == [] and list(tmp_path.iterdir()) == []


def test_a_pull_request_cannot_switch_the_scan_off_through_the_config(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    """The config is read from the base branch; the PR's own edit of it is flagged, not obeyed."""
    switch_off = (
        b"fail_on: never\npaths:\n  include: ['nothing/**']\n  exclude: ['**']\n"
        b"allowlist:\n  paths: ['**']\n  values: ['.*']\nrules:\n  disable: [generic-password]\n"
    )
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(), CONFIG_PATH: switch_off}
    )

    scan(fake_github, ledger)

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and CONFIG_PATH in run.output.summary
    [review] = fake_github.reviews
    assert [c.line for c in review.comments] == [SECRET_LINE]
    assert "main" in read_paths(fake_github)[CONFIG_PATH]  # the head copy is only scanned for secrets


@pytest.mark.parametrize(
    "regex",
    ["(a+)+$", "(x|x?)+y", "(?P<secret>(a|aa)+)b", "((a*)*)*c"],
    ids=["nested-plus", "alternation", "secret-group", "nested-star"],
)
def test_a_backtracking_custom_rule_runs_in_linear_time(
    fake_github: FakeGitHub, ledger: Ledger, regex: str
) -> None:
    """RE2 runs the repository's patterns: a classic catastrophic pattern on a long run completes at once."""
    config = (
        "rules:\n  custom:\n    - id: evil-rule\n      description: evil\n      severity: high\n"
        f"      regex: '{regex}'\n      keywords: [a, x]\n"
    ).encode()
    fake_github.put_files(REPO, "main", {CONFIG_PATH: config})
    attack = (
        b"service: s\nprovider:\n  environment:\n    RUN: "
        + b"a" * 50_000
        + b"!\n    X: "
        + b"x" * 50_000
        + b"\n"
    )
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(), "sls/serverless.yml": attack}
    )

    assert scan(fake_github, ledger) is ScanOutcome.REPORTED

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"


def test_a_custom_rule_with_backreferences_is_refused_as_a_config_problem(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    config = (
        b"rules:\n  custom:\n    - id: backref\n      description: b\n      severity: high\n"
        b"      regex: '(a+)\\1'\n"
    )
    fake_github.put_files(REPO, "main", {CONFIG_PATH: config})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})

    scan(fake_github, ledger)

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and "Configuration problems" in run.output.summary


def test_a_file_that_crashes_the_scanner_spoils_only_itself(
    fake_github: FakeGitHub, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.jobs.scanning.scan_file

    def crashing(path: str, data: bytes, **options: object) -> object:
        if path == "poison/serverless.yml":
            raise RecursionError(STRIPE)  # a message that quotes the file must not travel anywhere
        return real(path, data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.jobs.scanning, "scan_file", crashing)
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(), "poison/serverless.yml": serverless()}
    )

    assert scan(fake_github, ledger) is ScanOutcome.REPORTED

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None
    assert {a.path for a in run.output.annotations} == {"serverless.yml"}
    assert "poison/serverless.yml" in run.output.summary
    assert "RecursionError" in run.output.summary
    assert STRIPE not in fake_github.everything_sent()
