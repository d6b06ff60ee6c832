"""The sites of CloudFormation and Serverless values test the section first, and `leaf_key` runs its regex
only on keys that can match it (issue 16: they run once per value). Each must give the site the plain
sequence of tests below (the code they replaced) gives, for every path of random documents. A Serverless
address without `${` is split without being analysed: as it was split when it was."""

from __future__ import annotations

import random
import re

import pytest

from bot.core.config import ScanConfig
from bot.core.manifests import base, cloudformation, serverless
from bot.core.manifests.base import Role, Site, entry_name, has_reference_markers, text_at
from bot.core.manifests.cloudformation import cfn_site
from bot.core.references import analyze
from bot.core.tree import Document, KeyPath
from bot.core.yamlsafe import load_yaml
from tests.core import randomtrees

_INTRINSIC = re.compile(r"^(?:Fn::\w+|Ref|Condition)$")


def _leaf_key(path: KeyPath) -> str:
    for part in reversed(path):
        if isinstance(part, str) and not _INTRINSIC.match(part):
            return part
    return ""


def _generic_key(doc: Document, path: KeyPath) -> str:
    return entry_name(doc, path) or _leaf_key(path)


def _cfn_site(doc: Document, path: KeyPath, base: int = 0) -> Site:
    rel = path[base:]
    if len(rel) == 3 and rel[0] == "Parameters" and rel[2] == "Default":
        return Site(str(rel[1]), Role.PARAM_DEFAULT)
    if len(rel) == 5 and rel[:4] == ("Globals", "Function", "Environment", "Variables"):
        return Site(str(rel[4]), Role.SHARED_ENV)
    if len(rel) == 6 and rel[0] == "Resources" and rel[2:5] == ("Properties", "Environment", "Variables"):
        resource = doc.lookup(path[: base + 2])
        kind = str(cloudformation._type_of(resource) if resource else "")
        return Site(str(rel[5]), Role.ENV_VAR if kind in cloudformation._LAMBDA_TYPES else Role.OTHER)
    if len(rel) == 3 and rel[0] == "Outputs" and rel[2] == "Value":
        return Site(str(rel[1]))
    if len(rel) == 4 and rel[0] == "Resources" and rel[2:] == ("Properties", "Value"):
        resource = doc.lookup(path[: base + 2])
        if resource is not None and cloudformation._type_of(resource) == "AWS::ApiGateway::ApiKey":
            return Site("ApiKeyValue")
        name = text_at(doc.lookup((*path[:-1], "Name")))
        if name and not has_reference_markers(name):
            return Site(name.rstrip("/").rsplit("/", 1)[-1])
    return Site(_generic_key(doc, path))


def _serverless_site(doc: Document, path: KeyPath) -> Site:
    size = len(path)
    if size == 3 and path[:2] == ("provider", "environment"):
        return Site(str(path[2]), Role.SHARED_ENV)
    if size == 4 and path[0] == "functions" and path[2] == "environment":
        return Site(str(path[3]), Role.ENV_VAR)
    if (size == 3 and path[0] == "params") or (size == 4 and path[0] == "stages" and path[2] == "params"):
        return Site(str(path[-1]), Role.PARAM)
    if size > 3 and path[:3] == ("provider", "apiGateway", "apiKeys") and path[-1] == "value":
        return serverless._api_key_site(doc, path)
    if size > 1 and path[0] == "resources":
        return _cfn_site(doc, path, base=1)
    return Site(_generic_key(doc, path))


_SECTIONS = (
    ("Resources", "Fn"), ("Resources", "Fn", "Properties", "Environment", "Variables"), ("Resources", 0),
    ("Globals", "Function", "Environment", "Variables"), ("Parameters",), ("Outputs",), ("provider",),
    ("provider", "environment"), ("provider", "apiGateway", "apiKeys"), ("functions", "f", "environment"),
    ("stages", "dev", "params"), ("params",), ("resources",), ("resources", "Resources", "Fn"),
)  # fmt: skip


def _with_sections(rng: random.Random, doc: Document) -> list[KeyPath]:
    """The document's paths, and their first steps under each section a site gives a meaning to."""
    found = randomtrees.paths(doc.root)
    for path in list(found):
        found.append((*rng.choice(_SECTIONS), *path[rng.randint(0, len(path)) :]))
    return found


@pytest.mark.parametrize("seed", range(150))
def test_sites_of_random_documents_are_those_of_the_plain_tests(seed: int) -> None:
    rng = random.Random(seed)
    doc = randomtrees.document(rng)
    platform = serverless.PLATFORM
    for path in _with_sections(rng, doc):
        assert base.leaf_key(path) == _leaf_key(path)
        assert base.generic_key(doc, path) == _generic_key(doc, path)
        assert base.generic_site(doc, path) == Site(_generic_key(doc, path))
        assert cfn_site(doc, path) == _cfn_site(doc, path)
        assert cfn_site(doc, path, 1) == _cfn_site(doc, path, 1)
        assert platform.site(doc, path) == _serverless_site(doc, path)


@pytest.mark.parametrize(
    "path",
    [
        ("Parameters", "DbPassword", "Default"),
        ("Globals", "Function", "Environment", "Variables", "KEY"),
        ("Resources", "Fn", "Properties", "Environment", "Variables", "KEY"),
        ("Outputs", "Out", "Value"),
        ("Resources", "Key", "Properties", "Value"),
        ("Resources", "Fn", "Properties", "Tags", 0, "Value"),
        ("Resources", "Fn", "Properties", "Tags", 0, "Key"),
        ("Resources", "Fn", "Properties", "Tags", 0),
        ("Resources", "Fn", "Fn::If", 1, "Ref"),
        ("Ref\n",),
        ("Fn::",),
        (),
    ],
)
def test_the_sections_each_site_names(path: KeyPath) -> None:
    text = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Tags: [{Key: Team, Value: core}]
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Name: /a/b, Value: v}
"""
    doc = load_yaml(text, ScanConfig().limits)[0]
    assert cfn_site(doc, path) == _cfn_site(doc, path)
    assert base.generic_site(doc, path) == Site(_generic_key(doc, path))
    nested = ("resources", *path)
    assert serverless.PLATFORM.site(doc, nested) == _serverless_site(doc, nested)


def _address_parts(address: str) -> tuple[str, ...]:
    """`serverless._address_parts` as it was: every address analysed."""
    for variable in reversed(analyze(address).variables):
        address = address[: variable.start] + "*" + address[variable.end :]
    return tuple("*" if "*" in part else part for part in address.split("."))


_ADDRESS_PIECES = (
    "custom",
    ".",
    "${sls:stage}",
    "${self:x}",
    "$",
    "{",
    "}",
    "*",
    "a",
    "${",
    "\\",
    "${opt:r, 'b'}",
)


def test_an_address_is_split_as_when_every_address_was_analysed() -> None:
    rng = random.Random(16)
    for _ in range(3000):
        address = "".join(rng.choice(_ADDRESS_PIECES) for _ in range(rng.randint(0, 6)))
        assert serverless._address_parts(address) == _address_parts(address), address
