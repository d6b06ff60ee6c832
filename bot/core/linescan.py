"""A broken manifest must never hide a secret: read it line by line when the parser gives up.

Each line that looks like `key: value`, `"key": "value"` or `key = "value"` becomes a scalar under its key,
any other non-blank line becomes a scalar of its own, and a token that spans lines (a PEM block) becomes a
scalar covering exactly those lines. The result is a flat pseudo-document with exact positions, judged
like any other; nothing is guessed about nesting, so no fix line is offered for it.
"""

from __future__ import annotations

import json

from bot.core.linear import LinearPattern
from bot.core.rules import RuleSet
from bot.core.tree import Document, Mapping, Pos, Scalar, Style

_JSON_PAIR = LinearPattern(r'^\s*"(?P<key>[^"\\]+)"\s*:\s*(?P<value>"(?:[^"\\]|\\.)*")')
_TOML_PAIR = LinearPattern(r"""^\s*(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>"(?:[^"\\]|\\.)*"|'[^'\n]*')""")
_YAML_PAIR = LinearPattern(
    r"""^\s*(?:-\s+)?(?P<key>[^\s:#'"{}\[\],][^:#,{}\[\]]*?|"[^"]+"|'[^']+')\s*:\s+"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"|>&*!{\[][^#]*?)\s*(?:\s#.*)?$"""
)
_PATTERNS = (_JSON_PAIR, _TOML_PAIR, _YAML_PAIR)


def line_document(text: str, ruleset: RuleSet) -> Document:
    """The file as a flat mapping of line scalars (see module docstring)."""
    lines = text.split("\n")
    items: list[tuple[Scalar, Scalar]] = []
    for number, line in enumerate(lines, start=1):
        item = _line_item(number, line.removesuffix("\r"))
        if item is not None:
            items.append(item)
    items.extend(_multiline_tokens(text, lines, ruleset))
    origin = Pos(1, 1)
    return Document.of(Mapping(tuple(items), origin, Pos(len(lines), 1)), text)


def _line_item(number: int, line: str) -> tuple[Scalar, Scalar] | None:
    if not line.strip():
        return None
    for pattern in _PATTERNS:
        match = pattern.match(line)
        if match:
            key = match["key"].strip("'\"")
            start, end = match.span("value")
            value, style = _decode(match["value"])
            key_scalar = Scalar(key, Pos(number, match.start("key") + 1), Pos(number, match.end("key") + 1))
            return key_scalar, Scalar(value, Pos(number, start + 1), Pos(number, end + 1), style)
    start = len(line) - len(line.lstrip())
    end = len(line.rstrip())
    position = Pos(number, start + 1)
    return Scalar("", position, position), Scalar(line[start:end], position, Pos(number, end + 1))


def _decode(raw: str) -> tuple[str, Style]:
    if raw.startswith('"'):
        try:
            return str(json.loads(raw)), Style.DOUBLE
        except ValueError:
            return raw[1:-1], Style.DOUBLE
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'"), Style.SINGLE
    return raw, Style.PLAIN


def _multiline_tokens(text: str, lines: list[str], ruleset: RuleSet) -> list[tuple[Scalar, Scalar]]:
    """Tokens that span lines, each as a scalar covering its whole lines."""
    items: list[tuple[Scalar, Scalar]] = []
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for match in ruleset.find_tokens(text):
        if "\n" not in text[match.start : match.end]:
            continue
        first = text.count("\n", 0, match.start)
        last = text.count("\n", 0, match.end - 1)
        begin, finish = starts[first], starts[last] + len(lines[last].removesuffix("\r"))
        start, end = Pos(first + 1, 1), Pos(last + 1, finish - starts[last] + 1)
        items.append((Scalar("", start, start), Scalar(text[begin:finish], start, end)))
    return items
