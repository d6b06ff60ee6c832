"""Random manifest trees for differential tests of the walks and sites that run once per value (issue 16):
keys from the words the platforms give a meaning to, CloudFormation intrinsics and tags, list entries,
and scalars of every type. The values are placeholders, never secrets."""

from __future__ import annotations

import random

from bot.core.tree import Document, KeyPath, Mapping, Node, Pos, Scalar, Sequence

# Words the Serverless and CloudFormation sites test for, intrinsic names, and plain keys.
KEYS = (
    "provider", "environment", "functions", "params", "stages", "resources", "apiGateway", "apiKeys",
    "value", "Value", "ParameterValue", "name", "Name", "key", "Key", "ParameterKey", "Resources",
    "Properties", "Environment", "Variables", "Parameters", "Default", "Globals", "Function", "Outputs",
    "Type", "Ref", "Condition", "Fn::Join", "Fn::If", "Fn::Sub", "Fn::GetAtt", "Fn::FindInMap",
    "Fn::Select", "Fn::Split", "Fn::", "Fn::x-y", "Ref\n", "Refx", "Conditions", "F", "", "API_KEY", "db",
)  # fmt: skip
TAGS = (None, None, None, "!Ref", "!Sub", "!Join", "!GetAtt", "!FindInMap", "!If", "!Select", "!Split")
TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::ApiGateway::ApiKey", "AWS::S3::Bucket")
_HERE = Pos(1, 1)


def scalar(rng: random.Random) -> Scalar:
    choices = [rng.choice(KEYS), rng.choice(TYPES), "x/${a}/b", "a/b/", "{{resolve:x}}", 12345678, 7, True]
    value: str | int | float | bool | None = rng.choice([*choices, 1.5, None])
    return Scalar(value, _HERE, _HERE, tag=rng.choice(TAGS))


def node(rng: random.Random, depth: int) -> Node:
    """A random node at most `depth` levels deep."""
    choice = rng.random()
    if depth <= 0 or choice < 0.35:
        return scalar(rng)
    if choice < 0.75:
        keys = rng.sample(KEYS, rng.randint(1, 5))
        pairs = tuple((Scalar(key, _HERE, _HERE), node(rng, depth - 1)) for key in keys)
        return Mapping(pairs, _HERE, _HERE, rng.choice((None, None, "!Sub")))
    items = tuple(node(rng, depth - 1) for _ in range(rng.randint(0, 4)))
    return Sequence(items, _HERE, _HERE, rng.choice(TAGS))


def document(rng: random.Random, depth: int = 7) -> Document:
    """A document whose top level holds the sections the sites look at, each filled at random."""
    sections = rng.sample(KEYS, rng.randint(1, 8))
    pairs = tuple((Scalar(key, _HERE, _HERE), node(rng, depth)) for key in sections)
    return Document(Mapping(pairs, _HERE, _HERE), "")


def paths(root: Node, path: KeyPath = ()) -> list[KeyPath]:
    """Every node's path, and a path below each scalar (which leads nowhere)."""
    found = [path]
    if isinstance(root, Mapping):
        for key, value in root.items:
            found.extend(paths(value, (*path, str(key.value))))
    elif isinstance(root, Sequence):
        for index, item in enumerate(root.items):
            found.extend(paths(item, (*path, index)))
    else:
        found.append((*path, "Value"))
    return found
