"""Pull requests, end to end: webhook in, check run and review out, nothing posted twice."""

from __future__ import annotations

from collections import Counter

from bot.core.findings import fingerprint
from bot.reports.markers import fingerprints_in
from tests.e2e.harness import FINGERPRINT_KEY, Bot
from tests.e2e.scenarios import GITHUB_PAT, SECRET_LINE, STRIPE, pull_request_event, sam_template, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def test_secrets_in_a_new_pull_request(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")

    answer = bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    assert answer.status_code == 202
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.name, run.status, run.conclusion) == ("Serverless secrets", "completed", "failure")
    assert run.output["title"] == "1 hard-coded secret found"
    assert "| `serverless.yml` | 9 |" in str(run.output["summary"])
    [annotation] = run.annotations
    assert (annotation["path"], annotation["start_line"], annotation["annotation_level"]) == (
        "serverless.yml",
        SECRET_LINE,
        "failure",
    )
    [review] = github.world.reviews.values()
    assert review.state == "COMMENTED"
    [comment] = github.world.comments_on(repo.full_name, pull.number)
    assert (comment.path, comment.line, comment.side) == ("serverless.yml", SECRET_LINE, "RIGHT")
    assert "```suggestion\n      STRIPE_SECRET_KEY: ${ssm:/billing/" in comment.body
    assert "aws ssm put-parameter" in comment.body
    assert "rotate" in comment.body
    # The marker's fingerprint is keyed with the bot's FINGERPRINT_KEY, which never leaves the bot.
    key = bytes.fromhex(FINGERPRINT_KEY)
    place = {"path": "serverless.yml", "key": "functions.charge.environment.STRIPE_SECRET_KEY"}
    assert fingerprints_in(comment.body) == {
        fingerprint(**place, rule="stripe-secret-key", value=STRIPE, fingerprint_key=key)
    }
    assert STRIPE not in comment.body


def test_a_clean_pull_request_gets_only_a_green_check(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("feature/clean", {"serverless.yml": serverless(None)})
    pull = repo.open_pull("feature/clean")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.conclusion, run.output["title"], run.annotations) == ("success", "No hard-coded secrets", [])
    assert github.world.reviews == {}
    assert github.world.issue_comments == {}
    writes = Counter(r.operation for r in github.calls() if r.method != "GET")
    assert writes == {"apps/create-installation-access-token": 1, "checks/create": 1, "checks/update": 1}


def test_sam_template_gets_a_cloudformation_dynamic_reference(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/sam", {"template.yaml": sam_template()})
    pull = repo.open_pull("feature/sam")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    [comment] = github.world.comments_on(repo.full_name, pull.number)
    assert comment.line == 11
    assert "{{resolve:secretsmanager:" in comment.body
    assert "aws secretsmanager create-secret" in comment.body
    assert GITHUB_PAT not in comment.body


def test_synchronize_with_the_same_secret_posts_no_duplicate(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    first_head = pull.head_sha

    repo.commit("feature/billing", {"handler.py": "def main(event, context):\n    return 201\n"})
    bot.deliver("pull_request", pull_request_event(repo, pull, "synchronize", before=first_head))
    bot.settle()

    assert pull.head_sha != first_head
    [second_run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert second_run.conclusion == "failure"
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1
    assert len(github.calls("pulls/create-review")) == 1


def test_applying_the_fix_resolves_the_comment_but_the_pushed_value_still_fails(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """The value stays in the branch's history (issue 12): the fix resolves the inline comment, and the check
    keeps failing on the history finding until the secret is rotated and acknowledged."""
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    before = pull.head_sha

    repo.commit("feature/billing", {"serverless.yml": serverless(None)})
    bot.deliver("pull_request", pull_request_event(repo, pull, "synchronize", before=before))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert str(run.output["title"]) == "No hard-coded secrets; 1 hard-coded secret in pushed commits"
    assert run.annotations == []
    [comment] = github.world.comments_on(repo.full_name, pull.number)
    assert comment.body.startswith("**Resolved:**")
    assert "<!-- secrets-bot:resolved -->" in comment.body


def test_a_secret_outside_the_diff_is_reported_only_in_the_check_run(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    manifest = serverless() + "".join(f"# note {index}\n" for index in range(30))
    # `pr_fails_on: all`: the secret was already on main, and still fails the check
    repo.commit("main", {"serverless.yml": manifest, ".github/secrets-bot.yml": "pr_fails_on: all\n"})
    repo.commit("feature/notes", {"serverless.yml": manifest + "# one more note\n"})
    pull = repo.open_pull("feature/notes")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert [a["start_line"] for a in run.annotations] == [SECRET_LINE]
    assert github.world.reviews == {}
    assert github.calls("pulls/create-review") == []


def test_calls_for_a_pull_request_with_five_manifests(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    manifests = {
        f"services/s{index}/serverless.yml": serverless(None, service=f"s{index}") for index in range(4)
    }
    repo.commit("feature/five", {**manifests, "serverless.yml": serverless()})
    pull = repo.open_pull("feature/five")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    counts = Counter(r.operation for r in github.calls())
    # five manifests, .github/secrets-bot.yml and .yaml, and the organisation's .yml and .yaml (all four
    # absent); the manifests are added by the pull request, so no base version is read
    assert counts["repos/get-content"] == 9
    assert counts["repos/compare-commits-with-basehead"] == 0
    assert counts["pulls/list-files"] == 1
    assert counts["checks/create"] == counts["checks/update"] == counts["pulls/create-review"] == 1
    assert counts["pulls/list-commits"] == 1  # one commit, the head: no commit or blob read beyond it
    assert sum(counts.values()) <= 18
