from __future__ import annotations

from bot.core.findings import Severity
from bot.reports.markers import fingerprints_in, is_resolved, marker_for
from bot.reports.review import comment_body, plan_review
from tests.github.builders import FAKE_KEY, STORE, finding

IN_DIFF = {"serverless.yml": frozenset({5, 6, 7})}


def test_one_comment_per_finding_in_the_diff() -> None:
    inside, outside = finding(line=7), finding(line=2, key="custom.other")

    plan = plan_review([inside, outside], commentable=IN_DIFF, existing=[], pushed=True)

    assert [(c.path, c.line) for c in plan.comments] == [("serverless.yml", 7)]
    assert fingerprints_in(plan.comments[0].body) == {inside.fingerprint}
    assert "1 new hard-coded secret" in plan.body
    assert "all 2" in plan.body
    assert plan.resolve == ()


def test_suggestion_store_command_docs_rotation_and_marker() -> None:
    item = finding()

    body = comment_body(item, pushed=True)

    assert "```suggestion\n    STRIPE_KEY: ${ssm:/svc/stripe-key}\n```" in body
    assert f"```shell\n{STORE}\n```" in body
    assert "](https://www.serverless.com/framework/docs/guides/variables/aws/ssm)" in body
    assert "rotate" in body
    assert body.endswith(marker_for(item.fingerprint))
    assert item.redacted in body
    assert FAKE_KEY not in body


def test_no_rotation_note_when_not_pushed_and_no_suggestion_without_replacement() -> None:
    body = comment_body(finding(replacement=None), pushed=False)

    assert "```suggestion" not in body
    assert "rotate" not in body
    assert "```shell" in body


def test_no_one_line_suggestion_for_a_multi_line_value() -> None:
    assert "```suggestion" not in comment_body(finding(line=5, end_line=9), pushed=True)


def test_a_replacement_containing_backticks_gets_a_longer_fence() -> None:
    body = comment_body(finding(replacement="    X: ```"), pushed=False)

    assert "````suggestion\n    X: ```\n````" in body


def test_existing_marker_means_no_second_comment_even_after_a_force_push() -> None:
    item = finding()
    existing = [(11, "Old text on another commit\n" + marker_for(item.fingerprint))]

    plan = plan_review([item], commentable=IN_DIFF, existing=existing, pushed=True)

    assert plan.comments == ()
    assert plan.resolve == ()
    assert plan.body == ""


def test_gone_findings_are_resolved_once_and_keep_their_marker() -> None:
    gone, kept = finding(key="a"), finding(key="b", line=6)
    existing = [(1, "x\n" + marker_for(gone.fingerprint)), (2, "y\n" + marker_for(kept.fingerprint))]

    plan = plan_review([kept], commentable=IN_DIFF, existing=existing, pushed=True)

    assert [comment_id for comment_id, _ in plan.resolve] == [1]
    new_body = plan.resolve[0][1]
    assert is_resolved(new_body)
    assert fingerprints_in(new_body) == {gone.fingerprint}
    assert "Resolved" in new_body

    again = plan_review([kept], commentable=IN_DIFF, existing=[(1, new_body), existing[1]], pushed=True)
    assert again.resolve == ()


def test_a_finding_that_comes_back_after_being_resolved_is_commented_again() -> None:
    item = finding()
    resolved = plan_review([], commentable=IN_DIFF, existing=[(1, marker_for(item.fingerprint))], pushed=True)

    plan = plan_review([item], commentable=IN_DIFF, existing=[(1, resolved.resolve[0][1])], pushed=True)

    assert len(plan.comments) == 1


def test_comments_without_our_marker_are_left_alone() -> None:
    plan = plan_review([], commentable=IN_DIFF, existing=[(9, "LGTM")], pushed=False)
    assert plan.resolve == ()


def test_duplicate_fingerprints_are_commented_once_and_in_file_order() -> None:
    low = finding(line=5, key="k1", severity=Severity.LOW)
    plan = plan_review([finding(), low, finding()], commentable=IN_DIFF, existing=[], pushed=False)

    assert [c.line for c in plan.comments] == [5, 7]
