"""Every text the bot posts is parsed with a CommonMark renderer (tables and strikethrough on, as on GitHub):
hostile repository text in any field must yield no link, image, HTML or comment node, no `@mention`, no bare
URL GitHub would link, and must still read as the text it was (a `<group>` placeholder stays visible)."""

from __future__ import annotations

import pytest

from bot.core.findings import Notice, NoticeKind, Remediation
from bot.reports import markdown
from bot.reports.check_run import CheckContext, render_check_run, render_failed_scan
from bot.reports.review import comment_body
from tests.github.builders import finding
from tests.reports.inert import RENDERER, assert_inert

HOSTILE = (
    "@org/team please <!-- hide everything below",
    "<img src=x onerror=alert(1)> <b>bold</b> <details>",
    "[click](http://evil.example/phish) ![i](http://evil.example/i.png) <http://evil.example>",
    "http://evil.example www.evil.example mail a@evil.example #123",
    "tick`s ``double`` and | pipes | in | tables",
    "line\nbreak\r\n# heading\n- item\n> quote\n---",
    "use <group> then &amp; and \\ backslash * star _under_ ~strike~ $math$",
)


def hostile_findings(text: str) -> list[object]:
    base = finding()
    remediation = Remediation(
        replacement=f"    KEY: ${{ssm:/{text}}}",
        store_command=f"aws ssm put-parameter --name '{text}'",
        docs=f"https://docs.example/{text}",
        runtime_hint=f"Rotate it; read {text} at runtime.",
    )
    return [
        base._replace(path=f"{text}/serverless.yml", key=f"a.{text}", message=text, remediation=remediation)
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_check_run_texts_are_inert(text: str) -> None:
    notices = [
        Notice(f"{text}.yml", NoticeKind.TOO_LARGE, text),
        Notice(f"{text}.yml", NoticeKind.PARSE_ERROR, text, line=3),
    ]
    context = CheckContext(config_problems=(text,), omitted=((f"{text}.yml", 3),))

    _, output = render_check_run(hostile_findings(text), notices, context)  # type: ignore[arg-type]

    assert_inert(output.title)
    assert_inert(output.summary)
    assert output.text is not None
    assert_inert(output.text)
    assert_inert(render_failed_scan(text).summary)
    for annotation in output.annotations:
        assert "@org" not in annotation.message and "@org" not in annotation.title
        assert "\r" not in annotation.message


@pytest.mark.parametrize("text", HOSTILE)
def test_review_comments_are_inert(text: str) -> None:
    [item] = hostile_findings(text)
    body = comment_body(item, pushed=True)  # type: ignore[arg-type]
    prose = body.rsplit("\n\n", 1)[0]  # the last part is the bot's own hidden marker

    assert_inert(prose)


def test_placeholders_and_punctuation_read_as_written() -> None:
    rendered = RENDERER.renderInline(markdown.text("use <group> and a*b_c [x](y) @team"))

    assert rendered == "use &lt;group&gt; and a*b_c [x](y) @\u2060team"


def test_a_code_span_survives_backticks_and_table_pipes() -> None:
    row = f"| {markdown.code('a`b``c|d', table=True)} |"
    table = RENDERER.parse("| h |\n| - |\n" + row)

    spans = [
        t.content for t in table if t.type == "inline" for t in t.children or () if t.type == "code_inline"
    ]
    assert spans == ["a`b``c|d"]


def test_only_plain_https_links_stay_links() -> None:
    assert markdown.link("https://docs.example/x#y", "docs") == "[docs](https://docs.example/x#y)"
    assert markdown.link("javascript:alert(1)", "docs") == "`javascript:alert(1)`"
    assert markdown.link("https://evil.example/a) [b](c", "docs").startswith("`")
