"""Review comment bodies for fixes that a one-line suggestion cannot express."""

from __future__ import annotations

from bot.core.findings import Remediation
from bot.reports.review import comment_body
from tests.reports.sample import SSM_FIX, make_finding


def _with_fix(replacement: str, *, line: int = 14, end_line: int = 14) -> str:
    fix = Remediation(replacement, SSM_FIX.store_command, SSM_FIX.docs)
    finding = make_finding(line=line, remediation=fix)
    return comment_body(finding._replace(end_line=end_line), pushed=False)


def test_a_multi_line_value_gets_the_replacement_as_text_for_its_whole_span() -> None:
    body = _with_fix("    JWT_PRIVATE_KEY: ${ssm:/svc/jwt-private-key}", end_line=20)
    assert "```suggestion" not in body
    assert "spans lines 14-20" in body
    assert "```\n    JWT_PRIVATE_KEY: ${ssm:/svc/jwt-private-key}\n```" in body


def test_an_empty_replacement_is_a_suggestion_that_deletes_the_line() -> None:
    body = _with_fix("")
    assert "```suggestion\n```" in body
    assert "Delete this line" in body


def test_a_one_line_fix_is_a_one_click_suggestion() -> None:
    body = _with_fix("    GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}")
    assert "```suggestion\n    GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}\n```" in body
