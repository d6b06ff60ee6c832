"""Every message kind the bot posts, rendered as GitHub renders Markdown (tables, strikethrough, linkify),
for a real finding of every platform: each `<placeholder>` and each command survives in what a reader
sees, commands sit in code blocks, and nothing from the repository turns into HTML, a link or a mention."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.core.findings import Finding, Notice, NoticeKind
from bot.core.manifests import PLATFORMS
from bot.reports.check_run import CheckContext, render_check_run, render_failed_scan, render_waiting
from bot.reports.markdown import JOINER, one_line
from bot.reports.review import plan_review, resolved_body
from tests.reports.inert import RENDERER, assert_inert, visible_text
from tests.reports.platform_manifests import ADVICE, MANIFESTS, TOKEN, scan

PLACEHOLDER = re.compile(r"<[A-Za-z][\w.-]*>")
CASES = {**MANIFESTS, **{f"{name}-advice": manifest for name, manifest in ADVICE.items()}}


def test_every_platform_has_a_manifest() -> None:
    assert set(MANIFESTS) == {platform.id for platform in PLATFORMS}


def texts_of(finding: Finding) -> Iterator[str]:
    """The fix texts a platform module wrote for this finding."""
    fix = finding.remediation
    if fix is not None:
        yield from (text for text in (fix.store_command, fix.replacement, fix.runtime_hint) if text)


def fences(source: str) -> list[str]:
    blocks = (token for token in RENDERER.parse(source) if token.type in ("fence", "code_block"))
    return [token.content.removesuffix("\n") for token in blocks]


def seen(source: str) -> str:
    return visible_text(source).replace(JOINER, "")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_message_keeps_every_placeholder_and_command(name: str) -> None:
    path, manifest = CASES[name]
    result = scan(path, manifest)
    findings = list(result.findings)
    assert findings and result.platform == name.removesuffix("-advice")
    docs = frozenset(f.remediation.docs for f in findings if f.remediation is not None)
    notices = [Notice(path, NoticeKind.PARSE_ERROR, "expected <value> after -g <group>", line=2)]
    context = CheckContext(leaked=True, config_problems=("paths.include: use <glob> here",), files_scanned=1)
    lines = {path: frozenset(f.line for f in findings)}

    _, output = render_check_run(findings, notices, context)
    plan = plan_review(findings, commentable=lines, existing=[], pushed=True)
    comments = [comment.body for comment in plan.comments]
    assert len(comments) == len({f.line for f in findings})  # one comment per line
    assert output.text is not None

    for message in (output.summary, output.text, plan.body, *comments):
        assert_inert(message, bot_links=docs)
        assert TOKEN not in message
    shown = seen(output.summary + "\n\n" + output.text)
    assert "<value>" in shown and "<group>" in shown and "<glob>" in shown
    for finding in findings:
        comment = next(body for body in comments if finding.fingerprint in body)
        annotation = next(
            a
            for a in output.annotations
            if (a.start_line, a.title.rsplit(" ", 1)[-1]) == (finding.line, finding.rule)
        )
        for text in texts_of(finding):
            for placeholder in PLACEHOLDER.findall(text):
                assert placeholder in seen(output.text) and placeholder in seen(comment), placeholder
                assert placeholder in annotation.message
            assert one_line(text.strip()) in one_line(seen(output.text)), text
            assert one_line(text.strip()) in one_line(seen(comment)), text
        fix = finding.remediation
        if fix is not None and fix.store_command:
            assert fix.store_command in fences(output.text)
            assert fix.store_command in fences(comment)
            assert fix.store_command in annotation.message
        assert finding.fingerprint in seen(comment) and finding.fingerprint in seen(output.text)


def test_the_platform_fixes_carry_placeholders_that_must_survive() -> None:
    """The test above has teeth: some real fixes hold `<...>` placeholders (Azure's `<your-vault>`)."""
    found = {
        placeholder
        for path, manifest in MANIFESTS.values()
        for finding in scan(path, manifest).findings
        for text in texts_of(finding)
        for placeholder in PLACEHOLDER.findall(text)
    }
    assert "<your-vault>" in found


def test_the_other_messages_render_intact() -> None:
    result = scan(*MANIFESTS["azure-functions"])
    resolved = resolved_body(
        plan_review(result.findings, commentable={}, existing=[], pushed=True).body + "x"
    )
    failed = render_failed_scan("GitHub answered <html> for -g <group>")
    waiting = render_waiting(datetime(2026, 1, 1, 12, 30, tzinfo=UTC))

    for message in (resolved, failed.summary, waiting.summary):
        assert_inert(message)
    assert "<html> for -g <group>" in seen(failed.summary)
    assert seen(resolved).startswith("Resolved: what was flagged here is no longer found.")
    assert "12:30 UTC" in seen(waiting.summary)
