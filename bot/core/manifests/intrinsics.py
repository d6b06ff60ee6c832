"""CloudFormation intrinsic functions: which scalars are names and which are literal text.

`!Ref DbPassword`, `{Ref: DbPassword}`, `!GetAtt Db.Endpoint`, `!ImportValue x`, the map and key names of
`!FindInMap`, a condition name in `!If` and the delimiter of `!Join`/`!Split` are NAMES: judging them as
values would flag `Password: !Ref DbPassword`. The parts of a `!Join` list are literal fragments of one
string: each is judged for tokens, and the joined text is searched as a whole so that
`['postgres://admin:', 'hunter2', '@', !GetAtt Db.Endpoint]` is still caught. The same functions appear in
Serverless `resources:` and environment values, so this applies to every platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from bot.core.tree import KeyPath, Mapping, Node, Scalar, Sequence

_NAME_FUNCTIONS = frozenset(
    {"Ref", "Fn::GetAtt", "Fn::ImportValue", "Condition", "Fn::GetAZs", "Fn::FindInMap", "Fn::Cidr"}
)
_NAME_TAGS = frozenset({"!Ref", "!GetAtt", "!ImportValue", "!Condition", "!GetAZs", "!FindInMap", "!Cidr"})
_FIRST_ARGUMENT_NAMES = frozenset({"Fn::If", "Fn::Join", "Fn::Select", "Fn::Split"})
_JOINS = frozenset({"!Join", "Fn::Join"})
_PLACEHOLDER = "${}"  # stands for a non-literal part of a join: it breaks any token across it


class ArgRole(StrEnum):
    VALUE = "value"
    NAME = "name"  # a logical id, attribute, export, condition or map name: never a secret
    JOIN_PART = "join-part"  # one literal fragment of a `!Join`: judged for tokens, not by key


# One string scalar met by `visit_strings`: its path, the scalar, its role, and for a `!Join` part the join
# node and its path (else None and ()). A plain tuple, not a named one: building a named tuple cost more
# than the rest of the walk (issue 16).
Visit = tuple[KeyPath, Scalar, ArgRole, Node | None, KeyPath]
_Pending = tuple[KeyPath, Node, str | None, Node | None, KeyPath]  # a node to visit, and its function call


def visit_strings(root: Node) -> Iterator[Visit]:
    """Every string (and integer: `PIN: 12345678` is a password) scalar with its role, in document order.

    Most scalars are plain values in a mapping or list (issue 16): the ones before its first container are
    yielded as they are met, never pushed on the stack, and scalars that are neither strings nor integers
    are never given a path. tests/core/test_visit_strings.py compares it with a plain recursive walk."""
    stack: list[_Pending] = [((), root, None, None, ())]
    pop, push, value = stack.pop, stack.append, ArgRole.VALUE
    while stack:
        path, node, function, join, join_path = pop()
        if type(node) is Scalar:
            if type(node.value) is str or type(node.value) is int:
                if function is None and join is None and node.tag is None:
                    yield path, node, value, None, ()
                else:
                    yield path, node, _role(node, path, function, join), join, join_path
        elif type(node) is Mapping:
            items = node.items
            first = 0  # the scalars before the first container are yielded here, in order
            for key, child in items:
                if type(child) is not Scalar:
                    break
                first += 1
                if type(child.value) is not str and type(child.value) is not int:
                    continue
                name = str(key.value)
                intrinsic = name if name in _NAME_FUNCTIONS or name[:4] == "Fn::" else None
                if intrinsic is None and child.tag is None:
                    yield (*path, name), child, value, None, ()
                else:
                    yield (*path, name), child, _role(child, path, intrinsic, None), None, ()
            for position in range(len(items) - 1, first - 1, -1):
                key, child = items[position]
                if type(child) is Scalar and type(child.value) is not str and type(child.value) is not int:
                    continue
                name = str(key.value)
                intrinsic = name if name in _NAME_FUNCTIONS or name[:4] == "Fn::" else None
                push(((*path, name), child, intrinsic, None, ()))
        elif isinstance(node, Sequence):
            called = _function_of(node, function)
            entries = node.items
            first = 0
            if called is None:  # a plain list: its leading scalars are yielded here too
                for entry in entries:
                    if type(entry) is not Scalar:
                        break
                    first += 1
                    if type(entry.value) is not str and type(entry.value) is not int:
                        continue
                    if join is None and entry.tag is None:
                        yield (*path, first - 1), entry, value, None, ()
                    else:
                        yield (*path, first - 1), entry, _role(entry, path, None, join), join, join_path
            for index in range(len(entries) - 1, first - 1, -1):
                child = entries[index]
                child_join, child_join_path = (
                    (node, path) if called in _JOINS and index == 1 else (join, join_path)
                )
                child_function = f"{called}[{index}]" if called else None
                push(((*path, index), child, child_function, child_join, child_join_path))


def _function_of(node: Sequence, key: str | None) -> str | None:
    """The intrinsic a sequence is the argument list of: its tag (`!Join`) or its mapping key (`Fn::Join`)."""
    if node.tag is not None:
        return "Fn::" + node.tag[1:] if node.tag != "!Ref" else "Ref"
    if key is not None and (key.startswith("Fn::") or key in _NAME_FUNCTIONS):
        return key
    return None


def _role(scalar: Scalar, path: KeyPath, function: str | None, join: Node | None) -> ArgRole:
    if scalar.tag in _NAME_TAGS:
        return ArgRole.NAME
    if function is None:
        return ArgRole.JOIN_PART if join is not None else ArgRole.VALUE
    base, _, index = function.partition("[")
    if base in _NAME_FUNCTIONS:
        return ArgRole.NAME
    if index == "0]" and base in _FIRST_ARGUMENT_NAMES:
        return ArgRole.NAME
    return ArgRole.JOIN_PART if join is not None else ArgRole.VALUE


def joined_text(join: Node) -> tuple[str, list[tuple[int, Scalar, KeyPath]]] | None:
    """The text a `!Join` produces, with each literal part's offset in it (non-literal parts are `${}`)."""
    if not isinstance(join, Sequence) or len(join.items) != 2 or not isinstance(join.items[1], Sequence):
        return None
    delimiter_node = join.items[0]
    delimiter = delimiter_node.value if isinstance(delimiter_node, Scalar) else None
    if not isinstance(delimiter, str):
        delimiter = _PLACEHOLDER
    pieces: list[str] = []
    offsets: list[tuple[int, Scalar, KeyPath]] = []
    length = 0
    for index, part in enumerate(join.items[1].items):
        if index:
            pieces.append(delimiter)
            length += len(delimiter)
        if isinstance(part, Scalar) and isinstance(part.value, str) and part.tag is None:
            offsets.append((length, part, (1, index)))
            pieces.append(part.value)
            length += len(part.value)
        else:
            pieces.append(_PLACEHOLDER)
            length += len(_PLACEHOLDER)
    return "".join(pieces), offsets


def join_node(node: Node) -> Node | None:
    """The argument list of a `!Join` or `{Fn::Join: [...]}` node."""
    if isinstance(node, Sequence) and node.tag == "!Join":
        return node
    if isinstance(node, Mapping) and len(node.items) == 1 and node.items[0][0].value == "Fn::Join":
        return node.items[0][1]
    return None
