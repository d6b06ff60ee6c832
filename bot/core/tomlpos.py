"""TOML to position-carrying trees: tomllib for validity and values, a short pass of our own for places.

tomllib is the reference parser but keeps no positions; tomlkit keeps formatting but not line numbers and
is slow. So tomllib validates the text and decodes every value, and this module walks the (now known to
be valid) text once, recording where each key and value sits and taking the value from tomllib's result
at the same place. Only positions come from our code, never a decoded string.

Tables, dotted keys, inline tables and arrays of tables (`[[x]]`, a Sequence of Mapping) all land where a
reader expects them. Strings keep their quoting style (basic DOUBLE, literal SINGLE, `\"\"\"`/`'''`
MULTILINE); dates and times, which the tree has no type for, keep their source text. Positions are 1-based;
a value ends one column past its last character.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.tree import Document, Mapping, Node, Pos, Scalar, Sequence, Style

_SPACE = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")  # one repetition level: no nested backtracking
_INLINE_SPACE = re.compile(r"[ \t]*")
_KEY_PART = re.compile(r"[A-Za-z0-9_-]+|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")
_KEY_DOT = re.compile(r"[ \t]*\.[ \t]*")
_STRINGS = (
    ('"""', re.compile(r'"""(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}', re.DOTALL), Style.MULTILINE),
    ("'''", re.compile(r"'''.*?'{3,5}", re.DOTALL), Style.MULTILINE),
    ('"', re.compile(r'"(?:[^"\\\n]|\\.)*"'), Style.DOUBLE),
    ("'", re.compile(r"'[^'\n]*'"), Style.SINGLE),
)
_BARE_VALUE = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?|[^\s,\]}#]+"
)
_ERROR_PLACE = re.compile(r" \(at (?:line (\d+), column \d+|end of document)\)$")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEY_STYLES = {'"': Style.DOUBLE, "'": Style.SINGLE}


def load_toml(text: str, limits: ScanLimits) -> Document:
    """One TOML document; raises ManifestError(PARSE_ERROR) with the line tomllib points at."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _parse_error(str(error), text) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ManifestError(NoticeKind.DEPTH_LIMIT, "TOML nesting too deep") from None
    return Document.of(_Locator(text, limits).root(data), text)


def _parse_error(message: str, text: str) -> ManifestError:
    """tomllib's own wording and place; a quoted key in it is shortened as a precaution."""
    place = _ERROR_PLACE.search(message)
    problem = _QUOTED.sub(_short_quote, message[: place.start()] if place else message)
    if place is None:
        return ManifestError(NoticeKind.PARSE_ERROR, f"invalid TOML: {problem}")
    line = int(place.group(1)) if place.group(1) else text.count("\n") + 1
    return ManifestError(NoticeKind.PARSE_ERROR, f"invalid TOML at line {line}: {problem}", line)


def _short_quote(match: re.Match[str]) -> str:
    """Keep a quoted character (`'\\n'`), hide anything longer: keys could be anything."""
    return match.group() if len(match.group()) <= 4 else "'...'"


@dataclass(slots=True)
class _Table:
    """A table still open to new keys (`[a]` headers and dotted keys may add to it later)."""

    start: Pos
    data: dict[str, Any]
    depth: int  # the root table is at depth 1
    items: dict[str, tuple[Scalar, _Table | _TableArray | Node]] = field(default_factory=dict)


@dataclass(slots=True)
class _TableArray:
    data: list[dict[str, Any]]
    tables: list[_Table] = field(default_factory=list)


class _Locator:
    def __init__(self, text: str, limits: ScanLimits) -> None:
        self._text = text
        self._max_depth = limits.max_depth
        self._newlines = [match.start() for match in re.finditer("\n", text)]

    def root(self, data: dict[str, Any]) -> Node:
        root = _Table(Pos(1, 1), data, 1)
        current, index = root, self._after(_SPACE, 0)
        while index < len(self._text):
            if self._text.startswith("[", index):
                current, index = self._header(root, index)
            else:
                index = self._key_value(current, index)
            index = self._after(_SPACE, index)
        return _frozen(root)

    def _header(self, root: _Table, index: int) -> tuple[_Table, int]:
        """`[a.b]` or `[[a.b]]`: the table that the following key/value lines fill."""
        start = self._pos(index)
        is_array = self._text.startswith("[[", index)
        keys, index = self._keys(index + (2 if is_array else 1))
        table = root
        for key in keys[:-1]:
            table = self._subtable(table, key, start)
        table = _new_element(table, keys[-1], start) if is_array else self._subtable(table, keys[-1], start)
        self._check_depth(table.depth, start.line)
        return table, self._text.index("]", index) + (2 if is_array else 1)

    def _key_value(self, table: _Table, index: int) -> int:
        keys, index = self._keys(index)
        for key in keys[:-1]:
            table = self._subtable(table, key, key.start)
        index = self._after(_INLINE_SPACE, index + 1)
        name = str(keys[-1].value)
        node, index = self._value(index, table.data[name], table.depth + 1)
        table.items[name] = (keys[-1], node)
        return index

    def _subtable(self, table: _Table, key: Scalar, start: Pos) -> _Table:
        """The table under `key`, created on first mention; a name for an array of tables means its last."""
        entry = table.items.get(str(key.value))
        if entry is None:
            self._check_depth(table.depth + 1, start.line)
            sub = _Table(start, table.data[str(key.value)], table.depth + 1)
            table.items[str(key.value)] = (key, sub)
            return sub
        value = entry[1]
        if isinstance(value, _TableArray):
            return value.tables[-1]
        assert isinstance(value, _Table)  # tomllib has rejected every other case
        return value

    def _keys(self, index: int) -> tuple[list[Scalar], int]:
        """A dotted key; returns its parts and the index just after it (before `=` or `]`)."""
        text, parts = self._text, []
        while True:
            index = self._after(_INLINE_SPACE, index)
            match = _KEY_PART.match(text, index)
            assert match is not None  # tomllib has accepted the key
            parts.append(self._key(match.group(), index, match.end()))
            dot = _KEY_DOT.match(text, match.end())
            if dot is None:
                return parts, self._after(_INLINE_SPACE, match.end())
            index = dot.end()

    def _key(self, raw: str, start: int, end: int) -> Scalar:
        style = _KEY_STYLES.get(raw[0], Style.PLAIN)
        if style is Style.PLAIN:
            name = raw
        elif style is Style.SINGLE or "\\" not in raw:
            name = raw[1:-1]
        else:
            name = next(iter(tomllib.loads(f"{raw} = 0")))
        return Scalar(name, self._pos(start), self._pos(end), style)

    def _value(self, index: int, data: Any, depth: int) -> tuple[Node, int]:
        text = self._text
        if text.startswith("[", index):
            return self._array(index, data, depth)
        if text.startswith("{", index):
            return self._inline_table(index, data, depth)
        for opener, pattern, style in _STRINGS:
            if text.startswith(opener, index):
                end = self._after(pattern, index)
                return Scalar(data, self._pos(index), self._pos(end), style), end
        end = self._after(_BARE_VALUE, index)
        value = text[index:end] if isinstance(data, date | time) else data
        return Scalar(value, self._pos(index), self._pos(end), Style.PLAIN), end

    def _array(self, index: int, data: list[Any], depth: int) -> tuple[Sequence, int]:
        self._check_depth(depth, self._pos(index).line)
        start, items = index, []
        index = self._after(_SPACE, index + 1)
        for element in data:
            node, index = self._value(index, element, depth + 1)
            items.append(node)
            index = self._past_comma(index)
        return Sequence(tuple(items), self._pos(start), self._pos(index + 1)), index + 1

    def _inline_table(self, index: int, data: dict[str, Any], depth: int) -> tuple[Mapping, int]:
        self._check_depth(depth, self._pos(index).line)
        table = _Table(self._pos(index), data, depth)
        index = self._after(_SPACE, index + 1)
        while not self._text.startswith("}", index):
            index = self._past_comma(self._key_value(table, index))
        mapping = _frozen(table)
        return Mapping(mapping.items, mapping.start, self._pos(index + 1)), index + 1

    def _past_comma(self, index: int) -> int:
        index = self._after(_SPACE, index)
        if self._text.startswith(",", index):
            index = self._after(_SPACE, index + 1)
        return index

    def _after(self, pattern: re.Pattern[str], index: int) -> int:
        match = pattern.match(self._text, index)
        return match.end() if match is not None else index

    def _check_depth(self, depth: int, line: int) -> None:
        if depth > self._max_depth:
            raise ManifestError(
                NoticeKind.DEPTH_LIMIT, f"TOML nested deeper than {self._max_depth} levels", line
            )

    def _pos(self, index: int) -> Pos:
        before = bisect_left(self._newlines, index)
        line_start = self._newlines[before - 1] + 1 if before else 0
        return Pos(before + 1, index - line_start + 1)


def _new_element(table: _Table, key: Scalar, start: Pos) -> _Table:
    """A `[[key]]` header: one more table in the array of tables under `key`."""
    name = str(key.value)
    entry = table.items.get(name)
    array = entry[1] if entry is not None else None
    if not isinstance(array, _TableArray):
        array = _TableArray(table.data[name])
        table.items[name] = (key, array)
    element = _Table(start, array.data[len(array.tables)], table.depth + 2)
    array.tables.append(element)
    return element


def _frozen(table: _Table) -> Mapping:
    """The finished table; it ends where its last value (at any depth) ends."""
    items: list[tuple[Scalar, Node]] = []
    for key, value in table.items.values():
        if isinstance(value, _Table):
            items.append((key, _frozen(value)))
        elif isinstance(value, _TableArray):
            tables = tuple(_frozen(sub) for sub in value.tables)
            items.append((key, Sequence(tables, tables[0].start, _last_end(tables, tables[0].start))))
        else:
            items.append((key, value))
    end = _last_end([node for _, node in items], table.start)
    return Mapping(tuple(items), table.start, end)


def _last_end(nodes: list[Node] | tuple[Node, ...], default: Pos) -> Pos:
    ends = [node.end for node in nodes]
    return max(ends, key=lambda pos: (pos.line, pos.column), default=default)
