"""`plan_review` puts one suggestion over every line of a multi-line value only where GitHub allows it."""

from __future__ import annotations

import pytest

from bot.core.findings import Remediation
from bot.reports.review import plan_review
from tests.reports.sample import SSM_FIX, make_finding

BLOCK = make_finding(line=8, remediation=SSM_FIX)._replace(end_line=12)
COMMENTABLE = {"serverless.yml": frozenset(range(1, 21))}


def plan(hunks: dict[str, tuple[tuple[int, int], ...]] | None, *findings: object) -> list[object]:
    chosen = findings or (BLOCK,)
    result = plan_review(chosen, commentable=COMMENTABLE, existing=[], pushed=True, hunks=hunks)  # type: ignore[arg-type]
    return list(result.comments)


def test_a_block_inside_one_hunk_gets_one_suggestion_over_all_its_lines() -> None:
    [comment] = plan({"serverless.yml": ((1, 20),)})
    assert (comment.start_line, comment.line) == (8, 12)
    assert "(this replaces lines 8-12, the whole value):\n```suggestion\n" in comment.body
    assert comment.body.count("```suggestion") == 1


@pytest.mark.parametrize("hunks", [None, {"serverless.yml": ((1, 10), (11, 20))}, {"other.yml": ((1, 20),)}])
def test_without_one_hunk_holding_the_block_the_fix_is_text(
    hunks: dict[str, tuple[tuple[int, int], ...]] | None,
) -> None:
    [comment] = plan(hunks)
    assert (comment.start_line, comment.line) == (None, 8)
    assert "```suggestion" not in comment.body and "The value spans lines 8-12" in comment.body


def test_a_block_whose_fix_deletes_it_gets_an_empty_suggestion() -> None:
    deleting = BLOCK._replace(remediation=Remediation("", None, "https://example.com/docs"))
    [comment] = plan({"serverless.yml": ((1, 20),)}, deleting)
    assert (comment.start_line, comment.line) == (8, 12)
    assert "Delete lines 8-12, the whole value" in comment.body and "```suggestion\n```" in comment.body


def test_findings_on_one_line_ending_on_different_lines_are_not_one_suggestion() -> None:
    other = make_finding(line=8, rule="other", remediation=SSM_FIX)._replace(end_line=9)
    [comment] = plan({"serverless.yml": ((1, 20),)}, BLOCK, other)
    assert comment.start_line is None
