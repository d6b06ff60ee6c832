"""dotenv files (`.dev.vars`, Firebase `functions/.env.<project>`, `.secret.local`) as positioned trees.

Cloudflare and Firebase read these with the `dotenv` grammar: `KEY=value` lines, an optional `export `,
`#` comments, values bare (a ` #` starts a comment), single-quoted (verbatim), double-quoted (`\\n`
escapes) or back-quoted, and quoted values may span lines (private keys do). Lines that are none of these
are skipped as dotenv skips them. Each value keeps its exact start and end, so a finding points at it.
"""

from __future__ import annotations

import re

from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.tree import Document, Mapping, Pos, Scalar, Style

_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*")
# A ` #` ends a bare value. Led by the first blank of a run: `[ \t]+#` was tried from every blank of a run
# and read to its end each time (quadratic: a line of 64,000 blanks took 5 s); the leftmost match starts a
# run all the same.
_COMMENT = re.compile(r"(?<![ \t])[ \t]++#")
_QUOTES = {"'": Style.SINGLE, '"': Style.DOUBLE, "`": Style.DOUBLE}
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def load_dotenv(text: str) -> Document:
    """The file as a flat mapping from each key to its value; an unclosed quote is a parse error."""
    lines = text.split("\n")
    items: list[tuple[Scalar, Scalar]] = []
    number = 0
    while number < len(lines):
        line = lines[number].removesuffix("\r")
        match = _ASSIGNMENT.match(line)
        number += 1
        if match is None:
            continue
        key = Scalar(match["key"], Pos(number, match.start("key") + 1), Pos(number, match.end("key") + 1))
        value, number = _value(lines, number, match.end())
        items.append((key, value))
    return Document.of(Mapping(tuple(items), Pos(1, 1), Pos(max(len(lines), 1), 1)), text)


def _value(lines: list[str], number: int, column: int) -> tuple[Scalar, int]:
    """The value that starts on line `number` (1-based) at offset `column`, and the next line to read."""
    line = lines[number - 1].removesuffix("\r")
    quote = line[column : column + 1]
    start = Pos(number, column + 1)
    if quote not in _QUOTES:
        raw = _COMMENT.split(line[column:], maxsplit=1)[0].rstrip()
        return Scalar(raw, start, Pos(number, column + len(raw) + 1)), number
    body, last, end_column = _quoted(lines, number, column + 1, quote)
    value = _unescape(body) if quote == '"' else body
    return Scalar(value, start, Pos(last, end_column + 1), _QUOTES[quote]), last


def _quoted(lines: list[str], number: int, offset: int, quote: str) -> tuple[str, int, int]:
    """The body of a quoted value, the line it closes on, and the 0-based column of its closing quote."""
    parts: list[str] = []
    current, position = number, offset
    while current <= len(lines):
        line = lines[current - 1].removesuffix("\r")
        close = _closing(line, position, quote)
        if close >= 0:
            parts.append(line[position:close])
            return "\n".join(parts), current, close + 1
        parts.append(line[position:])
        current, position = current + 1, 0
    raise ManifestError(NoticeKind.PARSE_ERROR, f"unclosed {quote} quote in a dotenv value", number)


def _closing(line: str, start: int, quote: str) -> int:
    index = start
    while index < len(line):
        char = line[index]
        if char == "\\" and quote == '"':
            index += 2
            continue
        if char == quote:
            return index
        index += 1
    return -1


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), body)
