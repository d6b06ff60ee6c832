"""The dashboard's issue calls against the fake GitHub: found by marker among the App's own issues, created
once even when GitHub's answer is lost, edited in place, closed and reopened."""

from __future__ import annotations

import pytest

from bot.github.protocol import Issue, IssuesDisabled
from tests.github.conftest import REPO, World

MARKER = "<!-- secrets-bot:dashboard -->"


def test_the_apps_issue_is_found_by_its_marker_never_by_title_or_another_author(world: World) -> None:
    bot = world.fake.bot_login
    world.fake.world.add_issue(REPO, "Serverless secrets dashboard", MARKER, user="mallory")
    world.fake.world.add_issue(REPO, "Serverless secrets dashboard", "no marker here", user=bot)
    ours = world.fake.world.add_issue(REPO, "renamed by someone", f"{MARKER}\nbody", user=bot)

    found = world.gateway.find_own_issue(REPO, MARKER)

    assert found == Issue(ours.number, f"{MARKER}\nbody", "open", bot)
    [listing] = world.fake.calls("issues/list-for-repo")
    assert listing.query["creator"] == [bot]
    assert listing.query["state"] == ["all"]


def test_closed_issues_are_found_and_pull_requests_skipped(world: World) -> None:
    bot = world.fake.bot_login
    world.repo.pulls[world.pull.number].user = bot  # the App's own pull request comes first in the listing
    issue = world.fake.world.add_issue(REPO, "t", MARKER, user=bot)
    issue.state = "closed"

    found = world.gateway.find_own_issue(REPO, MARKER)

    assert found is not None
    assert (found.number, found.state) == (issue.number, "closed")


def test_the_listing_is_paged_until_the_marker_is_found(world: World) -> None:
    bot = world.fake.bot_login
    for index in range(150):
        world.fake.world.add_issue(REPO, f"other {index}", "not a dashboard", user=bot)
    ours = world.fake.world.add_issue(REPO, "t", MARKER, user=bot)

    found = world.gateway.find_own_issue(REPO, MARKER)

    assert found is not None and found.number == ours.number
    assert len(world.fake.calls("issues/list-for-repo")) == 2


def test_nothing_found_costs_one_page(world: World) -> None:
    assert world.gateway.find_own_issue(REPO, MARKER) is None
    assert len(world.fake.calls("issues/list-for-repo")) == 1


def test_a_creation_whose_answer_was_lost_is_not_sent_again(world: World) -> None:
    world.fake.fail("POST", "/repos/{owner}/{repo}/issues", 502, after_apply=True)

    created = world.gateway.create_issue(
        REPO, title="Serverless secrets dashboard", body=MARKER, marker=MARKER
    )

    [issue] = world.fake.world.issues_in(REPO)
    assert created.number == issue.number
    assert issue.user == world.fake.bot_login
    assert len(world.fake.calls("issues/create")) == 1


def test_a_repository_without_issues_says_so(world: World) -> None:
    world.repo.has_issues = False

    with pytest.raises(IssuesDisabled):
        world.gateway.create_issue(REPO, title="t", body=MARKER, marker=MARKER)


def test_update_sets_the_body_and_closes_then_reopens(world: World) -> None:
    issue = world.fake.world.add_issue(REPO, "t", MARKER, user=world.fake.bot_login)

    world.gateway.update_issue(REPO, issue.number, body=f"{MARKER}\nnothing open", state="closed")
    assert (issue.body, issue.state, issue.state_reason) == (f"{MARKER}\nnothing open", "closed", "completed")

    world.gateway.update_issue(REPO, issue.number, state="open")
    assert (issue.body, issue.state) == (f"{MARKER}\nnothing open", "open")
    assert issue.edits[-1] == {"state": "open"}


def test_an_issue_is_read_by_number_and_a_missing_one_is_none(world: World) -> None:
    issue = world.fake.world.add_issue(REPO, "t", MARKER, user=world.fake.bot_login)

    assert world.gateway.issue(REPO, issue.number) == Issue(
        issue.number, MARKER, "open", world.fake.bot_login
    )
    assert world.gateway.issue(REPO, 9999) is None
    assert world.gateway.issue(REPO, world.pull.number) is None  # a pull request is not our issue
