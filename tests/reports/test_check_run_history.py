"""History findings in the check run: a row with a link to the file at that commit (any GitHub host), the
committer escaped, counted in the conclusion, never annotated."""

from __future__ import annotations

from bot.core.findings import Finding, Severity
from bot.reports.check_run import CheckContext, render_check_run
from bot.reports.provenance import Provenance
from bot.reports.review import plan_review

SHA = "0123456789abcdef0123456789abcdef01234567"


def finding() -> Finding:
    return Finding(
        path="svc/server less.yml",
        line=12,
        column=7,
        end_line=12,
        key="provider.environment.TOKEN",
        rule="github-pat",
        severity=Severity.HIGH,
        message="GitHub token",
        redacted="ghp_****wxyz",
        fingerprint="v2-" + "a" * 32,
    )


def context(**values: object) -> CheckContext:
    where = Provenance(SHA, "@octocat <b>", "", in_head=False)
    return CheckContext(history=((finding(), where),), repo="acme/billing", **values)  # type: ignore[arg-type]


def test_a_history_finding_fails_and_links_the_file_at_its_commit_on_an_enterprise_host() -> None:
    conclusion, output = render_check_run([], [], context(web_url="https://ghe.example.com"))
    assert conclusion == "failure"
    link = f"(https://ghe.example.com/acme/billing/blob/{SHA}/svc/server%20less.yml#L12)"
    assert f"[0123456]{link}" in output.summary
    assert "| `github-pat` | `ghp_****wxyz` |" in output.summary
    assert "@\u2060octocat" in output.summary and "<b>" not in output.summary  # no mention, no HTML
    assert output.annotations == ()
    assert output.title == "No hard-coded secrets; 1 hard-coded secret in pushed commits"
    assert output.text is not None and "no longer at the head" in output.text


def test_fail_on_never_keeps_a_history_finding_from_failing() -> None:
    conclusion, _ = render_check_run([], [], context(fail_on="never"))
    assert conclusion == "neutral"


def test_the_review_body_lists_history_findings_without_inline_comments() -> None:
    [(entry, where)] = context().history
    plan = plan_review([], commentable={}, existing=[], pushed=True, history=[(entry, where)])
    assert plan.comments == ()
    assert "in commit `0123456`" in plan.body and "git filter-repo" in plan.body
