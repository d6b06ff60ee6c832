"""Tree nodes built at parser speed: the parsers create one `Pos` pair and one node per value.

`Pos` and the nodes are frozen dataclasses, whose generated `__init__` stores each field through
`object.__setattr__`; at hundreds of thousands of nodes per scan that is the largest single cost of a parse
after the tokenizer itself. Each class here has a mutable twin with the same slots: its `__init__` stores
the fields with plain attribute writes (the fastest store CPython has) and then turns the object into the
frozen class by assigning `__class__`, which CPython allows between classes of identical layout. That is
about a fifth cheaper than the slot descriptors' `__set__` this module called before, and returns exactly
what the dataclass constructor returns (same class, same fields, equal, hashable, still frozen to every
caller). The slots are checked against the dataclasses when this module is imported, so a field added to
`bot.core.tree` cannot be silently left unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from bot.core.tree import Mapping, Node, Pos, Scalar, Sequence, Style

Value = str | int | float | bool | None


class _Pos:
    __slots__ = Pos.__slots__  # the same layout: `__class__` can change between them

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.__class__ = Pos  # type: ignore[assignment]


class _Scalar:
    __slots__ = Scalar.__slots__  # the same layout: `__class__` can change between them

    def __init__(self, value: Value, start: Pos, end: Pos, style: Style, tag: str | None) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.style = style
        self.tag = tag
        self.__class__ = Scalar  # type: ignore[assignment]


def _collection_twin(frozen: type) -> type:
    """The twin of `Mapping` or `Sequence`, which share their fields."""

    class Twin:
        # The same layout: `__class__` can change between them.
        __slots__ = frozen.__slots__  # type: ignore[attr-defined]

        def __init__(self, items: tuple[Any, ...], start: Pos, end: Pos, tag: str | None) -> None:
            self.items = items
            self.start = start
            self.end = end
            self.tag = tag
            self.__class__ = frozen

    return Twin


_Mapping = _collection_twin(Mapping)
_Sequence = _collection_twin(Sequence)


def _check_twin(twin: type, cls: type) -> None:
    """Each twin's `__init__` takes its dataclass's fields, in order: a field added to `bot.core.tree` and
    not here would be left unset."""
    fields = tuple(field.name for field in dataclasses.fields(cls))
    arguments = twin.__init__.__code__.co_varnames[1 : 1 + len(fields)]  # type: ignore[misc]
    if arguments != fields:
        raise TypeError(f"bot.core.nodes is out of date with {cls.__name__}{fields}")


for _twin, _cls in ((_Pos, Pos), (_Scalar, Scalar), (_Mapping, Mapping), (_Sequence, Sequence)):
    _check_twin(_twin, _cls)


def _shell(frozen: type) -> Any:
    """A class with `frozen`'s slots and nothing else. Calling it makes an empty object about a sixth
    cheaper than `object.__new__` of a twin, which copies its arguments into a new tuple (issue 16)."""
    return type(f"{frozen.__name__}Shell", (), {"__slots__": frozen.__slots__})  # type: ignore[attr-defined]


# For a loop that cannot afford a call per node (`bot.core.yamlcompose`): call a shell, store every field,
# then assign the frozen class to `__class__`, as the twins' `__init__` do.
POS_SHELL, SCALAR_SHELL, MAPPING_SHELL, SEQUENCE_SHELL = map(_shell, (Pos, Scalar, Mapping, Sequence))

# To callers, each constructor returns the frozen class.
pos: Callable[[int, int], Pos] = _Pos  # type: ignore[assignment]
scalar: Callable[[Value, Pos, Pos, Style, str | None], Scalar] = _Scalar  # type: ignore[assignment]
mapping: Callable[[tuple[tuple[Scalar, Node], ...], Pos, Pos, str | None], Mapping] = _Mapping
sequence: Callable[[tuple[Node, ...], Pos, Pos, str | None], Sequence] = _Sequence
