"""The JSON reader as it was before issue 16 made it one loop: the slow, obvious reference that
`test_json_parse_equivalence` holds the fast reader to. A method per token kind, a dataclass per open
collection, every node built through the dataclass constructors; the token regex matches a string one
character at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.jsonpos import (
    _EXPECTED,
    _LITERALS,
    _NUMBER,
    _PUNCTUATION,
    _STRING,
    _WANTS_VALUE,
    _number,
    _Parser,
    _State,
)
from bot.core.tree import Mapping, Node, Pos, Scalar, Sequence, Style

SPACE = r"[ \t\n\r]*+"
SPACE_AND_COMMENTS = r"(?:[ \t\n\r]++|//[^\n]*+|/\*.*?\*/)*+"
_LEXEME = (
    r"""(?:("(?:[^"\\\x00-\x1f]|\\.)*")"""
    r"|(-?(?:0|[1-9][0-9]*)((?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))"
    r"|([{}\[\]:,])|(true|false|null))"
)


@dataclass(slots=True)
class _Frame:
    """An object or array being read."""

    is_object: bool
    start: Pos
    items: list[Any] = field(default_factory=list)
    key: Scalar | None = None


class ReferenceParser(_Parser):
    """`bot.core.jsonpos._Parser` as it was first written: a method per token kind (its end-of-file
    check and error messages, which issue 16 did not change, are inherited)."""

    def __init__(self, text: str, limits: ScanLimits, *, allow_comments: bool) -> None:
        space = SPACE_AND_COMMENTS if allow_comments else SPACE
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
            Mapping(items, frame.start, end, None)
            if frame.is_object
            else Sequence(items, frame.start, end, None)
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
        return Pos(self._line, index - self._line_start + 1)

    def _scalar(self, value: str | float | bool | None, start: int, end: int, style: Style) -> Scalar:
        column = start - self._line_start + 1  # a JSON scalar never spans lines
        return Scalar(value, Pos(self._line, column), Pos(self._line, column + end - start), style, None)
