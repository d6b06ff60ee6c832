"""Past GitHub's listing caps (3,000 files of a pull request, 300 of a compared push) the changed files are
found from the two commits' trees; when even a tree is too large to list, the check says so and fails."""

from __future__ import annotations

from collections import Counter

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, push_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

LATE = "zz-late/serverless.yml"  # sorts after the filler, so it is past the cap in GitHub's listing


def filler(count: int) -> dict[str, str | bytes | None]:
    return {f"docs/page{index:05}.md": f"page {index}\n" for index in range(count)}


def test_a_manifest_past_the_3000_file_listing_is_found_and_scanned(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/big", {**filler(3100), LATE: serverless()})
    pull = repo.open_pull("feature/big")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert {a["path"] for a in run.annotations} == {LATE}
    counts = Counter(r.operation for r in github.calls())
    assert counts["pulls/list-files"] == 30
    assert counts["git/get-tree"] == 2  # the base's tree and the head's, once each


def test_when_the_tree_is_too_large_to_list_the_check_fails_and_says_why(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    github.tree_limit = 1000
    repo.commit("feature/big", filler(3100))
    pull = repo.open_pull("feature/big")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output["title"] == "Changed files not all listed"
    summary = str(run.output["summary"])
    assert "### Not scanned\n- not scanned: GitHub lists only 3,000 changed files" in summary
    assert "could not be found (not-scanned)" in summary


def test_a_push_past_the_300_file_comparison_is_completed_from_the_trees(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    before = repo.branches["main"]
    after = repo.commit("main", {**filler(400), LATE: serverless()})

    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, after)
    assert run.conclusion == "failure"
    assert {a["path"] for a in run.annotations} == {LATE}
    assert len(github.calls("git/get-tree")) == 2


def test_a_small_pull_request_pays_no_tree_call(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("feature/small", {**filler(20), "serverless.yml": serverless()})
    pull = repo.open_pull("feature/small")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert github.calls("git/get-tree") == []
