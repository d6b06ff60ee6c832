"""The fix pull request's text: steps per secret, hand fixes, markers; inert, and never a value."""

from __future__ import annotations

from bot.core.findings import Remediation
from bot.reports.check_run import MAX_TEXT
from bot.reports.fix_pr import (
    FIX_ACTION,
    MARKER,
    MAX_FIXED,
    NotRead,
    commit_message,
    offers_fix,
    render_body,
)
from bot.reports.markers import fingerprints_in
from tests.reports.inert import assert_inert
from tests.reports.sample import PASSWORD, SSM_FIX, TOKEN, make_finding

HOSTILE_PATH = "deploy/@octocat #1 https://evil.example/x <img src=x>.yml"
NO_FIX = Remediation(replacement=None, store_command=None, docs="https://docs.example.test/split")


def fragments(value: str, size: int = 8) -> list[str]:
    return [value[start : start + size] for start in range(len(value) - size + 1)]


def test_each_secret_gets_its_store_command_rotation_advice_and_docs_link() -> None:
    fixed = make_finding(remediation=SSM_FIX)

    body = render_body([fixed], [], base_branch="main", head_sha="a" * 40)

    assert "1 hard-coded secret on `main` (at `aaaaaaa`)" in body
    assert "**Before merging**" in body and "rotate each secret" in body
    assert SSM_FIX.store_command is not None and SSM_FIX.store_command in body
    assert f"]({SSM_FIX.docs})" in body and "fetch it at runtime" in body
    assert fixed.redacted in body and "Needs a hand fix" not in body
    assert fingerprints_in(body) == {fixed.fingerprint} and MARKER in body


def test_findings_without_a_one_click_fix_are_listed_for_a_hand_fix() -> None:
    fixed = make_finding(remediation=SSM_FIX)
    split = make_finding(line=20, key="custom.dbPassword", value=PASSWORD, remediation=NO_FIX)

    body = render_body([fixed], [split], base_branch="main", head_sha="b" * 40)

    hand = body.split("### Needs a hand fix", 1)[1]
    assert "line 20" in hand and split.redacted in hand
    assert fingerprints_in(body) == {fixed.fingerprint}


def test_repository_text_is_inert_and_no_value_is_ever_shown() -> None:
    hostile = make_finding(path=HOSTILE_PATH, key="a.@admin", remediation=SSM_FIX)
    hostile = hostile._replace(message="token <b>@everyone</b> [x](https://evil.example)")

    body = render_body([hostile], [hostile], base_branch="@main", head_sha="c" * 40)

    assert SSM_FIX.docs is not None
    assert_inert(body.replace(MARKER, ""), bot_links=frozenset({SSM_FIX.docs}))
    for text in (body, commit_message([hostile])):
        assert not any(piece in text for piece in fragments(TOKEN))


def test_the_commit_message_holds_no_repository_text() -> None:
    message = commit_message([make_finding(path=HOSTILE_PATH, remediation=SSM_FIX)] * 2)

    assert message.startswith("Replace 2 hard-coded secrets with secret-store references\n\n")
    assert "deploy" not in message and "@" not in message


def test_the_button_fits_githubs_limits() -> None:
    assert len(FIX_ACTION.label) <= 20 and len(FIX_ACTION.description) <= 40
    assert len(FIX_ACTION.identifier) <= 20 and FIX_ACTION.identifier == "open-fix-pr"


def test_the_button_is_offered_only_for_a_secret_with_a_one_click_fix() -> None:
    fixable = make_finding(remediation=SSM_FIX)
    advice = make_finding(rule="env-provider-wide", remediation=SSM_FIX)

    assert offers_fix([fixable])
    assert not offers_fix([make_finding(remediation=NO_FIX), make_finding()])
    assert not offers_fix([advice]) and not offers_fix([])


def test_a_long_body_keeps_every_marker_and_says_how_many_sections_it_left_out() -> None:
    many = [
        make_finding(path=f"services/{index:03d}/serverless.yml", line=index + 1, remediation=SSM_FIX)
        for index in range(MAX_FIXED)
    ]
    unread = [NotRead("big/serverless.yml", ((3, "github-pat"),))]

    body = render_body(many, [], base_branch="main", head_sha="d" * 40, not_read=unread)

    assert len(body.encode("utf-8")) <= MAX_TEXT
    assert fingerprints_in(body) == {finding.fingerprint for finding in many} and MARKER in body
    listed = body.count("\n### ") - 1  # the sections shown, less the "not fixed" one
    assert 0 < listed < MAX_FIXED
    assert f"_{MAX_FIXED - listed} more sections are left out here" in body
    assert "`big/serverless.yml`: line 3 (`github-pat`)" in body  # what is not fixed is shown first


def test_files_that_could_not_be_read_or_wait_for_the_next_pull_request_are_named() -> None:
    body = render_body(
        [make_finding(remediation=SSM_FIX)],
        [],
        base_branch="main",
        head_sha="e" * 40,
        not_read=[NotRead(HOSTILE_PATH, ((4, "github-pat"), (9, "stripe-secret-key"))), NotRead("b.yml", ())],
        deferred=2,
    )

    left = body.split("### Not fixed: fix by hand", 1)[1]
    assert "line 4 (`github-pat`), line 9 (`stripe-secret-key`)" in left and "- `b.yml`\n" in left + "\n"
    assert "2 more files hold secrets this pull request leaves for the next one" in body
    assert_inert(body.replace(MARKER, ""), bot_links=frozenset({SSM_FIX.docs or ""}))
