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
