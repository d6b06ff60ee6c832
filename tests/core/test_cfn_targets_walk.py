"""CloudFormation targets (`cfn_targets`) visit only the nodes that can refer to a parameter or a map
(issue 16): they must be exactly the targets, in the same order, that a walk of every node gives, and the
scan must report a parameter default consumed by `Ref`/`Sub` as before. Fake secrets are built here."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from bot.core.config import ScanConfig
from bot.core.manifests import cloudformation
from bot.core.manifests.base import Target
from bot.core.manifests.cloudformation import cfn_site, cfn_targets
from bot.core.manifests.common import walk_strings
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.core.tree import Document, KeyPath, Mapping, Node, Pos, Scalar, Sequence
from bot.core.yamlsafe import load_yaml
from tests.timing import cpu_seconds

_LIMITS = ScanConfig().limits


def _every_node(node: Node, path: KeyPath) -> Iterator[tuple[KeyPath, Node]]:
    """Every node with its path, in document order: the walk the targets used to make."""
    yield path, node
    if isinstance(node, Mapping):
        for key, value in node.items:
            yield from _every_node(value, (*path, str(key.value)))
    elif isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            yield from _every_node(item, (*path, index))


def _eager_targets(index: int, doc: Document, base: KeyPath) -> list[Target]:
    """The targets as the walk of every node found them, with every `!Sub` text analysed."""
    template = doc.lookup(base)
    assert isinstance(template, Mapping)
    defaults = cloudformation._parameter_defaults(template, base)
    mappings = template.get("Mappings")
    found: list[Target] = []
    for path, node in _every_node(template, base):
        for name, whole in _all_referenced(node):
            if name in defaults:
                site = cfn_site(doc, path)
                found.append(Target(index, defaults[name], site.key, site.role, whole))
        if isinstance(mappings, Mapping):
            for target in cloudformation._map_lookups(node, mappings, (*base, "Mappings")):
                site = cfn_site(doc, path)
                found.append(Target(index, target, site.key, site.role))
    return found


def _all_referenced(node: Node) -> Iterator[tuple[str, bool]]:
    """Every name a node refers to, with no shortcut: every `!Sub` text is analysed."""
    yield from cloudformation._referenced_parameters(node, {"": ()})  # `""` is in every text


_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DbPassword: {Type: String, NoEcho: true, Default: PLACEHOLDER}
  ApiToken: {Type: String, Default: other}
  Unused: {Type: String, Default: x}
  NoDefault: {Type: String}
  SHOUTED: {Type: String, Default: y}
Mappings:
  Env:
    prod: {Key: one, Other: two}
    dev: {Key: three}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          DB_PASSWORD: !Ref DbPassword
          TOKEN: {Ref: ApiToken}
          URL: !Sub 'postgres://admin:${DbPassword}@host/db'
          MIXED: !Sub ['${ApiToken}-${Suffix}', {Suffix: !Ref DbPassword}]
          LONG: {'Fn::Sub': ['${DbPassword}', {X: {'Fn::FindInMap': [Env, prod, Key]}}]}
          MAPPED: !FindInMap [Env, !Ref AWS::Region, Key]
          ANCHORED: &shared !Ref ApiToken
          AGAIN: *shared
          NOTHING: !Sub 'no parameter here ${AWS::Region}'
          LIST: [!Ref DbPassword, plain, {Ref: NoDefault}]
          BARE: !Sub 'x $SHOUTED'
          NUMBER: !Ref 5
Outputs:
  Out: {Value: !Sub '${ApiToken}'}
"""


def _doc(text: str) -> Document:
    return load_yaml(text, _LIMITS)[0]


def test_the_targets_are_those_of_a_walk_of_every_node() -> None:
    doc = _doc(_TEMPLATE)
    found = list(cfn_targets(0, doc, (), cfn_site))
    assert found == _eager_targets(0, doc, ())
    consumers = {target.consumer for target in found}
    expected = {"DB_PASSWORD", "TOKEN", "URL", "MIXED", "LONG", "MAPPED", "ANCHORED", "AGAIN", "Out", "BARE"}
    assert expected <= consumers
    assert "NOTHING" not in consumers


def test_a_serverless_resources_section_is_walked_from_its_base() -> None:
    nested = "service: s\nprovider: {name: aws}\nresources:\n" + "".join(
        f"  {line}\n" for line in _TEMPLATE.splitlines()
    )
    doc = _doc(nested)
    found = list(cfn_targets(0, doc, ("resources",), cfn_site))
    assert found and found == _eager_targets(0, doc, ("resources",))


def _random_node(rng: random.Random, depth: int, names: list[str]) -> Node:
    here = Pos(1, 1)
    choice = rng.random()
    if depth <= 0 or choice < 0.4:
        tag = rng.choice([None, None, "!Ref", "!Sub", "!GetAtt", "!FindInMap"])
        name = rng.choice(names)
        value = rng.choice(
            [name, f"${{{name}}}-x", f"a${{{name}.Arn}}", "plain", f"${{AWS::{name}}}", f"x ${name}", 7, None]
        )
        return Scalar(value, here, here, tag=tag)
    if choice < 0.75:
        keys = rng.sample(["Ref", "Fn::Sub", "Fn::FindInMap", "A", "B", "C"], rng.randint(1, 3))
        pairs = tuple((Scalar(key, here, here), _random_node(rng, depth - 1, names)) for key in keys)
        return Mapping(pairs, here, here)
    tag = rng.choice([None, "!Sub", "!FindInMap", "!Join"])
    items = tuple(_random_node(rng, depth - 1, names) for _ in range(rng.randint(0, 4)))
    return Sequence(items, here, here, tag)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("names", [["Alpha", "Beta", "Gamma", "prod", "Key"], ["ALPHA", "BETA", "Key"]])
def test_random_templates_give_the_targets_of_a_walk_of_every_node(seed: int, names: list[str]) -> None:
    """Names in capitals are also `$NAME` shell references inside a `!Sub`."""
    rng = random.Random(seed)
    here = Pos(1, 1)
    parameters = tuple(
        (
            Scalar(name, here, here),
            Mapping(((Scalar("Default", here, here), Scalar("v", here, here)),), here, here),
        )
        for name in names[:2]
    )
    maps = Mapping(
        (
            (
                Scalar("prod", here, here),
                Mapping(
                    (
                        (
                            Scalar("Key", here, here),
                            Mapping(((Scalar("Key", here, here), Scalar("v", here, here)),), here, here),
                        ),
                    ),
                    here,
                    here,
                ),
            ),
        ),
        here,
        here,
    )
    body = tuple((Scalar(f"R{index}", here, here), _random_node(rng, 4, names)) for index in range(6))
    root = Mapping(
        (
            (Scalar("Parameters", here, here), Mapping(parameters, here, here)),
            (Scalar("Mappings", here, here), maps),
            (Scalar("Resources", here, here), Mapping(body, here, here)),
        ),
        here,
        here,
    )
    doc = Document(root, "")
    assert list(cfn_targets(0, doc, (), cfn_site)) == _eager_targets(0, doc, ())


def test_a_default_consumed_through_ref_and_sub_is_reported_under_its_consumer() -> None:
    password = "".join(random.Random(3).choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(14))
    text = _TEMPLATE.replace("PLACEHOLDER", password).replace("Default: other", "Default: 'no'")
    result = scan_file("template.yaml", text.encode(), ruleset=RuleSet.default(), config=ScanConfig())
    messages = [finding.message for finding in result.findings if finding.line == 3]
    assert messages, result
    assert any("consumed by" in message for message in messages)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("holding", ["${", "Alpha", "${file("])
def test_a_walk_for_strings_holding_a_text_yields_those_of_the_whole_walk(seed: int, holding: str) -> None:
    """Serverless and `${file()}` targets walk only the strings that hold `${` (issue 16)."""
    root = _random_node(random.Random(seed), 5, ["Alpha", "${self:x}", "${file(a.yml)}", "b"])
    every = [(path, node) for path, node in walk_strings(root) if holding in str(node.value)]
    assert list(walk_strings(root, holding=holding)) == every


def _many_defaults_and_subs(count: int) -> bytes:
    """`count` parameters with defaults and `count` !Sub texts that name none of them."""
    parameters = "".join(f"  Pa{i:05d}:\n    Type: String\n    Default: v\n" for i in range(count))
    variables = "".join(f"          PASSWORD{i}: !Sub 'x${{Other}}'\n" for i in range(count))
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n" + parameters + "Resources:\n  Fn:\n"
        "    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n"
        "          DB_PASSWORD: !Ref Pa00001\n" + variables
    ).encode()


def test_many_defaults_and_many_sub_texts_cost_linear_time() -> None:
    """The shortcut that skips a !Sub text naming no parameter with a default tests each default against
    each text; with many of both it would be quadratic, so it is bounded (about 4 when linear, 16 not)."""
    docs = [_doc(_many_defaults_and_subs(count).decode()) for count in (500, 2000)]
    seconds = [cpu_seconds(lambda doc=doc: list(cfn_targets(0, doc, (), cfn_site))) for doc in docs]
    assert seconds[1] / max(seconds[0], 1e-4) < 9
