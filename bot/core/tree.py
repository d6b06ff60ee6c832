"""One position-carrying tree for every manifest format.

YAML, JSON and TOML parsers all produce these nodes, so that platform modules, reference following and
remediation never care which syntax a value came from. Every node knows its exact 1-based start and end
(line, column) in the original text; that is what makes line annotations and one-click suggestions exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Style(StrEnum):
    """How a scalar was written: remediation keeps the quoting style of the line it rewrites."""

    PLAIN = "plain"
    SINGLE = "single"
    DOUBLE = "double"
    LITERAL = "literal"  # YAML |
    FOLDED = "folded"  # YAML >
    MULTILINE = "multiline"  # TOML ''' or \"\"\" strings


@dataclass(frozen=True, slots=True)
class Pos:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str | int | float | bool | None
    start: Pos
    end: Pos
    style: Style = Style.PLAIN
    tag: str | None = None  # e.g. "!Ref", "!Sub" for CloudFormation short forms

    @property
    def text(self) -> str | None:
        """The value as a string when it is one; numbers and booleans are never secrets on their own."""
        return self.value if isinstance(self.value, str) else None


@dataclass(frozen=True, slots=True)
class Mapping:
    items: tuple[tuple[Scalar, Node], ...]
    start: Pos
    end: Pos
    tag: str | None = None

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.items]


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    start: Pos
    end: Pos
    tag: str | None = None


Node = Scalar | Mapping | Sequence
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed document (a YAML stream may hold several) and the text it came from."""

    root: Node
    text: str
    lines: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, root: Node, text: str) -> Document:
        return cls(root=root, text=text, lines=split_lines(text))

    def lookup(self, path: KeyPath) -> Node | None:
        node: Node | None = self.root
        for part in path:
            if isinstance(node, Mapping) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
                node = node.items[part]
            else:
                return None
        return node


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as the parsers count them: only `\n` ends a line (`str.splitlines` also breaks on `\x0c`,
    `\x85`, `\u2028`, which would make line numbers drift from the positions)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:  # most files: no line to trim, and a parse asks this of every YAML file
        return tuple(lines)
    return tuple(line.removesuffix("\r") for line in lines)


def walk_scalars(node: Node, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Scalar]]:
    """Every scalar value (not keys) with its key path, depth first, in document order."""
    if isinstance(node, Scalar):
        yield path, node
    elif isinstance(node, Mapping):
        for key, value in node.items:
            yield from walk_scalars(value, (*path, str(key.value)))
    else:
        for index, item in enumerate(node.items):
            yield from walk_scalars(item, (*path, index))


def dotted(path: KeyPath) -> str:
    """`provider.environment.API_KEY`, `env[0].value`: the key path as people read it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
