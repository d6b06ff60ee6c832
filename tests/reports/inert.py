"""A CommonMark renderer (tables and strikethrough on, as on GitHub) that tells whether a text is inert."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
BARE_LINK = re.compile(r"https?://|www\.[a-z]|[\w.+-]@[\w-]+\.[a-z]", re.IGNORECASE)
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def inline_tokens(source: str) -> Iterator[Token]:
    for token in RENDERER.parse(source):
        yield token
        yield from token.children or ()


def assert_inert(source: str, *, bot_links: frozenset[str] = frozenset()) -> None:
    """`bot_links`: hrefs the bot itself may link to (its rules' documentation)."""
    tokens = list(inline_tokens(source))
    kinds = {token.type for token in tokens}
    assert not kinds & {"image", "html_inline", "html_block"}, kinds
    links = {str(token.attrGet("href")) for token in tokens if token.type == "link_open"}
    assert links <= bot_links, links
    shown = "".join(token.content for token in tokens if token.type == "text")
    assert not MENTION.search(shown), shown
    assert not BARE_LINK.search(shown), shown
