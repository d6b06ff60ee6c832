"""The parsers' fast paths: node constructors that bypass the dataclass `__init__`, and the cheap syntax
checks that let the scanner skip a parse. Both must agree exactly with the slow, obvious versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from bot.core import nodes
from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.jsonpos import load_json
from bot.core.jsonpos import quick_check as json_quick_check
from bot.core.tree import Mapping, Pos, Scalar, Sequence, Style
from bot.core.yamlsafe import load_yaml
from bot.core.yamlsafe import quick_check as yaml_quick_check

LIMITS = ScanLimits()


def test_fast_constructors_build_the_same_frozen_nodes() -> None:
    start, end = Pos(1, 2), Pos(3, 4)
    key = Scalar("k", start, end, Style.PLAIN, None)
    assert nodes.pos(1, 2) == start and hash(nodes.pos(1, 2)) == hash(start)
    assert nodes.scalar("k", start, end, Style.PLAIN, None) == key
    assert nodes.scalar("k", nodes.pos(1, 2), nodes.pos(3, 4), Style.PLAIN, None) == key
    assert nodes.mapping(((key, key),), start, end, "!If") == Mapping(((key, key),), start, end, "!If")
    assert nodes.sequence((key,), start, end, None) == Sequence((key,), start, end, None)
    built = nodes.mapping(
        ((nodes.scalar("k", nodes.pos(1, 2), end, Style.PLAIN, None), key),), start, end, None
    )
    assert [type(node) for node in (built, built.start, built.items[0][0], built.items[0][0].end)] == [
        Mapping,
        Pos,
        Scalar,
        Pos,
    ]
    assert type(nodes.sequence((), start, end, None)) is Sequence
    with pytest.raises(dataclasses.FrozenInstanceError):
        nodes.pos(1, 2).line = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        nodes.scalar("k", start, end, Style.PLAIN, None).value = "v"  # type: ignore[misc]


def test_shells_become_the_same_frozen_nodes() -> None:
    """What the parsers' loops do with a shell: store every field, then assign the frozen class."""
    start, end = Pos(1, 2), Pos(3, 4)
    key = Scalar("k", start, end, Style.PLAIN, None)
    expected = {
        nodes.POS_SHELL: (Pos, {"line": 1, "column": 2}),
        nodes.SCALAR_SHELL: (
            Scalar,
            {"value": "k", "start": start, "end": end, "style": Style.PLAIN, "tag": None},
        ),
        nodes.MAPPING_SHELL: (Mapping, {"items": ((key, key),), "start": start, "end": end, "tag": "!If"}),
        nodes.SEQUENCE_SHELL: (Sequence, {"items": (key,), "start": start, "end": end, "tag": None}),
    }
    for shell, (frozen, fields) in expected.items():
        built = shell()
        for name, value in fields.items():
            setattr(built, name, value)
        built.__class__ = frozen
        assert type(built) is frozen and built == frozen(**fields) and hash(built) == hash(frozen(**fields))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(built, next(iter(fields)), None)


def parses(load: Callable[[str], object], text: str) -> bool:
    try:
        load(text)
    except ManifestError:
        return False
    return True


YAML_TEXTS = [
    "a: b\nc: [s3:GetObject, 'x:y']\n",
    "a: !Ref B\nc: !Sub '${X}'\n",
    "a: [unclosed\n",
    "a: &x [1, 2]\nb: *x\n",
    "b: *missing\n",
    "? [a, b]\n: c\n",
    "[a]: b\n",
    "---\na: 1\n" * 120,
    "k: " + "[" * 70 + "]" * 70 + "\n",
    "".join(" " * depth + f"k{depth}:\n" for depth in range(70)) + " " * 70 + "v: 1\n",
    "a: !t:x b\n",
    "",
    "plain text only\n",
]


@pytest.mark.parametrize("text", YAML_TEXTS)
def test_yaml_quick_check_never_vouches_for_a_text_that_fails_to_load(text: str) -> None:
    if yaml_quick_check(text, LIMITS):
        assert parses(lambda t: load_yaml(t, LIMITS), text)


def test_yaml_quick_check_vouches_for_ordinary_manifests() -> None:
    assert yaml_quick_check("service: s\nprovider:\n  iam: [s3:GetObject]\n  env:\n    - A: b\n", LIMITS)
    assert not yaml_quick_check("a: [unclosed\n", LIMITS)
    assert not yaml_quick_check("a: &x [1]\nb: *x\n", LIMITS)


JSON_TEXTS = [
    '{"a": [1, 2, {"b": null}]}',
    '{"a": NaN}',
    '{"a": 1,}',
    "// comment\n{}",
    '{"a": ' * 70 + "1" + "}" * 70,
    "",
    "[1, 2",
]


@pytest.mark.parametrize("text", JSON_TEXTS)
def test_json_quick_check_never_vouches_for_a_text_that_fails_to_load(text: str) -> None:
    if json_quick_check(text, LIMITS):
        assert parses(lambda t: load_json(t, LIMITS, allow_comments=True), text)


def test_json_quick_check_vouches_for_plain_json_within_the_depth_limit() -> None:
    assert json_quick_check('{"Values": {"A": "b"}, "List": [[1], [2]]}', LIMITS)
    assert not json_quick_check('{"a": ' * 70 + "1" + "}" * 70, LIMITS)
