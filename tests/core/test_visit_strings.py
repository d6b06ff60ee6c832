"""`visit_strings` yields a mapping's or list's leading scalars without the stack and skips scalars that are
not strings or integers (issue 16): it must yield exactly what the plain walk below (the walk it replaced)
yields, in the same order, on random trees full of intrinsics, tags and `!Join`s. `walk_strings` must yield
the strings, holding the text asked for, that a walk of every scalar yields."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bot.core.config import ScanConfig
from bot.core.manifests import intrinsics
from bot.core.manifests.common import walk_strings
from bot.core.manifests.intrinsics import ArgRole, Visit, visit_strings
from bot.core.tree import KeyPath, Mapping, Node, Scalar, Sequence, walk_scalars
from bot.core.yamlsafe import load_yaml
from tests.core import randomtrees


def _plain_walk(root: Node) -> Iterator[Visit]:
    """Every node pushed on one stack with its function and join, as `visit_strings` used to walk."""
    stack: list[tuple[KeyPath, Node, str | None, Node | None, KeyPath]] = [((), root, None, None, ())]
    while stack:
        path, node, function, join, join_path = stack.pop()
        if isinstance(node, Scalar):
            if type(node.value) is str or type(node.value) is int:
                if function is None and join is None and node.tag is None:
                    yield path, node, ArgRole.VALUE, None, ()
                else:
                    role = intrinsics._role(node, path, function, join)
                    yield path, node, role, join, join_path
        elif isinstance(node, Mapping):
            for key, value in reversed(node.items):
                name = str(key.value)
                intrinsic = name if name.startswith("Fn::") or name in intrinsics._NAME_FUNCTIONS else None
                stack.append(((*path, name), value, intrinsic, None, ()))
        elif isinstance(node, Sequence):
            called = intrinsics._function_of(node, function)
            for index in range(len(node.items) - 1, -1, -1):
                child = node.items[index]
                in_join = called in intrinsics._JOINS and index == 1
                child_join, child_join_path = (node, path) if in_join else (join, join_path)
                child_function = f"{called}[{index}]" if called else None
                stack.append(((*path, index), child, child_function, child_join, child_join_path))


@pytest.mark.parametrize("seed", range(200))
def test_random_trees_are_visited_as_by_the_plain_walk(seed: int) -> None:
    root = randomtrees.node(random.Random(seed), 6)
    expected = list(_plain_walk(root))
    found = list(visit_strings(root))
    assert found == expected
    # the same nodes, not equal copies: findings point at them
    assert all(a[1] is b[1] and a[3] is b[3] for a, b in zip(found, expected, strict=True))


_TEMPLATE = """\
Resources:
  Fn:
    Properties:
      Environment:
        Variables:
          A: one
          B: !Ref Param
          PIN: 12345678
          ON: true
          C: {'Fn::Join': ['', [x, !Ref Y, z]]}
          D: !Join [':', [a, {Ref: B}, c]]
          E: {'Fn::GetAtt': [Db, Endpoint]}
          F: after
      Tags: [{Key: k, Value: v}, 3.5, null, plain]
"""


def test_a_template_s_roles_and_order() -> None:
    root = load_yaml(_TEMPLATE, ScanConfig().limits)[0].root
    found = [(path[-2:], role) for path, _, role, _, _ in visit_strings(root)]
    assert found == [(path[-2:], role) for path, _, role, _, _ in _plain_walk(root)]
    assert (("Variables", "B"), ArgRole.NAME) in found
    assert (("Variables", "PIN"), ArgRole.VALUE) in found
    assert (("Variables", "ON"), ArgRole.VALUE) not in found
    assert ((1, 2), ArgRole.JOIN_PART) in found  # `z` in the `Fn::Join` list
    assert found[-1] == (("Tags", 3), ArgRole.VALUE)


@pytest.mark.parametrize("seed", range(100))
@pytest.mark.parametrize("holding", ["", "${", "Fn", "Key"])
def test_walk_strings_yields_the_strings_of_every_scalar_walk(seed: int, holding: str) -> None:
    root = randomtrees.node(random.Random(seed), 6)
    expected = [
        (path, node)
        for path, node in walk_scalars(root)
        if isinstance(node.value, str) and holding in node.value
    ]
    assert list(walk_strings(root, holding=holding)) == expected
