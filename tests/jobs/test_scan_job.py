"""`run_scan` against the typed in-memory gateway: every issue-3 scenario that needs no HTTP."""

from __future__ import annotations

import pytest

import bot.jobs.scanning
from bot.core.configfile import CONFIG_PATHS
from bot.core.findings import ScanResult, Severity
from bot.core.rules import RuleSet
from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubUnavailable, RateLimited, ReviewComment
from bot.jobs.ledger import Ledger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import UNKNOWN_RUN, ScanOutcome, external_id, run_scan
from bot.jobs.scanning import CONFIG_PATH
from bot.reports.check_run import NAME
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import (
    BEFORE,
    HEAD,
    NEWER,
    REPO,
    SECRET_LINE,
    STRIPE,
    check_event,
    pull_request,
    push,
    rescan,
    serverless,
)

RULES = RuleSet.default()


@pytest.fixture
def ledger() -> Ledger:
    return memory_queue().ledger


def scan(request: ScanRequest, github: FakeGitHub, ledger: Ledger, *, final: bool = True) -> ScanOutcome:
    return run_scan(request, github, ruleset_base=RULES, latest_heads=ledger, final_attempt=final)


def test_secret_in_a_new_pull_request(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(), "README.md": b"hi"})
    assert scan(pull_request(), fake_github, ledger) is ScanOutcome.REPORTED
    run = fake_github.only_run(HEAD)
    assert (run.name, run.external_id, run.status, run.conclusion) == (
        NAME,
        external_id(REPO, HEAD),
        "completed",
        "failure",
    )
    assert run.output is not None and any(a.start_line == SECRET_LINE for a in run.output.annotations)
    [review] = fake_github.reviews
    assert (review.number, review.commit_sha) == (7, HEAD)
    assert {(c.path, c.line) for c in review.comments} == {("serverless.yml", SECRET_LINE)}
    assert any("```suggestion" in c.body for c in review.comments)
    assert STRIPE not in fake_github.everything_sent()


def test_a_pull_request_scan_makes_the_fewest_calls(fake_github: FakeGitHub, ledger: Ledger) -> None:
    files = {
        "serverless.yml": serverless(),
        "functions/template.yaml": serverless(service="b"),
        "app.py": b"x",
    }
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files=files)
    scan(pull_request(), fake_github, ledger)
    assert sorted(fake_github.call_names()) == sorted(
        [
            "pull_request",  # the current head, from GitHub: a late or replayed event is not scanned
            "create_check_run",
            "file_content",  # .github/secrets-bot.yml on the base branch
            "file_content",  # .github/secrets-bot.yaml too, to say when both exist
            "file_content",  # the organisation's defaults, .github/secrets-bot.yml (absent)
            "file_content",  # and .github/secrets-bot.yaml (absent)
            "pull_request_files",
            "file_content",  # serverless.yml, once
            "file_content",  # functions/template.yaml, once
            "pull_request_commits",  # its commits (none but the head here): history costs one listing
            "complete_check_run",
            "review_comments",
            "create_review",
        ]
    )
    config_read = next(args for name, args in fake_github.calls if name == "file_content")
    assert config_read == (REPO, CONFIG_PATH, "main")


def test_clean_pull_request_gets_a_green_check_and_nothing_else(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(None)})
    scan(pull_request(), fake_github, ledger)
    assert fake_github.only_run(HEAD).conclusion == "success"
    assert fake_github.reviews == []


def test_synchronize_with_the_same_secret_posts_nothing_new(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(HEAD), fake_github, ledger)
    fake_github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless() + b"# more\n"})
    ledger.record_head(REPO, 7, NEWER)
    assert scan(pull_request(NEWER, delivery="d-2"), fake_github, ledger) is ScanOutcome.REPORTED
    assert len(fake_github.reviews) == 1
    assert fake_github.only_run(NEWER).conclusion == "failure"
    assert fake_github.count("update_review_comment") == 0


def test_fixing_the_secret_resolves_the_old_comment(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(HEAD), fake_github, ledger)
    fake_github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": serverless(None)})
    ledger.record_head(REPO, 7, NEWER)
    scan(pull_request(NEWER), fake_github, ledger)
    assert fake_github.only_run(NEWER).conclusion == "success"
    [comment] = fake_github.comments[(REPO, 7)]
    assert comment.body.startswith("**Resolved:**")
    assert len(fake_github.reviews) == 1


def test_comment_on_a_file_that_could_not_be_read_is_not_resolved(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(HEAD), fake_github, ledger)
    too_large = serverless() + b"#" * 2_000_000
    fake_github.open_pull(REPO, 7, head_sha=NEWER, files={"serverless.yml": too_large})
    ledger.record_head(REPO, 7, NEWER)
    scan(pull_request(NEWER), fake_github, ledger)
    [comment] = fake_github.comments[(REPO, 7)]
    assert not comment.body.startswith("**Resolved:**")
    assert fake_github.count("update_review_comment") == 0


def test_comments_of_other_authors_are_never_edited(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(None)})
    quoted = "<!-- secrets-bot:finding fingerprint=abc123 --> I quoted the bot"
    fake_github.comments[(REPO, 7)] = [
        ReviewComment(1, quoted, "serverless.yml", SECRET_LINE, "dev-alice"),
        ReviewComment(2, quoted, "serverless.yml", SECRET_LINE, "other-bot[bot]"),
        ReviewComment(3, quoted, "serverless.yml", SECRET_LINE, "secrets-bot-impostor[bot]"),
    ]
    scan(pull_request(), fake_github, ledger)
    assert fake_github.count("update_review_comment") == 0


def test_secret_outside_the_diff_is_only_in_the_check_run(fake_github: FakeGitHub, ledger: Ledger) -> None:
    patch = "@@ -1,3 +1,3 @@\n-service: payments\n+service: billing\n provider:\n   name: aws"
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()}, patches={"serverless.yml": patch}
    )
    scan(pull_request(), fake_github, ledger)
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and run.output.annotations
    assert fake_github.reviews == []


def test_removed_and_non_manifest_files_are_not_read(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": None, "src/app.py": b"print(1)"})
    scan(pull_request(), fake_github, ledger)
    read = [args[:2] for name, args in fake_github.calls if name == "file_content"]
    assert read == [
        *((REPO, path) for path in CONFIG_PATHS),
        *(("acme/.github", path) for path in CONFIG_PATHS),
    ]
    assert fake_github.only_run(HEAD).conclusion == "success"


def test_config_comes_from_the_base_branch_not_the_pull_request(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    switch_off = b"fail_on: never\nexclude:\n  - '**'\n"
    fake_github.put_files(REPO, "main", {CONFIG_PATH: b"fail_on: high\n"})
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless(), CONFIG_PATH: switch_off}
    )
    scan(pull_request(), fake_github, ledger)
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None
    assert "changes `.github/secrets-bot.yml`" in run.output.summary
    assert "severity `high`" in run.output.summary


def test_push_reads_the_config_as_it_was_before_the_push(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.put_files(REPO, BEFORE, {CONFIG_PATH: b"fail_on: never\n"})
    fake_github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    scan(push(), fake_github, ledger)
    assert (REPO, CONFIG_PATH, BEFORE) in [args for name, args in fake_github.calls if name == "file_content"]
    assert fake_github.only_run(HEAD).conclusion == "neutral"


def test_broken_config_is_reported_and_defaults_apply(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.put_files(REPO, "main", {CONFIG_PATH: b"fail_on: sometimes\n"})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(), fake_github, ledger)
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and "Configuration problems" in run.output.summary


def test_file_over_the_size_limit_is_listed_as_not_scanned(fake_github: FakeGitHub, ledger: Ledger) -> None:
    huge = serverless() + b"#" * 2_000_000
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": huge, "other/serverless.yml": serverless()}
    )
    assert scan(pull_request(), fake_github, ledger) is ScanOutcome.REPORTED
    run = fake_github.only_run(HEAD)
    assert run.output is not None
    unscanned = run.output.summary.split("### Not scanned")[1]
    assert f"`serverless.yml`: not scanned: {len(huge):,} bytes, over the 2,000,000\\-byte limit" in unscanned
    assert {a.path for a in run.output.annotations} == {"other/serverless.yml"}
    assert "of 1 manifest file scanned" in run.output.summary
    assert run.output.title == "1 hard-coded secret found; 1 file not scanned in full"


@pytest.mark.parametrize(("setting", "conclusion"), [("", "failure"), ("incomplete: neutral\n", "neutral")])
def test_a_clean_pull_request_with_an_oversized_manifest_never_passes(
    fake_github: FakeGitHub, ledger: Ledger, setting: str, conclusion: str
) -> None:
    fake_github.put_files(REPO, "main", {CONFIG_PATH: setting.encode() or b"fail_on: high\n"})
    fake_github.open_pull(
        REPO, 7, head_sha=HEAD, files={"serverless.yml": b"service: x\n" + b"#" * 2_000_000}
    )

    assert scan(pull_request(), fake_github, ledger) is ScanOutcome.REPORTED

    run = fake_github.only_run(HEAD)
    assert run.conclusion == conclusion
    assert run.output is not None
    assert run.output.title == "1 file not scanned in full"
    assert "**1 file was not scanned in full**" in run.output.summary


def test_a_file_that_crashes_the_scanner_never_passes(
    fake_github: FakeGitHub, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crashing(path: str, data: bytes, **options: object) -> object:
        raise RecursionError("deep")

    monkeypatch.setattr(bot.jobs.scanning, "scan_file", crashing)
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": b"service: x\n"})

    scan(pull_request(), fake_github, ledger)

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None
    assert "not scanned: internal error RecursionError (internal-error)" in run.output.summary


def test_findings_past_the_per_file_cap_are_counted_and_fail(
    fake_github: FakeGitHub, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bot.jobs.scanning.scan_file

    def capped(path: str, data: bytes, **options: object) -> ScanResult:
        result: ScanResult = real(path, data, **options)  # type: ignore[arg-type]
        low = tuple(item._replace(severity=Severity.LOW) for item in result.findings)
        return result._replace(findings=low, omitted=7)

    monkeypatch.setattr(bot.jobs.scanning, "scan_file", capped)
    fake_github.put_files(REPO, "main", {CONFIG_PATH: b"fail_on: high\n"})
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})

    scan(pull_request(), fake_github, ledger)

    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None
    assert run.output.title == "8 hard-coded secrets found"
    assert "7 of them are counted but not listed" in run.output.summary
    assert "- 7 more findings not listed in `serverless.yml`" in run.output.summary


def test_push_of_a_secret_to_the_default_branch_is_leaked(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    assert scan(push(), fake_github, ledger) is ScanOutcome.REPORTED
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and "Rotate each secret" in run.output.summary
    assert fake_github.count("pulls_for_commit") == 0
    assert fake_github.reviews == []


def test_new_branch_is_compared_with_the_default_branch(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.push_files(REPO, base="main", head=HEAD, files={"serverless.yml": serverless()})
    scan(push(before=None, ref="feature/billing"), fake_github, ledger)
    assert ("compare_files", (REPO, "main", HEAD)) in fake_github.calls
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure"
    assert run.output is not None and "Rotate each secret" not in run.output.summary


def test_push_to_a_pull_request_branch_is_left_to_the_pull_request(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    assert scan(push(ref="feature/billing"), fake_github, ledger) is ScanOutcome.NOTHING_TO_DO
    assert fake_github.check_runs == {}


def test_check_suite_after_the_push_was_reported_costs_no_call(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.push_files(REPO, base=BEFORE, head=HEAD, files={"serverless.yml": serverless()})
    scan(push(), fake_github, ledger)
    before = len(fake_github.calls)
    assert (
        scan(check_event(Trigger.CHECK_SUITE, ref="main"), fake_github, ledger)
        is ScanOutcome.ALREADY_REPORTED
    )
    assert len(fake_github.calls) == before


def test_fork_check_rerun_finds_the_pull_request_by_sha(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 9, head_sha=HEAD, files={"serverless.yml": serverless()})
    assert scan(check_event(Trigger.RERUN), fake_github, ledger) is ScanOutcome.REPORTED
    assert fake_github.count("pulls_for_commit") == 1
    [review] = fake_github.reviews
    assert review.number == 9


def test_check_rerun_is_scanned_again_even_when_reported(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(), fake_github, ledger)
    rerun = ScanRequest.from_job({**pull_request().to_job(), "trigger": "rerun"})
    assert scan(rerun, fake_github, ledger) is ScanOutcome.REPORTED
    run = fake_github.only_run(HEAD)
    assert (run.completions, len(fake_github.reviews)) == (2, 1)


def test_repeated_automatic_event_is_not_scanned_twice(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    scan(pull_request(), fake_github, ledger)
    assert scan(pull_request(delivery="d-again"), fake_github, ledger) is ScanOutcome.ALREADY_REPORTED
    assert fake_github.only_run(HEAD).completions == 1


def test_rescan_by_a_writer_reacts_and_scans_the_current_head(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.permissions[(REPO, "dev-bob")] = "write"
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    assert scan(rescan("dev-bob"), fake_github, ledger) is ScanOutcome.REPORTED
    assert fake_github.reactions == [(REPO, 555, "eyes")]
    assert fake_github.only_run(HEAD).conclusion == "failure"
    assert ledger.newest_head(REPO, 7) == HEAD
    assert fake_github.call_names()[:3] == ["permission", "add_reaction", "pull_request"]


@pytest.mark.parametrize("permission", ["read", "triage", "none"])
def test_rescan_by_a_reader_gets_a_reply_and_no_scan(
    fake_github: FakeGitHub, ledger: Ledger, permission: str
) -> None:
    fake_github.permissions[(REPO, "visitor")] = permission
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    assert scan(rescan("visitor"), fake_github, ledger) is ScanOutcome.DENIED
    [(repo, number, body)] = fake_github.issue_comments
    assert (repo, number) == (REPO, 7) and "@visitor" in body and "write access" in body
    assert fake_github.check_runs == {} and fake_github.reactions == []


def test_rescan_of_a_closed_pull_request_does_nothing(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.permissions[(REPO, "dev-bob")] = "admin"
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()}, state="closed")
    assert scan(rescan("dev-bob"), fake_github, ledger) is ScanOutcome.NOTHING_TO_DO
    assert fake_github.check_runs == {}


def move_head(github: FakeGitHub, ledger: Ledger, sha: str = NEWER, *, reported: bool = False) -> None:
    """GitHub's pull request 7 now has head `sha` (and the web process has heard of it)."""
    github.open_pull(REPO, 7, head_sha=sha, files={"serverless.yml": serverless()})
    ledger.record_head(REPO, 7, sha)
    if reported:
        ledger.mark_reported(REPO, sha, "pr7")


def test_a_superseded_head_is_not_scanned_and_the_current_head_is(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    move_head(fake_github, ledger)

    assert scan(pull_request(HEAD), fake_github, ledger) is ScanOutcome.SUPERSEDED

    assert fake_github.runs_for(HEAD) == []
    assert fake_github.only_run(NEWER).conclusion == "failure"
    assert ledger.was_reported(REPO, NEWER, "pr7")
    assert scan(pull_request(NEWER), fake_github, ledger) is ScanOutcome.ALREADY_REPORTED


def test_a_replayed_event_for_an_old_head_creates_nothing(fake_github: FakeGitHub, ledger: Ledger) -> None:
    """The web process recorded the replayed OLD head as the newest on arrival; GitHub knows better."""
    move_head(fake_github, ledger, reported=True)
    ledger.record_head(REPO, 7, HEAD)

    assert scan(pull_request(HEAD, delivery="replayed"), fake_github, ledger) is ScanOutcome.SUPERSEDED

    assert fake_github.check_runs == {}
    assert fake_github.call_names() == ["pull_request"]
    assert ledger.newest_head(REPO, 7) == NEWER


def test_a_superseded_head_whose_successor_is_reported_costs_one_call(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    move_head(fake_github, ledger, reported=True)

    assert scan(pull_request(HEAD), fake_github, ledger) is ScanOutcome.SUPERSEDED

    assert fake_github.call_names() == ["pull_request"]  # GitHub, not arrival order, says who is current


def test_a_late_event_for_an_old_head_never_supersedes_the_current_one(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    """A replayed `synchronize` for OLD arrives while the real head is scanned: GitHub still says HEAD."""
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    ledger.record_head(REPO, 7, HEAD)
    fake_github.hooks["pull_request_files"] = lambda: ledger.record_head(REPO, 7, "0" * 40)

    assert scan(pull_request(HEAD), fake_github, ledger) is ScanOutcome.REPORTED

    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert ledger.newest_head(REPO, 7) == HEAD  # GitHub's answer corrected the ledger
    assert fake_github.count("pull_request") == 2  # before the run is created, and when the ledger moved


def test_head_superseded_during_the_scan_completes_as_superseded(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    ledger.record_head(REPO, 7, HEAD)
    fake_github.hooks["pull_request_files"] = lambda: move_head(fake_github, ledger, reported=True)
    assert scan(pull_request(HEAD), fake_github, ledger) is ScanOutcome.SUPERSEDED
    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "neutral")
    assert run.output is not None and run.output.title == f"Superseded by {NEWER[:7]}"
    assert fake_github.reviews == [] and fake_github.count("review_comments") == 0


def test_rerun_of_a_superseded_check_completes_it_as_superseded(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    move_head(fake_github, ledger, reported=True)
    rerun = ScanRequest.from_job({**pull_request().to_job(), "trigger": "rerun"})
    assert scan(rerun, fake_github, ledger) is ScanOutcome.SUPERSEDED
    assert fake_github.only_run(HEAD).conclusion == "neutral"
    assert fake_github.count("pull_request_files") == 0


def test_run_orphaned_by_a_killed_worker_is_closed_when_superseded(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    """The worker died after GitHub created the run but before the ledger heard its id."""
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    orphan = fake_github.create_check_run(REPO, HEAD, name=NAME, external_id=external_id(REPO, HEAD))
    ledger.remember_run(REPO, HEAD, UNKNOWN_RUN)
    move_head(fake_github, ledger, reported=True)
    assert scan(pull_request(HEAD), fake_github, ledger) is ScanOutcome.SUPERSEDED
    assert fake_github.only_run(HEAD).id == orphan
    assert fake_github.only_run(HEAD).conclusion == "neutral"


def test_github_down_on_the_last_attempt_fails_the_check_run(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    fake_github.fail_next("pull_request_files", GitHubUnavailable("502"))
    with pytest.raises(GitHubUnavailable):
        scan(pull_request(), fake_github, ledger, final=True)
    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output is not None and run.output.title == "Scan could not finish"


def test_github_down_before_the_last_attempt_leaves_it_to_the_retry(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    fake_github.fail_next("pull_request_files", GitHubUnavailable("502"))
    with pytest.raises(GitHubUnavailable):
        scan(pull_request(), fake_github, ledger, final=False)
    assert fake_github.only_run(HEAD).status == "in_progress"
    assert scan(pull_request(), fake_github, ledger) is ScanOutcome.REPORTED
    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion, len(fake_github.reviews)) == ("completed", "failure", 1)


def test_check_run_creation_failing_is_retried_into_one_run(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    fake_github.fail_next("create_check_run", GitHubUnavailable("502"))
    with pytest.raises(GitHubUnavailable):
        scan(pull_request(), fake_github, ledger, final=False)
    scan(pull_request(), fake_github, ledger)
    assert fake_github.only_run(HEAD).conclusion == "failure"


def test_unexpected_error_completes_the_check_run_as_failed(fake_github: FakeGitHub, ledger: Ledger) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    fake_github.fail_next("file_content", RuntimeError("boom " + STRIPE))
    assert scan(pull_request(), fake_github, ledger) is ScanOutcome.FAILED
    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output is not None and "RuntimeError" in run.output.summary
    assert STRIPE not in fake_github.everything_sent()


def test_a_long_rate_limit_leaves_the_run_in_progress_saying_it_waits(
    fake_github: FakeGitHub, ledger: Ledger
) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    until = 1_750_000_000.0 + 3600  # 2025-06-15 16:06:40 UTC
    fake_github.fail_next("pull_request_files", RateLimited("wait", until=until, wait=3600.0))

    with pytest.raises(RateLimited):
        scan(pull_request(), fake_github, ledger, final=True)

    run = fake_github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("in_progress", None)  # not failed, even on the last attempt
    assert run.output is not None
    assert run.output.title == "Waiting for GitHub's rate limit until 16:06 UTC"
