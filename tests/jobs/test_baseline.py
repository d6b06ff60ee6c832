"""`compare_with_base` against the in-memory gateway: what is read, and what a failed read means."""

from __future__ import annotations

from bot.core.config import ScanConfig
from bot.core.findings import ScanResult
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.github.protocol import ChangedFile, UnreadableAnswer
from bot.jobs.baseline import Baseline, compare_with_base
from tests.conftest import BASE_SHA, FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, STRIPE, serverless

WAIVED = serverless(STRIPE + "  # secrets-bot: ignore")
RULES = RuleSet.default()


def scan(path: str, data: bytes) -> ScanResult:
    return scan_file(path, data, ruleset=RULES, config=ScanConfig())


def compare(github: FakeGitHub, *changed: tuple[ChangedFile, bytes], limit: int = 100_000) -> Baseline:
    scanned = [(item, scan(item.path, data)) for item, data in changed]
    return compare_with_base(github, REPO, BASE_SHA, HEAD, scanned, scan, limit)


def test_a_finding_at_the_merge_base_is_preexisting_and_a_new_one_is_not() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"old/serverless.yml": serverless()})

    baseline = compare(
        github,
        (ChangedFile("old/serverless.yml", "modified"), serverless()),
        (ChangedFile("new/serverless.yml", "modified"), serverless()),
    )

    old = scan("old/serverless.yml", serverless()).findings
    assert baseline.preexisting == {finding.fingerprint for finding in old}
    assert github.count("merge_base") == 1  # once, for every file
    assert baseline.unread == ()


def test_a_renamed_file_is_read_under_its_previous_name_and_matched_under_its_new_one() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"a/serverless.yml": serverless()})

    baseline = compare(github, (ChangedFile("b/serverless.yml", "renamed", "a/serverless.yml"), serverless()))

    assert ("file_content", (REPO, "a/serverless.yml", BASE_SHA)) in github.calls
    assert baseline.preexisting == {f.fingerprint for f in scan("b/serverless.yml", serverless()).findings}


def test_an_added_file_needs_no_base_read_and_its_waivers_are_new() -> None:
    github = FakeGitHub()

    baseline = compare(github, (ChangedFile("serverless.yml", "added"), WAIVED))

    assert github.calls == []
    assert [entry.finding.rule for entry in baseline.waived] == ["stripe-secret-key"]


def test_a_waiver_already_at_the_merge_base_is_not_new() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"serverless.yml": WAIVED})

    baseline = compare(github, (ChangedFile("serverless.yml", "modified"), WAIVED))

    assert baseline.waived == ()


def test_a_waiver_added_over_a_secret_already_on_the_base_is_new() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"serverless.yml": serverless()})

    baseline = compare(github, (ChangedFile("serverless.yml", "modified"), WAIVED))

    assert [entry.comment_line for entry in baseline.waived] == [9]


def test_a_base_version_too_large_hides_nothing() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"serverless.yml": serverless() + b"#" * 500})

    baseline = compare(github, (ChangedFile("serverless.yml", "modified"), WAIVED + b"\n"), limit=400)

    assert baseline.preexisting == frozenset()
    assert len(baseline.waived) == 1
    [why] = baseline.unread
    assert why.startswith("serverless.yml: ") and "over the 400-byte limit" in why


def test_a_base_version_github_will_not_serve_hides_nothing() -> None:
    github = FakeGitHub()
    github.put_files(REPO, BASE_SHA, {"serverless.yml": serverless()})
    github.fail_next("file_content", UnreadableAnswer("an HTML page"))

    baseline = compare(github, (ChangedFile("serverless.yml", "modified"), serverless()))

    assert baseline.preexisting == frozenset()
    assert baseline.unread == ("serverless.yml: GitHub kept answering with something other than the file",)
