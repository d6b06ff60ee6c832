"""JSON (and JSONC) to position-carrying trees.

Python's `json` module keeps no positions, so this is a small parser of its own. It stays fast by doing
the per-character work in C: one compiled regex skips whitespace (and comments) and matches the next
token, `json.decoder.scanstring` (the C scanner behind `json.loads`) decodes strings that hold escapes,
and the line number advances with `str.count` between tokens. It is iterative, with an explicit stack, so
nesting costs no Python recursion and stops at the depth limit.

`allow_comments=True` reads JSONC as wrangler.jsonc, tsconfig.json and VS Code settings use it:
`//` and `/* */` comments and trailing commas. Duplicate keys are all kept, in order (`Mapping.get`
returns the first), so that no value is hidden from the scanner. Positions are 1-based; a value ends one
column past its last character (a string's closing quote, a bracket).
"""

from __future__ import annotations

import functools
import json
import json.decoder
import re
from collections.abc import Callable
from enum import IntEnum
from json import JSONDecodeError
from typing import Any

from bot.core.config import ScanLimits
from bot.core.decoding import SURROGATE, paired_surrogates
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.nodes import POS_SHELL, SCALAR_SHELL, mapping, sequence
from bot.core.tree import Document, Node, Pos, Scalar, Style

# Blanks and comments are taken whole and never given back. The old greedy `(?:[ \t\n\r]+|//...)*` could
# split a run of blanks (or of `//` comments) between iterations in every way before a character that is
# not a token, and a few dozen blanks stalled the scan for minutes; a comment's text is never a token.
_SPACE = r"[ \t\n\r]*+"
_SPACE_AND_COMMENTS = r"(?:[ \t\n\r]++|//[^\n]*+|/\*.*?\*/)*+"
# Groups: 1 a string without control characters, 2 a number (3 its fraction and exponent), 4 punctuation,
# 5 a literal. An escape is only checked when the string holds a backslash. A string's characters are
# taken a run at a time (`[^"\\...]*+`), not one per alternation, and nothing is given back: the regex
# engine matched strings about three times faster so (issue 16).
_LEXEME = (
    r"""(?:("[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+")"""
    r"|(-?(?:0|[1-9][0-9]*)((?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))"
    r"|([{}\[\]:,])|(true|false|null))"
)
_STRING, _NUMBER, _PUNCTUATION = 1, 2, 4

_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
# The C string scanner behind json.loads; typeshed does not declare it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


@functools.cache
def _patterns(allow_comments: bool) -> tuple[Callable[..., re.Match[str] | None], ...]:
    """The token and blank matchers, compiled once each when first needed (compiling one costs as much
    as parsing a small file): `re.compile` per file hashed each ~200-character pattern afresh to find it
    in its cache, a third of a small file's parse (issue 16)."""
    space = _SPACE_AND_COMMENTS if allow_comments else _SPACE
    return re.compile(space + _LEXEME, re.DOTALL).match, re.compile(space, re.DOTALL).match


class _State(IntEnum):
    """What the parser accepts next."""

    VALUE = 0  # the root, or after ':'
    ITEM = 1  # after ',' in an array
    ITEM_OR_CLOSE = 2  # after '[' (or after ',' when trailing commas are allowed)
    KEY = 3  # after ',' in an object
    KEY_OR_CLOSE = 4  # after '{' (or after ',' when trailing commas are allowed)
    COLON = 5
    NEXT = 6  # after an item: ',' or the closing bracket
    END = 7


_WANTS_VALUE = frozenset({_State.VALUE, _State.ITEM, _State.ITEM_OR_CLOSE})
_EXPECTED = {
    _State.VALUE: "a JSON value",
    _State.ITEM: "a JSON value (no trailing comma)",
    _State.ITEM_OR_CLOSE: "a JSON value or ']'",
    _State.KEY: "a string key (no trailing comma)",
    _State.KEY_OR_CLOSE: "a string key or '}'",
    _State.COLON: "':' after an object key",
    _State.NEXT: "',' or a closing bracket",
    _State.END: "the end of the file after the JSON value",
}


def load_json(text: str, limits: ScanLimits, *, allow_comments: bool = False) -> Document:
    """One JSON document; raises ManifestError (PARSE_ERROR with a line, or DEPTH_LIMIT)."""
    return Document.of(_Parser(text, limits, allow_comments=allow_comments).document(), text)


def quick_check(text: str, limits: ScanLimits) -> bool:
    """True when `load_json` would succeed: the C parser accepts the text (stricter than JSONC), it holds
    no `NaN`/`Infinity` (which only `json.loads` reads) and it nests within the depth limit. False means
    "not known". Costs a few percent of a parse."""
    if "NaN" in text or "Infinity" in text:
        return False
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return _depth(value) <= limits.max_depth


def _depth(value: object) -> int:
    """How deeply arrays and objects nest (a scalar is 0)."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class _Parser:
    def __init__(self, text: str, limits: ScanLimits, *, allow_comments: bool) -> None:
        self._lexeme, self._space = _patterns(allow_comments)
        self._text = text
        self._max_depth = limits.max_depth
        self._after_comma = (
            (_State.ITEM_OR_CLOSE, _State.KEY_OR_CLOSE) if allow_comments else (_State.ITEM, _State.KEY)
        )
        self._state = _State.VALUE
        self._root: Node | None = None

    def document(self) -> Node:
        """One loop over the tokens, with the state in local names and the nodes built in place: a method
        call per token cost more than the token's own work (issue 16). An open collection is a list:
        whether it is an object, its start, its items so far and its pending key."""
        text, after_comma, max_depth = self._text, self._after_comma, self._max_depth
        lexeme = self._lexeme
        value_state, item_or_close, key_state = _State.VALUE, _State.ITEM_OR_CLOSE, _State.KEY
        key_or_close, colon_state, next_state, end_state = (
            _State.KEY_OR_CLOSE,
            _State.COLON,
            _State.NEXT,
            _State.END,
        )
        wants_value, literals, double, plain = _WANTS_VALUE, _LITERALS, Style.DOUBLE, Style.PLAIN
        pos_shell, scalar_shell, pos_class, scalar_class = POS_SHELL, SCALAR_SHELL, Pos, Scalar
        stack: list[list[Any]] = []
        state, root, line, line_start, index = value_state, None, 1, 0, 0
        while (match := lexeme(text, index)) is not None:
            kind = match.lastindex
            start, end = match.span(kind)  # type: ignore[arg-type]  # every alternative is a group
            if start != index and (newlines := text.count("\n", index, start)):
                line += newlines
                line_start = text.rfind("\n", index, start) + 1
            index = end
            node: Any  # a node, or a shell becoming one
            if kind == _PUNCTUATION:
                char = text[start]
                if char == ":" and state is colon_state:
                    state = value_state
                    continue
                if char == "," and state is next_state:
                    state = after_comma[stack[-1][0]]
                    continue
                if char in "{[" and state in wants_value:
                    if len(stack) >= max_depth:
                        message = f"JSON nested deeper than {max_depth} levels"
                        raise ManifestError(NoticeKind.DEPTH_LIMIT, message, line)
                    first = pos_shell()
                    first.line, first.column = line, start - line_start + 1
                    first.__class__ = pos_class
                    is_object = char == "{"
                    stack.append([is_object, first, [], None])
                    state = key_or_close if is_object else item_or_close
                    continue
                closes = char == "}"
                if char not in "]}" or not (
                    stack[-1][0] is closes
                    if state is next_state
                    else state is (key_or_close if closes else item_or_close)
                ):
                    raise self._error(f"expected {_EXPECTED[state]}", start)
                is_object, first, items, _ = stack.pop()
                last = pos_shell()
                last.line, last.column = line, end - line_start + 1
                last.__class__ = pos_class
                node = (mapping if is_object else sequence)(tuple(items), first, last, None)
            else:
                if kind == _STRING:
                    value: str | int | float | bool | None = text[start + 1 : end - 1]
                    if "\\" in value:  # type: ignore[operator]  # a str
                        value = self._scan_string(start)
                    style = double
                elif state in wants_value:
                    literal = text[start:end]
                    value = literals[literal] if kind != _NUMBER else _number(literal, bool(match.group(3)))
                    style = plain
                else:
                    raise self._error(f"expected {_EXPECTED[state]}", start)
                # A JSON scalar never spans lines. Built in place (see `bot.core.nodes.POS_SHELL`).
                first = pos_shell()
                first.line, first.column = line, start - line_start + 1
                first.__class__ = pos_class
                last = pos_shell()
                last.line, last.column = line, end - line_start + 1
                last.__class__ = pos_class
                node = scalar_shell()
                node.value, node.start, node.end, node.style, node.tag = value, first, last, style, None
                node.__class__ = scalar_class
                if state is key_state or state is key_or_close:
                    stack[-1][3] = node
                    state = colon_state
                    continue
                if state not in wants_value:
                    raise self._error(f"expected {_EXPECTED[state]}", start)
            if stack:
                frame = stack[-1]
                frame[2].append((frame[3], node) if frame[0] else node)
                state = next_state
            else:
                root, state = node, end_state
        self._state, self._root = state, root
        return self._finish(index)

    def _finish(self, index: int) -> Node:
        space = self._space(self._text, index)
        end = space.end() if space is not None else index
        if end < len(self._text):
            if self._text[end] == '"':
                self._scan_string(end)  # raises with the exact problem
            raise self._error(f"expected {_EXPECTED[self._state]}", end)
        if self._root is None or self._state is not _State.END:
            raise self._error("unexpected end of the file", end)
        return self._root

    def _scan_string(self, start: int) -> str:
        try:
            value = _scanstring(self._text, start + 1, True)[0]
        except JSONDecodeError as error:
            problem = error.msg.removesuffix(" at").removesuffix(" starting")
            raise self._error(problem, error.pos) from None
        return paired_surrogates(value) if SURROGATE.search(value) else value

    def _error(self, problem: str, index: int) -> ManifestError:
        line = self._text.count("\n", 0, index) + 1
        column = index - (self._text.rfind("\n", 0, index) + 1) + 1
        message = f"invalid JSON at line {line}, column {column}: {problem}"
        return ManifestError(NoticeKind.PARSE_ERROR, message, line)


def _number(literal: str, is_float: bool) -> int | float:
    try:
        return float(literal) if is_float else int(literal)
    except ValueError:  # more digits than Python converts to int: keep the magnitude
        return float(literal)
