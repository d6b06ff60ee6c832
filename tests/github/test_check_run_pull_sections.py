"""The check run of a pull request: findings already on its base, and waivers it adds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.core.findings import Finding, Severity, Suppressed
from bot.reports.check_run import CheckContext, render_check_run
from tests.github.builders import FAKE_KEY, finding
from tests.reports.inert import visible_text

OLD = finding(line=7)
NEW = finding(line=9, key="provider.environment.OTHER_KEY")
WAIVED = Suppressed(finding(line=12, key="provider.environment.WAIVED_KEY"), 11)


def pull(**changes: Any) -> CheckContext:
    return replace(CheckContext(base_branch="main", preexisting=frozenset({OLD.fingerprint})), **changes)


@pytest.mark.parametrize(
    ("findings", "context", "conclusion"),
    [
        ([OLD], pull(), "success"),  # only what was already there: not this pull request's to fix
        ([OLD, NEW], pull(), "failure"),
        ([OLD], pull(pr_fails_on="all"), "failure"),
        ([OLD], pull(waived=(WAIVED,)), "neutral"),  # report (default): never success with a new waiver
        ([OLD], pull(waived=(WAIVED,), waivers_in_pr="deny"), "failure"),
        ([OLD], pull(waived=(WAIVED,), waivers_in_pr="allow"), "success"),
        ([OLD, NEW], pull(waived=(WAIVED,)), "failure"),
        ([OLD], CheckContext(), "failure"),  # a push answers for everything at its head
    ],
)
def test_conclusions(findings: list[Finding], context: CheckContext, conclusion: str) -> None:
    assert render_check_run(findings, [], context)[0] == conclusion


def test_a_denied_waiver_below_fail_on_does_not_fail() -> None:
    low = Suppressed(finding(line=3, key="k", severity=Severity.LOW), 3)
    assert render_check_run([], [], pull(waived=(low,), waivers_in_pr="deny"))[0] == "neutral"


def test_findings_already_on_the_base_are_listed_once_under_their_heading() -> None:
    _, output = render_check_run([OLD, NEW], [], pull())

    assert output.title == "1 hard-coded secret found; 1 already on main"
    heading = "### Already on `main`: 1 finding — not failing this pull request"
    assert output.summary.count(heading) == 1
    before, after = output.summary.split(heading)
    assert "| `serverless.yml` | 9 |" in before and "| `serverless.yml` | 7 |" not in before
    assert "| `serverless.yml` | 7 |" in after
    levels = {a.start_line: (a.level, a.title) for a in output.annotations}
    assert levels[7] == ("notice", "Already on main: Hard-coded secret: stripe-secret-key")
    assert levels[9] == ("failure", "Hard-coded secret: stripe-secret-key")
    assert FAKE_KEY not in output.summary


def test_the_dashboard_issue_is_linked_when_there_is_one() -> None:
    url = "https://github.test/acme/billing/issues/4"
    without = render_check_run([OLD], [], pull())[1].summary
    linked = render_check_run([OLD], [], pull(dashboard_url=url))[1].summary
    assert "dashboard" not in without
    assert f"[secrets dashboard]({url})" in linked


def test_waivers_are_listed_with_line_rule_value_and_comment() -> None:
    _, output = render_check_run([], [], pull(waived=(WAIVED,)))

    assert output.title == "No hard-coded secrets; 1 waived in this pull request"
    row = f"| `serverless.yml` | 12 | `stripe-secret-key` | `{WAIVED.finding.redacted}` | line 11 |"
    assert row in output.summary
    assert "Reviewers: check that each is a false alarm" in visible_text(output.summary)
    [annotation] = output.annotations
    assert (annotation.start_line, annotation.level) == (12, "warning")
    assert "line 11" in annotation.message
    assert FAKE_KEY not in output.summary + annotation.message


def test_an_unread_base_version_is_named() -> None:
    context = pull(
        preexisting=frozenset(), base_unread=("serverless.yml: 3,000,000 bytes at the merge base",)
    )
    _, output = render_check_run([OLD], [], context)
    assert "### Base versions not read" in output.summary
    assert "its findings all count as introduced by this pull request" in output.summary
