"""Small accessors for `bot.core.tree` nodes, shared by the parser tests."""

from __future__ import annotations

from typing import Any

from bot.core.tree import Mapping, Node, Scalar, Sequence


def scalar(node: Node | None) -> Scalar:
    assert isinstance(node, Scalar)
    return node


def mapping(node: Node | None) -> Mapping:
    assert isinstance(node, Mapping)
    return node


def sequence(node: Node | None) -> Sequence:
    assert isinstance(node, Sequence)
    return node


def span(node: Node) -> tuple[int, int, int, int]:
    return (node.start.line, node.start.column, node.end.line, node.end.column)


def plain(node: Node) -> Any:
    """The node as plain Python data, to compare with json.loads / tomllib."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return {key.value: plain(value) for key, value in node.items}
    return [plain(item) for item in node.items]


def described(node: Node) -> Any:
    """A node as nested tuples, with exact types: `1`, `1.0` and `True` are told apart, NaN equals NaN
    (its repr does), and each position's class is checked too."""
    kind = type(node).__name__
    places = (
        type(node.start),
        node.start.line,
        node.start.column,
        type(node.end),
        node.end.line,
        node.end.column,
    )
    if type(node) is Scalar:
        return (kind, type(node.value).__name__, repr(node.value), node.style, node.tag, places)
    if type(node) is Mapping:
        items = tuple((described(key), described(value)) for key, value in node.items)
        return (kind, node.tag, places, items)
    assert type(node) is Sequence
    return (kind, node.tag, places, tuple(described(item) for item in node.items))
