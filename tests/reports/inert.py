"""A GitHub-like Markdown renderer (CommonMark with tables, strikethrough and linkify, fuzzy links and e-mail
addresses on, as GitHub links them) that tells whether a text is inert and what a reader sees of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.reports.dismiss import DETAILS_CLOSE, DETAILS_OPEN

MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
BARE_LINK = re.compile(r"https?://|www\.[a-z]|[\w.+-]@[\w-]+\.[a-z]", re.IGNORECASE)
RENDERER = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
RENDERER.linkify.set({"fuzzy_link": True, "fuzzy_email": True})
# The only HTML the bot writes itself (GitHub renders it); anything else in a message came from a repository.
BOT_HTML = frozenset({DETAILS_OPEN, DETAILS_CLOSE})
_MARKER = re.compile(r"<!-- secrets-bot:(?:finding fingerprint=[0-9A-Za-z_-]+|resolved) -->")


def inline_tokens(source: str) -> Iterator[Token]:
    for token in RENDERER.parse(source):
        yield token
        yield from token.children or ()


def assert_inert(source: str, *, bot_links: frozenset[str] = frozenset()) -> None:
    """`bot_links`: hrefs the bot itself may link to (its rules' documentation). The bot's own hidden
    markers and `<details>` tags are allowed; no other HTML."""
    tokens = list(inline_tokens(_MARKER.sub("", source)))
    kinds = {token.type for token in tokens}
    assert "image" not in kinds, kinds
    html = {t.content.strip() for t in tokens if t.type in ("html_inline", "html_block")} - {""}
    assert html <= BOT_HTML, html
    links = {str(token.attrGet("href")) for token in tokens if token.type == "link_open"}
    assert links <= bot_links, links
    shown = "".join(token.content for token in tokens if token.type == "text")
    assert not MENTION.search(shown), shown
    assert not BARE_LINK.search(shown), shown


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(source: str) -> str:
    """What a reader sees: the rendered HTML's text content (code blocks included)."""
    parser = _Text()
    parser.feed(RENDERER.render(source))
    parser.close()
    return "".join(parser.parts)
