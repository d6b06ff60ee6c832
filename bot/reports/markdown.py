"""Repository text made inert before it goes into anything GitHub renders: check runs, reviews, comments.

File names, key paths, rule messages and config problems come from the pull request's author. GitHub renders
check-run summaries and comments as GitHub Flavored Markdown and then links `@mentions` (which notify),
`#123` references, bare URLs and e-mail addresses in the resulting text, and passes some raw HTML through.
So every piece of repository text goes through exactly one of these functions: `text` for prose, `code` for
a code span, `fenced` for a block, `plain` for fields GitHub shows as plain text (titles, annotations).
A word joiner (U+2060, invisible) after `@`, `#` and inside `://` / `www.` stops GitHub's linkers; backslash
escapes stop Markdown and HTML.
"""

from __future__ import annotations

import re

JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&$])")
_LINKERS = re.compile(r"(@|#|:(?=//)|(?<=www)\.)", re.IGNORECASE)
_SAFE_URL = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~%/#?=&+:-]*)?")


def one_line(value: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces, control characters dropped."""
    return " ".join(_CONTROL.sub("", value).split())


def text(value: str) -> str:
    """Prose on one line: every Markdown and HTML character escaped, mentions and autolinks broken."""
    unlinked = _LINKERS.sub(lambda match: match.group(1) + JOINER, one_line(value))
    return _PUNCTUATION.sub(r"\\\1", unlinked)


def code(value: str, *, table: bool = False) -> str:
    """An inline code span (GitHub neither links nor mentions inside one) that backticks cannot close early.
    In a table cell `|` must be escaped even inside the span, or it splits the cell."""
    inner = one_line(value)
    if table:
        inner = inner.replace("|", "\\|")
    ticks = "`"
    while ticks in inner:
        ticks += "`"
    pad = " " if inner.startswith("`") or inner.endswith("`") or not inner.strip(" ") else ""
    return f"{ticks}{pad}{inner}{pad}{ticks}"


def fenced(value: str, language: str = "") -> str:
    """A fenced block whose fence is longer than any backtick run inside it."""
    fence = "```"
    while fence in value:
        fence += "`"
    return f"{fence}{language}\n{_CONTROL.sub('', value)}\n{fence}"


def plain(value: str) -> str:
    """For fields GitHub shows as plain text (check-run and annotation titles, annotation messages): no
    control or bidi characters, newlines kept; mentions broken in case a client renders it after all."""
    lines = (" ".join(line.split()) for line in _CONTROL.sub("", value.replace("\r", "")).split("\n"))
    return "\n".join(lines).replace("@", "@" + JOINER)


def link(url: str, label: str, *, table: bool = False) -> str:
    """A link only for a plain https URL (rule docs may come from the repository's config); else code."""
    return f"[{text(label)}]({url})" if _SAFE_URL.fullmatch(url) else code(url, table=table)
