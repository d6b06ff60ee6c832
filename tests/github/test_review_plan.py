from __future__ import annotations

from bot.core.findings import Finding, Remediation, Severity
from bot.reports.markers import fingerprints_in, is_resolved, marker_for, with_current_markers
from bot.reports.review import comment_body, plan_review
from tests.github.builders import FAKE_KEY, STORE, finding
from tests.reports.inert import visible_text

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


def advice(*, line: int = 7, key: str = "provider.environment.STRIPE_KEY") -> Finding:
    """An advisory as the scanner emits it: low, no value preview, its own rule id."""
    base = finding(line=line, key=key, rule="env-provider-wide", severity=Severity.LOW, replacement=None)
    remediation = Remediation(None, None, "https://docs.example/advice", "Move it to the one function.")
    return base._replace(
        redacted="", message="Secret-bearing variable shared by every function", remediation=remediation
    )


def test_a_secret_and_advice_on_one_line_share_one_comment() -> None:
    secret, hint = finding(), advice()

    plan = plan_review([hint, secret], commentable=IN_DIFF, existing=[], pushed=True)

    [comment] = plan.comments
    assert fingerprints_in(comment.body) == {secret.fingerprint, hint.fingerprint}
    assert comment.body.count("```suggestion") == 1
    assert comment.body.count("rotate it") == 1
    assert "**Hard-coded secret** (high)" in comment.body
    assert "**Advice** (low): Secret\\-bearing variable shared by every function. In" in comment.body
    assert comment.body.count("Value `") == 1
    assert "1 new hard-coded secret and 1 advisory commented below" in plan.body


def test_advice_alone_is_not_called_a_secret_and_asks_for_no_rotation() -> None:
    body = comment_body(advice(), pushed=True)

    assert "Hard-coded secret" not in body and "Value" not in body
    assert "rotate" not in body
    assert body.startswith("**Advice** (low)")


def test_advice_found_later_on_a_commented_line_is_merged_into_that_comment() -> None:
    secret, hint = finding(), advice()
    first = plan_review([secret], commentable=IN_DIFF, existing=[], pushed=True)
    existing = [(42, first.comments[0].body), (43, "x\n" + marker_for(finding(key="gone").fingerprint))]

    plan = plan_review([secret, hint], commentable=IN_DIFF, existing=existing, pushed=True)

    assert plan.comments == () and plan.body == ""
    [(comment_id, body)] = plan.update
    assert comment_id == 42
    assert fingerprints_in(body) == {secret.fingerprint, hint.fingerprint}
    assert [comment_id for comment_id, _ in plan.resolve] == [43]
    again = plan_review([secret, hint], commentable=IN_DIFF, existing=[(42, body)], pushed=True)
    assert (again.comments, again.update, again.resolve) == ((), (), ())


def test_different_fixes_on_one_line_are_shown_as_text_not_one_suggestion() -> None:
    one, other = finding(key="a"), finding(key="b", replacement="    B: ${ssm:/svc/b}")

    [comment] = plan_review([one, other], commentable=IN_DIFF, existing=[], pushed=False).comments

    assert "```suggestion" not in comment.body
    assert "For `a`, the line becomes:\n```\n    STRIPE_KEY: ${ssm:/svc/stripe-key}\n```" in comment.body
    assert "For `b`, the line becomes:\n```\n    B: ${ssm:/svc/b}\n```" in comment.body


def test_at_most_the_cap_most_severe_first_and_the_rest_counted_in_the_body() -> None:
    lines = frozenset(range(1, 31))
    lows = [finding(line=n, key=f"low{n}", severity=Severity.LOW) for n in range(1, 16)]
    highs = [finding(line=n, key=f"high{n}", severity=Severity.HIGH) for n in range(16, 31)]

    plan = plan_review(
        lows + highs, commentable={"serverless.yml": lines}, existing=[], pushed=False, limit=20
    )

    assert [c.line for c in plan.comments] == [*range(1, 6), *range(16, 31)]  # all 15 high, then 5 low
    assert "10 more findings are listed in the check run only" in plan.body
    assert "at most 20 inline comments" in plan.body
    assert "The check run lists all 30." in plan.body


def test_a_cap_of_zero_posts_no_review() -> None:
    plan = plan_review([finding()], commentable=IN_DIFF, existing=[], pushed=True, limit=0)
    assert (plan.comments, plan.body) == ((), "")


def test_every_comment_says_how_to_dismiss_with_the_fingerprint_shown() -> None:
    item = finding()

    text = visible_text(comment_body(item, pushed=True))

    assert "# secrets-bot: ignore[stripe-secret-key]" in text
    assert f'allowlist: {{fingerprints: ["{item.fingerprint}"]}}' in text
    assert ".github/secrets-bot.yml" in text


def test_dismissal_follows_the_files_comment_syntax() -> None:
    jsonc = visible_text(comment_body(finding(path="wrangler.jsonc"), pushed=False))
    strict = visible_text(comment_body(finding(path="local.settings.json"), pushed=False))

    assert "// secrets-bot: ignore[stripe-secret-key]" in jsonc
    assert "secrets-bot: ignore" not in strict
    assert "strict JSON, which has no comments, so only the allowlist dismisses this finding" in strict


def test_a_finding_already_on_the_base_is_commented_only_on_a_line_the_pull_request_adds() -> None:
    old_touched, old_context, new = finding(line=5), finding(line=6, key="a"), finding(line=7, key="b")
    preexisting = frozenset({old_touched.fingerprint, old_context.fingerprint})

    plan = plan_review(
        [old_touched, old_context, new],
        commentable=IN_DIFF,  # 5, 6 and 7 are all in the diff; only 5 and 7 are added
        existing=[],
        pushed=True,
        preexisting=preexisting,
        added={"serverless.yml": frozenset({5, 7})},
    )

    assert [c.line for c in plan.comments] == [5, 7]


def test_an_old_comment_on_a_finding_already_on_the_base_is_not_resolved() -> None:
    old = finding(line=2)
    existing = [(41, comment_body(old, pushed=True))]

    plan = plan_review(
        [old], commentable=IN_DIFF, existing=existing, pushed=True, preexisting=frozenset({old.fingerprint})
    )

    assert (plan.comments, plan.resolve) == ((), ())


def test_a_comment_from_before_keyed_fingerprints_is_taken_over_not_resolved_and_posted_again() -> None:
    item, gone = finding(), finding(key="a", line=6)
    v1 = "0123456789abcdef0123456789abcdef"  # a marker written before fingerprints were keyed
    old_here = "Old comment\n" + marker_for(v1)
    existing = [
        (1, with_current_markers(old_here, item.path, item.line, [item, gone])),
        (2, with_current_markers("Older\n" + marker_for(v1[::-1]), "serverless.yml", 5, [item, gone])),
    ]

    plan = plan_review([item], commentable=IN_DIFF, existing=existing, pushed=True)

    assert plan.comments == ()  # the old comment on its line is this finding's comment
    assert [comment_id for comment_id, _ in plan.resolve] == [2]  # nothing is left on line 5


def test_comments_with_current_markers_are_never_rewritten() -> None:
    item = finding()
    body = "Text\n" + marker_for(item.fingerprint)
    assert with_current_markers(body, item.path, item.line, [finding(key="other")]) == body
