"""A pull request answers for what it adds, and shows every waiver it adds (issue 11, sections 1 and 2).

End to end against the fake GitHub: findings are split against the merge base, inline ignore comments added
by the pull request are listed and keep the check from `success`, and organisation defaults apply.
"""

from __future__ import annotations

from collections import Counter

from tests.e2e.harness import INSTALLATION, Bot
from tests.e2e.scenarios import GITHUB_PAT, SECRET_LINE, STRIPE, pull_request_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import CheckRun, Pull, Repository

IGNORE = "  # secrets-bot: ignore"
TWO_SECRETS = serverless() + f"      GITHUB_TOKEN: {GITHUB_PAT}\n"  # lines 9 and 10


def scanned(bot: Bot, github: FakeGitHub, repo: Repository, pull: Pull) -> CheckRun:
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    return run


def test_an_unrelated_pull_request_on_a_base_with_secrets_is_not_failed_and_says_why(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": TWO_SECRETS})
    repo.commit("feature/runtime", {"serverless.yml": TWO_SECRETS.replace("python3.12", "python3.13")})
    pull = repo.open_pull("feature/runtime")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "success"
    assert run.output["title"] == "No new hard-coded secrets; 2 already on main"
    summary = str(run.output["summary"])
    assert "this pull request adds no hard-coded secrets" in summary
    assert "### Already on `main`: 2 findings — not failing this pull request" in summary
    assert summary.count("| `serverless.yml` | 9 |") == 1  # listed once, under its own heading
    assert {a["annotation_level"] for a in run.annotations} == {"notice"}
    assert all(a["title"].startswith("Already on main: ") for a in run.annotations)
    assert github.world.comments_on(repo.full_name, pull.number) == []  # no line of theirs was touched
    counts = Counter(r.operation for r in github.calls())
    assert counts["repos/compare-commits-with-basehead"] == 1  # the merge base, once
    # the config's two names, the organisation's two, the head and the base version of the one manifest
    assert counts["repos/get-content"] == 6
    assert STRIPE not in github.sent_text() and GITHUB_PAT not in github.sent_text()


def test_a_pull_request_adding_a_secret_with_an_ignore_comment_is_not_success_and_lists_the_waiver(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless(None)})
    repo.commit("feature/waive", {"serverless.yml": serverless(STRIPE + IGNORE)})
    pull = repo.open_pull("feature/waive")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "neutral"
    assert run.output["title"] == "No hard-coded secrets; 1 waived in this pull request"
    summary = str(run.output["summary"])
    assert "### Waived in this pull request" in summary
    assert "| `serverless.yml` | 9 | `stripe-secret-key` | `sk_l********sYc3` | line 9 |" in summary
    [annotation] = run.annotations
    assert annotation["title"] == "Waived in this pull request: stripe-secret-key"
    assert (annotation["start_line"], annotation["annotation_level"]) == (SECRET_LINE, "warning")
    assert STRIPE not in github.sent_text()


def test_an_ignore_comment_already_on_the_base_stays_silent(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    waived = serverless(STRIPE + IGNORE)
    repo.commit("main", {"serverless.yml": waived})
    repo.commit("feature/runtime", {"serverless.yml": waived.replace("python3.12", "python3.13")})
    pull = repo.open_pull("feature/runtime")

    run = scanned(bot, github, repo, pull)

    assert (run.conclusion, run.output["title"], run.annotations) == ("success", "No hard-coded secrets", [])


def test_waivers_in_pr_deny_keeps_the_check_failing(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {".github/secrets-bot.yml": "waivers_in_pr: deny\n"})
    repo.commit("feature/waive", {"serverless.yml": serverless(STRIPE + IGNORE)})
    pull = repo.open_pull("feature/waive")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "failure"
    assert "`waivers_in_pr: deny` does not honour" in str(run.output["summary"])


def test_waivers_in_pr_allow_is_silent(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {".github/secrets-bot.yml": "waivers_in_pr: allow\n"})
    repo.commit("feature/waive", {"serverless.yml": serverless(STRIPE + IGNORE)})
    pull = repo.open_pull("feature/waive")

    run = scanned(bot, github, repo, pull)

    assert (run.conclusion, run.output["title"], run.annotations) == ("success", "No hard-coded secrets", [])


def test_a_secret_already_on_the_base_is_commented_where_the_pull_request_touches_its_line(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": TWO_SECRETS})
    touched = TWO_SECRETS.replace(f"{STRIPE}\n", f"{STRIPE}  # billing key\n")
    repo.commit("feature/note", {"serverless.yml": touched})
    pull = repo.open_pull("feature/note")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "success"
    [comment] = github.world.comments_on(repo.full_name, pull.number)
    assert (comment.path, comment.line) == ("serverless.yml", SECRET_LINE)  # line 10 was not touched


def test_pr_fails_on_all_fails_on_what_was_already_there(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless(), ".github/secrets-bot.yml": "pr_fails_on: all\n"})
    repo.commit("feature/runtime", {"serverless.yml": serverless().replace("python3.12", "python3.13")})
    pull = repo.open_pull("feature/runtime")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "failure"
    assert "### Already on `main`: 1 finding — failing this pull request (`pr_fails_on: all`)" in str(
        run.output["summary"]
    )


def test_a_renamed_manifest_brings_nothing_new(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {"billing/serverless.yml": serverless()})
    repo.commit(
        "feature/move", {"billing/serverless.yml": None, "services/billing/serverless.yml": serverless()}
    )
    pull = repo.open_pull("feature/move")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "success"
    assert run.output["title"] == "No new hard-coded secrets; 1 already on main"
    base_reads = [r.path for r in github.calls("repos/get-content") if r.query.get("ref") != [pull.head_sha]]
    assert "/repos/acme/billing/contents/billing/serverless.yml" in base_reads  # under its previous name


def test_a_base_version_that_cannot_be_read_counts_as_introduced(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    padding = "".join(f"# {index:04}\n" for index in range(1000))  # over the 5,000-byte limit at the base
    config = "max_file_size: 5000\n"
    repo.commit("main", {"serverless.yml": serverless() + padding, ".github/secrets-bot.yml": config})
    repo.commit("feature/trim", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/trim")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "failure"
    assert run.output["title"] == "1 hard-coded secret found"
    summary = str(run.output["summary"])
    assert "### Base versions not read" in summary
    assert "its findings all count as introduced by this pull request" in summary


def test_organisation_defaults_apply_to_a_repository_without_its_own_file(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    org = github.add_repo("acme/.github")
    org.commit("main", {".github/secrets-bot.yml": "fail_on: never\n"})
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "neutral"
    assert "`fail_on: never` keeps the check from failing" in str(run.output["summary"])
    # Both names are read at once (bot.jobs.parallel), each on the organisation repository's default branch.
    org_reads = [r for r in github.calls("repos/get-content") if r.path.startswith("/repos/acme/.github/")]
    assert len(org_reads) == 2 and all("ref" not in read.query for read in org_reads)


def test_a_repository_key_overrides_the_organisation_default(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    org = github.add_repo("acme/.github")
    org.commit("main", {".github/secrets-bot.yaml": "fail_on: never\nmax_inline_comments: 0\n"})
    repo.commit("main", {".github/secrets-bot.yml": "fail_on: high\n"})
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "failure"  # the repository's fail_on: high
    assert github.world.comments_on(repo.full_name, pull.number) == []  # the organisation's cap of 0


def test_an_organisation_repository_outside_the_installation_means_no_defaults(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    github.world.installations[INSTALLATION].repos = {repo.full_name}
    org = github.add_repo("acme/.github")
    org.commit("main", {".github/secrets-bot.yml": "fail_on: never\n"})
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")

    run = scanned(bot, github, repo, pull)

    assert run.conclusion == "failure"
    assert "Configuration problems" not in str(run.output["summary"])
