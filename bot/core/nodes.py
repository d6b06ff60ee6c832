"""Tree nodes built at parser speed: the parsers create one `Pos` pair and one node per value.

`Pos` and the nodes are frozen dataclasses, whose generated `__init__` stores each field through
`object.__setattr__`; at hundreds of thousands of nodes per scan that is the largest single cost of a parse
after the tokenizer itself. These constructors store the same fields through the slots' own descriptors,
about three times faster, and return exactly what the dataclass constructor returns (same class, same
fields, equal, hashable, still frozen to every caller). The field lists are checked against the dataclasses
when this module is imported, so a field added to `bot.core.tree` cannot be silently left unset.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.core.tree import Mapping, Node, Pos, Scalar, Sequence, Style

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    fields = tuple(field.name for field in dataclasses.fields(cls))
    if fields != names:
        raise TypeError(f"bot.core.nodes is out of date with {cls.__name__}{fields}")
    return tuple(getattr(cls, name).__set__ for name in names)


_POS_LINE, _POS_COLUMN = _setters(Pos, ("line", "column"))
_S_VALUE, _S_START, _S_END, _S_STYLE, _S_TAG = _setters(Scalar, ("value", "start", "end", "style", "tag"))
_M_ITEMS, _M_START, _M_END, _M_TAG = _setters(Mapping, ("items", "start", "end", "tag"))
_Q_ITEMS, _Q_START, _Q_END, _Q_TAG = _setters(Sequence, ("items", "start", "end", "tag"))


def pos(line: int, column: int) -> Pos:
    node: Pos = _new(Pos)
    _POS_LINE(node, line)
    _POS_COLUMN(node, column)
    return node


def scalar(
    value: str | int | float | bool | None, start: Pos, end: Pos, style: Style, tag: str | None
) -> Scalar:
    node: Scalar = _new(Scalar)
    _S_VALUE(node, value)
    _S_START(node, start)
    _S_END(node, end)
    _S_STYLE(node, style)
    _S_TAG(node, tag)
    return node


def scalar_at(
    value: str | int | float | bool | None,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    style: Style,
    tag: str | None,
) -> Scalar:
    """A scalar and both its positions, built in one call."""
    start: Pos = _new(Pos)
    _POS_LINE(start, line)
    _POS_COLUMN(start, column)
    end: Pos = _new(Pos)
    _POS_LINE(end, end_line)
    _POS_COLUMN(end, end_column)
    node: Scalar = _new(Scalar)
    _S_VALUE(node, value)
    _S_START(node, start)
    _S_END(node, end)
    _S_STYLE(node, style)
    _S_TAG(node, tag)
    return node


def mapping(items: tuple[tuple[Scalar, Node], ...], start: Pos, end: Pos, tag: str | None) -> Mapping:
    node: Mapping = _new(Mapping)
    _M_ITEMS(node, items)
    _M_START(node, start)
    _M_END(node, end)
    _M_TAG(node, tag)
    return node


def sequence(items: tuple[Node, ...], start: Pos, end: Pos, tag: str | None) -> Sequence:
    node: Sequence = _new(Sequence)
    _Q_ITEMS(node, items)
    _Q_START(node, start)
    _Q_END(node, end)
    _Q_TAG(node, tag)
    return node
