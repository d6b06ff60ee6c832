"""`sample_host_values` sorts each mapping's settings in one loop and skips mappings without string values
(issue 16): it must find the key paths the plain walk below (the code it replaced) finds, on random trees
of host settings, passwords and URLs. The values are placeholders, never secrets."""

from __future__ import annotations

import random

import pytest

from bot.core.hosts import sample_host_passwords, sample_host_values
from bot.core.tree import KeyPath, Mapping, Node, Pos, Scalar, Sequence

_KEYS = ("host", "DB_HOST", "db_password", "DB_PASSWORD", "password", "API_PASSWORD", "url", "REDIS_URL", "x")
_VALUES = (
    "db.example.com", "prod-db", "api.test", "x.invalid", "", "postgres://app:${DB_PASSWORD}@db.example.com/a",
    "redis://db:6379", "changeme", "hunter2",
)  # fmt: skip
_HERE = Pos(1, 1)


def _plain_walk(root: Node) -> set[KeyPath]:
    found: set[KeyPath] = set()
    stack: list[tuple[KeyPath, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping):
            settings = [
                (str(k.value), v.value) for k, v in node.items if type(v) is Scalar and type(v.value) is str
            ]
            found.update((*path, key) for key in sample_host_passwords(settings))
            stack.extend(
                ((*path, str(key.value)), value) for key, value in node.items if type(value) is not Scalar
            )
        elif isinstance(node, Sequence):
            stack.extend(
                ((*path, number), item) for number, item in enumerate(node.items) if type(item) is not Scalar
            )
    return found


def _node(rng: random.Random, depth: int) -> Node:
    choice = rng.random()
    if depth <= 0 or choice < 0.3:
        return Scalar(rng.choice([*_VALUES, 5, None, True]), _HERE, _HERE)
    if choice < 0.8:
        keys = rng.sample(_KEYS, rng.randint(0, 5))
        pairs = tuple((Scalar(key, _HERE, _HERE), _node(rng, depth - 1)) for key in keys)
        return Mapping(pairs, _HERE, _HERE)
    return Sequence(tuple(_node(rng, depth - 1) for _ in range(rng.randint(0, 3))), _HERE, _HERE)


@pytest.mark.parametrize("seed", range(300))
def test_random_trees_give_the_paths_of_the_plain_walk(seed: int) -> None:
    root = _node(random.Random(seed), 5)
    assert sample_host_values(root) == _plain_walk(root)


def test_the_random_trees_find_paths() -> None:
    """The comparison above is not between two empty sets only."""
    found = [sample_host_values(_node(random.Random(seed), 5)) for seed in range(300)]
    assert sum(1 for paths in found if paths) > 30
