"""A canary secret goes in through a pull request and a push; it must come out nowhere but the input."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, push_event, sam_template, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

CANARY = "sk_live_" + "CanaryQ7xT2mW9pL4vZ8nR3k"
CANARY_PAT = "ghp_" + "CanaryA1b2C3d4E5f6G7h8I9" + "j0K1l2M3n4O5"


def test_the_canary_is_in_no_request_no_log_line_and_not_in_the_queue(
    bot: Bot, github: FakeGitHub, repo: Repository, tmp_path: Path
) -> None:
    repo.commit(
        "feature/leak", {"serverless.yml": serverless(CANARY), "template.yaml": sam_template(CANARY_PAT)}
    )
    pull = repo.open_pull("feature/leak")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    before = repo.branches["main"]
    after = repo.commit("main", {"serverless.yml": serverless(CANARY)})
    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()

    runs = github.world.runs_for(repo.full_name)
    assert {run.conclusion for run in runs} == {"failure"}
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 2
    sent = github.sent_text()
    logged = bot.log_text()
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("queue.db*"))
    for canary in (CANARY, CANARY_PAT):
        assert canary not in sent, "a request to GitHub carried the secret"
        assert canary not in logged, "a log record carried the secret"
        assert canary.encode() not in stored, "the queue stored the secret"
    assert "sk_l" in sent  # the redacted preview did go out
