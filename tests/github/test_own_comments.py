"""The bot edits only comments GitHub shows as written by its own App (`<slug>[bot]` from `GET /app`):
a person's or another App's comment that carries the hidden marker is left alone."""

from __future__ import annotations

from bot.core.rules import RuleSet
from bot.events.request import ScanRequest, Trigger
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from bot.reports.markers import marker_for
from tests.fakegithub.state import ReviewComment
from tests.github.conftest import REPO, World

GONE = marker_for("0123456789abcdef")  # a finding that is no longer there: ours would be marked resolved


def comment_by(world: World, user: str) -> ReviewComment:
    comment = ReviewComment(
        world.fake.world.new_id(),
        REPO,
        1,
        0,
        "serverless.yml",
        6,
        6,
        "RIGHT",
        f"flagged\n\n{GONE}",
        world.pull.head_sha,
        user,
    )
    world.fake.world.review_comments[comment.id] = comment
    return comment


def request(world: World) -> ScanRequest:
    pull = world.pull
    return ScanRequest(
        trigger=Trigger.PULL_REQUEST,
        repo=REPO,
        installation_id=1,
        head_sha=pull.head_sha,
        pr_number=1,
        base_ref="main",
        base_sha=pull.base_sha,
        default_branch="main",
    )


def test_only_the_apps_own_marked_comments_are_resolved(world: World) -> None:
    ours = comment_by(world, world.fake.bot_login)
    others = [comment_by(world, login) for login in ("dev-alice", "renovate[bot]", "secrets-bot-x[bot]")]
    ledger = memory_queue().ledger

    outcome = run_scan(request(world), world.gateway, ruleset_base=RuleSet.default(), latest_heads=ledger)

    assert outcome is ScanOutcome.REPORTED
    assert ours.body.startswith("**Resolved:**")
    assert all(comment.body == f"flagged\n\n{GONE}" for comment in others)
    assert len(world.fake.calls("apps/get-authenticated")) == 1


def test_the_apps_identity_is_asked_once_per_process(world: World) -> None:
    comment_by(world, "dev-alice")
    for _ in range(3):
        ledger = memory_queue().ledger
        run_scan(request(world), world.gateway, ruleset_base=RuleSet.default(), latest_heads=ledger)

    assert len(world.fake.calls("apps/get-authenticated")) == 1


def test_without_marked_comments_the_identity_costs_nothing(world: World) -> None:
    run_scan(
        request(world), world.gateway, ruleset_base=RuleSet.default(), latest_heads=memory_queue().ledger
    )

    assert world.fake.calls("apps/get-authenticated") == []
