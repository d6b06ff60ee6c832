"""A pull request with many secrets: at most `max_inline_comments` inline comments (most severe first), the
rest counted in the review body, and a check run that still lists and annotates every finding."""

from __future__ import annotations

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

PASSWORDS = 10
KEYS = 60


def crowded() -> str:
    """A Serverless manifest with 10 medium findings (passwords) first, then 60 high ones (Stripe keys)."""
    lines = ["service: crowded", "provider:", "  name: aws", "  runtime: python3.12", "functions:"]
    for index in range(PASSWORDS + KEYS):
        value = (
            f"Zq7x{index:03d}" + "K9!pW2" * 2
            if index < PASSWORDS
            else f"sk_live_{index:03d}" + "9fQ2xLr7TbW4kZp1MvN8sYc3"
        )
        name = "DB_PASSWORD" if index < PASSWORDS else "STRIPE_SECRET_KEY"
        lines += [f"  f{index}:", "    handler: handler.main", "    environment:", f"      {name}: {value}"]
    return "\n".join(lines) + "\n"


def test_seventy_secrets_get_twenty_comments_and_a_complete_check_run(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/crowded", {"serverless.yml": crowded()})
    pull = repo.open_pull("feature/crowded")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert run.output["title"] == "70 hard-coded secrets found"
    assert len(run.annotations) == 70
    assert len({a["start_line"] for a in run.annotations}) == 70
    assert len(github.calls("checks/update")) == 2  # 50 annotations per request, GitHub's limit
    comments = github.world.comments_on(repo.full_name, pull.number)
    assert len(comments) == 20
    assert all("**Hard-coded secret** (high)" in comment.body for comment in comments)
    [review] = github.world.reviews.values()
    assert "50 more findings are listed in the check run only" in review.body
    assert "at most 20 inline comments" in review.body


def test_the_cap_comes_from_the_base_branchs_config(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {".github/secrets-bot.yml": "max_inline_comments: 3\n"})
    repo.commit("feature/crowded", {"serverless.yml": crowded()})
    pull = repo.open_pull("feature/crowded")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    assert len(github.world.comments_on(repo.full_name, pull.number)) == 3
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert len(run.annotations) == 70
