"""The secrets dashboard, from the outside: installing on an organisation opens one issue where a default
branch holds a secret, none elsewhere; redeliveries change nothing; pushes close and reopen the same issue;
`dashboard: false` opens none; the bot's own edits of the issue ask for nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.store import open_store
from bot.web.overview.links import dashboard_url
from tests.e2e.harness import Bot
from tests.e2e.scenarios import GITHUB_PAT, STRIPE, issue_edited_event, person, push_event, serverless
from tests.e2e.test_fix_pull_requests import assert_no_secret, fix_pulls, press
from tests.e2e.test_installation import installed, organisation
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Issue, Repository

TITLE = "Serverless secrets dashboard"
BOX = "- [ ] open a fix pull request"


@pytest.fixture(autouse=True)
def writable(github: FakeGitHub) -> None:
    github.permissions["contents"] = "write"  # fix pull requests are possible: the dashboard offers boxes


def _snapshot(github: FakeGitHub) -> tuple[object, ...]:
    runs = sorted(
        (run.repo, run.head_sha, run.conclusion, run.updates) for run in github.world.check_runs.values()
    )
    issues = sorted((i.repo, i.number, i.state, i.body, len(i.edits)) for i in github.world.issues.values())
    return tuple(runs), tuple(issues)


def _only_issue(github: FakeGitHub, repo: Repository) -> Issue:
    issues = github.world.issues_in(repo.full_name)
    assert len(issues) == 1, issues
    return issues[0]


def test_installing_opens_one_dashboard_where_a_secret_is_and_redelivery_changes_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    clean, leaky, plain = organisation(github, repo)

    answer = bot.deliver("installation", installed([clean, leaky, plain]), delivery="install-1")
    bot.settle()

    assert answer.status_code == 202
    [failing] = github.world.runs_for(leaky.full_name)
    assert (failing.head_sha, failing.conclusion) == (leaky.branches["main"], "failure")
    issue = _only_issue(github, leaky)
    assert (issue.title, issue.user, issue.state) == (TITLE, github.bot_login, "open")
    assert issue.body.count(BOX) == 1
    assert "deploy/serverless.yml:9" in issue.body
    store = open_store(bot.settings.database_url)
    recorded = store.repository_details([leaky.full_name])[leaky.full_name].dashboard_issue
    store.close()
    own_url = f"https://github.test/{leaky.full_name}/issues/{issue.number}"  # the fake's html_url
    assert dashboard_url("https://github.test", leaky.full_name, recorded) == own_url  # the overview's link
    for quiet in (clean, plain):
        [run] = github.world.runs_for(quiet.full_name)
        assert run.conclusion == "success"
        assert github.world.issues_in(quiet.full_name) == []
    assert STRIPE not in github.sent_text()
    issue_calls = Counter(
        (call.operation, call.path.split("/")[3])
        for call in github.calls()
        if "issues/" in str(call.operation)
    )
    assert issue_calls == {("issues/list-for-repo", "payments"): 1, ("issues/create", "payments"): 1}
    before = _snapshot(github)

    same = bot.deliver("installation", installed([clean, leaky, plain]), delivery="install-1")
    fresh = bot.deliver("installation", installed([clean, leaky, plain]), delivery="install-2")
    bot.settle()

    assert (same.status_code, fresh.status_code) == (200, 200)
    assert _snapshot(github) == before


def test_a_push_removing_the_secret_closes_the_issue_and_a_new_secret_reopens_it(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    leaked = repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    opened = _only_issue(github, repo)

    fixed = repo.commit("main", {"serverless.yml": serverless(None)})
    bot.deliver("push", push_event(repo, "main", leaked, fixed))
    bot.settle()

    closed = _only_issue(github, repo)
    assert (closed.number, closed.state, closed.state_reason) == (opened.number, "closed", "completed")
    assert "Nothing is open any more" in closed.body and BOX not in closed.body

    again = repo.commit("main", {"serverless.yml": serverless(GITHUB_PAT)})
    bot.deliver("push", push_event(repo, "main", fixed, again))
    bot.settle()

    reopened = _only_issue(github, repo)
    assert (reopened.number, reopened.state) == (opened.number, "open")
    assert reopened.body.count(BOX) == 1
    assert len(github.calls("issues/create")) == 1
    assert GITHUB_PAT not in github.sent_text() and STRIPE not in github.sent_text()


def test_a_push_that_changes_nothing_on_the_dashboard_does_not_edit_it(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    head = repo.branches["main"]
    readme = repo.commit("main", {"README.md": "# billing, documented\n"})

    bot.deliver("push", push_event(repo, "main", head, readme))
    bot.settle()

    assert github.calls("issues/update") == []  # a README push scans no manifest and stores nothing


def test_dashboard_false_opens_no_issue(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {".github/secrets-bot.yml": "dashboard: false\n", "serverless.yml": serverless()})

    bot.deliver("installation", installed([repo]))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name)
    assert run.conclusion == "failure"
    assert github.world.issues == {}
    assert github.calls("issues/list-for-repo") == []


def test_the_bots_own_edits_of_the_dashboard_ask_for_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    issue = _only_issue(github, repo)
    ticked = issue.body.replace(BOX, BOX.replace("[ ]", "[x]"))

    own = bot.deliver(
        "issues",
        issue_edited_event(
            repo, issue.number, previous=issue.body, body=ticked, sender=github.bot_login,
            author=github.bot_login, bot=True,
        ),
    )  # fmt: skip
    untouched = bot.deliver(
        "issues",
        issue_edited_event(
            repo, issue.number, previous=issue.body, body=issue.body + "\nthanks", sender="dev-alice",
            author=github.bot_login,
        ),
    )  # fmt: skip
    asked = bot.deliver(
        "issues",
        issue_edited_event(
            repo, issue.number, previous=issue.body, body=ticked, sender="dev-alice", author=github.bot_login
        ),
    )

    assert (own.status_code, untouched.status_code) == (200, 200)  # nothing to do
    assert asked.status_code == 202  # a fix request for the fix job, which checks the permission


def test_two_default_branch_scans_at_once_open_one_issue(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """A push and the baseline (of the next commit) scan the same repository on two workers at once: one
    issue, not two."""
    before = repo.branches["main"]
    pushed = repo.commit("main", {"serverless.yml": serverless()})
    repo.commit("main", {"README.md": "# billing, documented\n"})  # the head the baseline scans
    github.delay(
        "GET", "/repos/{owner}/{repo}/issues", 0.3, times=None
    )  # a wide window between look and create

    bot.deliver("push", push_event(repo, "main", before, pushed))
    bot.deliver("installation", installed([repo]))
    bot.settle()

    assert len(github.calls("checks/create")) == 2
    issue = _only_issue(github, repo)
    assert issue.body.count(BOX) == 1


def test_without_contents_write_the_dashboard_says_why_and_offers_no_box(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    github.permissions["contents"] = "read"
    repo.commit("main", {"serverless.yml": serverless()})

    bot.deliver("installation", installed([repo]))
    bot.settle()

    issue = _only_issue(github, repo)
    assert "- [ ]" not in issue.body and "Contents: write" in issue.body


def test_a_writer_ticking_the_box_gets_one_fix_pull_request_and_merging_it_closes_the_dashboard(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """The scenario of issue 13: tick (reader: nothing; writer: one clean pull request), the button reuses
    it, the merge's push closes the dashboard."""
    head = repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    issue = _only_issue(github, repo)
    ticked = issue.body.replace(BOX, BOX.replace("[ ]", "[x]"))
    reader = person(github, repo, "dev-reader", "read")
    writer = person(github, repo, "dev-writer", "write")

    def tick(sender: str) -> int:
        event = issue_edited_event(
            repo, issue.number, previous=issue.body, body=ticked, sender=sender, author=github.bot_login
        )
        answer = bot.deliver("issues", event)
        bot.settle()
        return answer.status_code

    assert tick(reader) == 202
    assert fix_pulls(repo) == []

    assert tick(writer) == 202
    [pull] = fix_pulls(repo)
    manifest = repo.commits[pull.head_sha].files["serverless.yml"].decode()
    assert "STRIPE_SECRET_KEY: ${ssm:/billing/" in manifest
    assert_no_secret(manifest + (pull.body or "") + pull.head_ref, STRIPE)
    linked = _only_issue(github, repo)
    assert f"fix pull request #{pull.number}" in linked.body and "- [x]" not in linked.body

    assert press(bot, repo, head, writer) == 202
    assert fix_pulls(repo) == [pull]

    merged = repo.commit("main", {"serverless.yml": manifest})
    bot.deliver("push", push_event(repo, "main", head, merged))
    bot.settle()

    closed = _only_issue(github, repo)
    assert (closed.number, closed.state) == (issue.number, "closed")
    assert_no_secret(github.sent_text(), STRIPE)
