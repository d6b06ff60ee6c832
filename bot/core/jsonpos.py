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

import json
import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from json import JSONDecodeError
from typing import Any

from bot.core.config import ScanLimits
from bot.core.decoding import SURROGATE, paired_surrogates
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.nodes import mapping, pos, scalar_at, sequence
from bot.core.tree import Document, Node, Pos, Scalar, Style

_SPACE = r"[ \t\n\r]*"
_SPACE_AND_COMMENTS = r"(?:[ \t\n\r]+|//[^\n]*|/\*.*?\*/)*"
# Groups: 1 a string without control characters, 2 a number (3 its fraction and exponent), 4 punctuation,
# 5 a literal. An escape is only checked when the string holds a backslash.
_LEXEME = (
    r"""(?:("(?:[^"\\\x00-\x1f]|\\.)*")"""
    r"|(-?(?:0|[1-9][0-9]*)((?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))"
    r"|([{}\[\]:,])|(true|false|null))"
)
_STRING, _NUMBER, _PUNCTUATION = 1, 2, 4
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
# The C string scanner behind json.loads; typeshed does not declare it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


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


@dataclass(slots=True)
class _Frame:
    """An object or array being read."""

    is_object: bool
    start: Pos
    items: list[Any] = field(default_factory=list)
    key: Scalar | None = None


class _Parser:
    def __init__(self, text: str, limits: ScanLimits, *, allow_comments: bool) -> None:
        space = _SPACE_AND_COMMENTS if allow_comments else _SPACE
        self._lexeme = re.compile(space + _LEXEME, re.DOTALL).match
        self._space = re.compile(space, re.DOTALL).match
        self._text = text
        self._max_depth = limits.max_depth
        self._after_comma = (
            (_State.ITEM_OR_CLOSE, _State.KEY_OR_CLOSE) if allow_comments else (_State.ITEM, _State.KEY)
        )
        self._stack: list[_Frame] = []
        self._state = _State.VALUE
        self._root: Node | None = None
        self._line, self._line_start = 1, 0

    def document(self) -> Node:
        text, lexeme = self._text, self._lexeme
        index = 0
        while (match := lexeme(text, index)) is not None:
            kind = match.lastindex or 0
            start, index = match.start(kind), match.end()
            if start != match.start() and (newlines := text.count("\n", match.start(), start)):
                self._line += newlines
                self._line_start = text.rfind("\n", 0, start) + 1
            if kind == _PUNCTUATION:
                self._punctuation(text[start], start)
            elif kind == _STRING:
                self._string(match.group(1), start, index)
            elif self._state in _WANTS_VALUE:
                literal = match.group(kind)
                value = _LITERALS[literal] if kind != _NUMBER else _number(literal, bool(match.group(3)))
                self._add(self._scalar(value, start, index, Style.PLAIN))
            else:
                raise self._error(f"expected {_EXPECTED[self._state]}", start)
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

    def _string(self, literal: str, start: int, end: int) -> None:
        value = self._scan_string(start) if "\\" in literal else literal[1:-1]
        scalar = self._scalar(value, start, end, Style.DOUBLE)
        if self._state is _State.KEY or self._state is _State.KEY_OR_CLOSE:
            self._stack[-1].key = scalar
            self._state = _State.COLON
        elif self._state in _WANTS_VALUE:
            self._add(scalar)
        else:
            raise self._error(f"expected {_EXPECTED[self._state]}", start)

    def _scan_string(self, start: int) -> str:
        try:
            value = _scanstring(self._text, start + 1, True)[0]
        except JSONDecodeError as error:
            problem = error.msg.removesuffix(" at").removesuffix(" starting")
            raise self._error(problem, error.pos) from None
        return paired_surrogates(value) if SURROGATE.search(value) else value

    def _punctuation(self, char: str, start: int) -> None:
        state = self._state
        if char == ":" and state is _State.COLON:
            self._state = _State.VALUE
        elif char == "," and state is _State.NEXT:
            self._state = self._after_comma[self._stack[-1].is_object]
        elif char in "{[" and state in _WANTS_VALUE:
            self._open(char == "{", start)
        elif char in "]}" and self._may_close(char == "}"):
            self._close(start)
        else:
            raise self._error(f"expected {_EXPECTED[state]}", start)

    def _may_close(self, is_object: bool) -> bool:
        if self._state is _State.NEXT:
            return self._stack[-1].is_object is is_object
        return self._state is (_State.KEY_OR_CLOSE if is_object else _State.ITEM_OR_CLOSE)

    def _open(self, is_object: bool, start: int) -> None:
        if len(self._stack) >= self._max_depth:
            message = f"JSON nested deeper than {self._max_depth} levels"
            raise ManifestError(NoticeKind.DEPTH_LIMIT, message, self._line)
        self._stack.append(_Frame(is_object, self._pos(start)))
        self._state = _State.KEY_OR_CLOSE if is_object else _State.ITEM_OR_CLOSE

    def _close(self, start: int) -> None:
        frame = self._stack.pop()
        end = self._pos(start + 1)
        items = tuple(frame.items)
        node: Node = (
            mapping(items, frame.start, end, None)
            if frame.is_object
            else sequence(items, frame.start, end, None)
        )
        self._add(node)

    def _add(self, node: Node) -> None:
        if not self._stack:
            self._root, self._state = node, _State.END
            return
        frame = self._stack[-1]
        frame.items.append((frame.key, node) if frame.is_object else node)
        self._state = _State.NEXT

    def _pos(self, index: int) -> Pos:
        return pos(self._line, index - self._line_start + 1)

    def _scalar(self, value: str | float | bool | None, start: int, end: int, style: Style) -> Scalar:
        column = start - self._line_start + 1  # a JSON scalar never spans lines
        return scalar_at(value, self._line, column, self._line, column + end - start, style, None)

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
