"""AWS CloudFormation and SAM templates, recognised by content (`AWSTemplateFormatVersion`, the SAM
transform, or `Resources` with `AWS::` types) because `template.yml` is a name many tools share.

Literals hide in `Parameters.<P>.Default` (NoEcho does not protect a default), `Mappings` (reached through
`!FindInMap`), Lambda environments (`Globals` reaches every function) and inside `!Sub`/`!Join` strings. The
fix is a Secrets Manager dynamic reference; `ssm-secure` is rejected in Lambda environments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from bot.core.advisories import NOECHO_MISSING
from bot.core.heuristics import SecretKind, is_plausible_secret_value
from bot.core.manifests.base import (
    Advice,
    Format,
    Naming,
    Role,
    Site,
    Target,
    generic_site,
    has_reference_markers,
    kebab,
    text_at,
)
from bot.core.manifests.common import is_secret_key
from bot.core.manifests.kit import BasePlatform, root_mapping, secretsmanager_create
from bot.core.references import RefKind, analyze
from bot.core.tree import Document, KeyPath, Mapping, Node, Scalar
from bot.core.tree import Sequence as SeqNode

_EXTENSIONS = (".yml", ".yaml", ".json", ".template")
_MARKERS = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless-2016-10-31")
_RESOURCES = re.compile(r"""^["']?Resources["']?\s*:""", re.MULTILINE)
_AWS_TYPE = re.compile(r"""["']?Type["']?\s*:\s*["']?AWS::""")
_TRUE = (True, "true", "True", "TRUE")
_NOT_SECRET_TYPES = ("AWS::", "List<", "Number", "CommaDelimitedList")
_LAMBDA_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


def cfn_site(doc: Document, path: KeyPath, base: int = 0) -> Site:
    """The meaning of a path inside a template whose root sits at `path[:base]`.

    The section (`rel[0]`) is tested first: most values are in none of the four that have a meaning of
    their own (issue 16: this runs once per value). tests/core/test_site_fast.py compares it with the
    plain sequence of tests."""
    rel = path[base:] if base else path
    size = len(rel)
    if size < 3:
        return generic_site(doc, path)
    section = rel[0]
    if section == "Resources":
        if size == 6 and rel[2:5] == ("Properties", "Environment", "Variables"):
            resource = doc.lookup(path[: base + 2])
            lambda_env = str(_type_of(resource) if resource else "") in _LAMBDA_TYPES
            return Site(str(rel[5]), Role.ENV_VAR if lambda_env else Role.OTHER)
        if size == 4 and rel[2:] == ("Properties", "Value"):
            resource = doc.lookup(path[: base + 2])
            if resource is not None and _type_of(resource) == "AWS::ApiGateway::ApiKey":
                return Site("ApiKeyValue")  # the key clients send; its `Name` only labels it
            name = text_at(doc.lookup((*path[:-1], "Name")))
            if name and not has_reference_markers(name):
                return Site(name.rstrip("/").rsplit("/", 1)[-1])
    elif section == "Parameters":
        if size == 3 and rel[2] == "Default":
            return Site(str(rel[1]), Role.PARAM_DEFAULT)
    elif section == "Globals":
        if size == 5 and rel[1:4] == ("Function", "Environment", "Variables"):
            return Site(str(rel[4]), Role.SHARED_ENV)
    elif section == "Outputs" and size == 3 and rel[2] == "Value":
        return Site(str(rel[1]))
    return generic_site(doc, path)


class CloudFormationPlatform(BasePlatform):
    id = "cloudformation"
    lambda_env = True
    docs = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if not name.endswith(_EXTENSIONS):
            return None
        if not (_MARKERS.search(head) or (_RESOURCES.search(head) and _AWS_TYPE.search(head))):
            return None
        if name.endswith(".json") or (name.endswith(".template") and head.lstrip().startswith("{")):
            return Format.JSON
        return Format.YAML

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        root = root_mapping(docs)
        if root is None:
            return False
        if root.get("AWSTemplateFormatVersion") is not None or "Serverless" in str(_transform(root)):
            return True
        resources = root.get("Resources")
        return isinstance(resources, Mapping) and any(
            str(_type_of(resource)).startswith(("AWS::", "Custom::")) for _, resource in resources.items
        )

    # `cfn_site` itself, not a method that calls it: asked once per value (issue 16).
    site = staticmethod(cfn_site)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        parts = path.replace("\\", "/").split("/")
        service = kebab(parts[-2]) if len(parts) > 1 else ""
        return Naming(service=service)

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        for index, doc in enumerate(docs):
            yield from cfn_targets(index, doc, (), self.site)

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        for index, doc in enumerate(docs):
            yield from noecho_advice(index, doc.root, ())

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        if site.role is Role.PARAM_DEFAULT:
            return ""
        return f"{{{{resolve:secretsmanager:{secret_name}}}}}"

    def secret_name(self, naming: Naming, key: str) -> str:
        return "/".join(part for part in (naming.service, naming.stage, kebab(key)) if part)

    def store_command(self, secret_name: str, env: str) -> str:
        return secretsmanager_create(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        if site.role is Role.PARAM_DEFAULT:
            return (
                f"Rotate the exposed value. Remove the Default, keep NoEcho: true and pass the value at "
                f'deploy time (sam deploy --parameter-overrides {site.key}="${env}"), or resolve it where '
                f"it is used with '{{{{resolve:secretsmanager:{secret_name}}}}}'."
            )
        return (
            "Rotate the exposed value, then store the new one in Secrets Manager. Better still, pass only "
            "the secret's name in the environment and read it at runtime (SSMParameterReadPolicy / "
            "secretsmanager:GetSecretValue), so the value never lands in the function configuration."
        )


def _transform(root: Mapping) -> object:
    node = root.get("Transform")
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, SeqNode):
        return [item.value for item in node.items if isinstance(item, Scalar)]
    return None


def _type_of(resource: Node) -> object:
    if isinstance(resource, Mapping):
        node = resource.get("Type")
        return node.value if isinstance(node, Scalar) else None
    return None


def cfn_targets(
    index: int, doc: Document, base: KeyPath, site_of: Callable[[Document, KeyPath], Site]
) -> Iterator[Target]:
    """Parameter defaults reached by `!Ref`/`!Sub`, and `Mappings` values reached by `!FindInMap`."""
    template = doc.lookup(base)
    if not isinstance(template, Mapping):
        return
    defaults = _parameter_defaults(template, base)
    mappings = template.get("Mappings")
    if not defaults and not isinstance(mappings, Mapping):
        return
    for path, node in _referring_nodes(template, base, defaults):
        for name, whole in _referenced_parameters(node, defaults):
            if name in defaults:
                site = site_of(doc, path)
                yield Target(index, defaults[name], site.key, site.role, whole)
        if isinstance(mappings, Mapping):
            for target in _map_lookups(node, mappings, (*base, "Mappings")):
                site = site_of(doc, path)
                yield Target(index, target, site.key, site.role)


# The only nodes that can refer to a parameter or a map: `!Ref`/`!Sub` scalars, `{Ref: ...}`, `{Fn::Sub: ...}`
# and `{Fn::FindInMap: ...}` mappings, `!Sub [...]` and `!FindInMap [...]` lists.
_REFERRING_TAGS = frozenset({"!Ref", "!Sub"})
_REFERRING_KEYS = frozenset({"Ref", "Fn::Sub", "Fn::FindInMap"})
_REFERRING_LIST_TAGS = frozenset({"!Sub", "!FindInMap"})


def _referring_nodes(
    root: Mapping, base: KeyPath, defaults: dict[str, KeyPath]
) -> Iterator[tuple[KeyPath, Node]]:
    """The nodes that may refer to a parameter or a map, with their paths, in document order (the order of
    `walk_nodes`). Most nodes of a template are plain scalars that refer to nothing: their paths are never
    built, and a whole walk of every node was most of the cost of a template's targets (issue 16).

    A `!Ref` scalar or a `{Ref: scalar}` mapping naming none of `defaults` is not yielded (issue 16: the
    commonest referring node): `_referenced_parameters` gives it only its own value, which `cfn_targets`
    drops when not in `defaults` (whose keys are strings, so a number or null is in it never), and
    `_map_lookups` gives it nothing. A `{Ref: ...}` mapping's children are still walked."""
    stack: list[tuple[KeyPath, Node]] = [(base, root)]
    pop, push = stack.pop, stack.append
    while stack:
        path, node = pop()
        if type(node) is Mapping:
            items = node.items
            if (
                len(items) == 1
                and items[0][0].value in _REFERRING_KEYS
                and not _names_no_default(node, defaults)
            ):
                yield path, node
            for key, value in reversed(items):
                if type(value) is not Scalar or value.tag in _REFERRING_TAGS:
                    push(((*path, str(key.value)), value))
        elif type(node) is SeqNode:
            children = node.items
            if node.tag in _REFERRING_LIST_TAGS:
                yield path, node
            for position in range(len(children) - 1, -1, -1):
                child = children[position]
                if type(child) is not Scalar or child.tag in _REFERRING_TAGS:
                    push(((*path, position), child))
        elif node.tag != "!Ref" or (isinstance(node, Scalar) and str(node.value) in defaults):
            yield path, node


def _names_no_default(node: Mapping, defaults: dict[str, KeyPath]) -> bool:
    """Whether `node`, a one-key mapping, is `{Ref: scalar}` naming none of `defaults`."""
    key, value = node.items[0]
    return key.value == "Ref" and type(value) is Scalar and value.value not in defaults


def _parameter_defaults(template: Mapping, base: KeyPath) -> dict[str, KeyPath]:
    parameters = template.get("Parameters")
    found: dict[str, KeyPath] = {}
    if isinstance(parameters, Mapping):
        for key, parameter in parameters.items:
            if isinstance(parameter, Mapping) and text_at(parameter.get("Default")) is not None:
                found[str(key.value)] = (*base, "Parameters", str(key.value), "Default")
    return found


def _referenced_parameters(node: Node, defaults: dict[str, KeyPath]) -> Iterator[tuple[str, bool]]:
    """(parameter name, whether it is the whole value) for `!Ref`/`Ref:` and each `!Sub` placeholder; a
    `!Sub` text that names none of the `defaults` is not analysed (a placeholder's name is part of it)."""
    if isinstance(node, Scalar):
        if node.tag == "!Ref" and isinstance(node.value, str):
            yield node.value, True
        elif node.tag == "!Sub" and isinstance(node.value, str):
            yield from _sub_names(node.value, defaults)
    elif isinstance(node, Mapping) and len(node.items) == 1:
        key, value = node.items[0]
        if key.value == "Ref" and isinstance(value, Scalar) and isinstance(value.value, str):
            yield value.value, True
        elif key.value == "Fn::Sub":
            yield from _sub_template_names(value, defaults)
    elif isinstance(node, SeqNode) and node.tag == "!Sub":
        yield from _sub_template_names(node, defaults)


def _sub_template_names(node: Node, defaults: dict[str, KeyPath]) -> Iterator[tuple[str, bool]]:
    first = node.items[0] if isinstance(node, SeqNode) and node.items else node
    text = text_at(first)
    if text:
        yield from _sub_names(text, defaults)


# Up to this many parameters with defaults, a `!Sub` text naming none of them is not analysed; past it the
# test would cost defaults x texts (a template can hold thousands of both), so every text is analysed.
_FEW_DEFAULTS = 16


def _sub_names(text: str, defaults: dict[str, KeyPath]) -> Iterator[tuple[str, bool]]:
    # Every `SHELL` or `FOREIGN` reference starts at a `$` (`$NAME`, `${NAME...}`, a `${...}` variable):
    # a text without one yields nothing, and is not analysed (issue 16).
    if "$" not in text:
        return
    if len(defaults) <= _FEW_DEFAULTS and not any(name in text for name in defaults):
        return  # every name below is a slice of `text`: none can be a parameter with a default
    whole = len(text.strip())
    for ref in analyze(text).references:
        if ref.kind is RefKind.SHELL or ref.kind is RefKind.FOREIGN:
            yield ref.address.split(".", 1)[0], ref.end - ref.start >= whole


def _map_lookups(node: Node, mappings: Mapping, base: KeyPath) -> Iterator[KeyPath]:
    args: Node | None = None
    if isinstance(node, SeqNode) and node.tag == "!FindInMap":
        args = node
    elif isinstance(node, Mapping) and len(node.items) == 1 and node.items[0][0].value == "Fn::FindInMap":
        args = node.items[0][1]
    if not isinstance(args, SeqNode) or len(args.items) < 3:
        return
    names = [
        text_at(item) if isinstance(item, Scalar) and item.tag is None else None for item in args.items[:3]
    ]
    for map_key, level_one in mappings.items:
        if names[0] not in (None, map_key.value) or not isinstance(level_one, Mapping):
            continue
        for key_one, level_two in level_one.items:
            if names[1] not in (None, key_one.value) or not isinstance(level_two, Mapping):
                continue
            for key_two, value in level_two.items:
                if names[2] in (None, key_two.value) and isinstance(value, Scalar):
                    yield (*base, str(map_key.value), str(key_one.value), str(key_two.value))


def noecho_advice(index: int, template: Node, base: KeyPath) -> Iterator[Advice]:
    """Parameters whose name says secret but that CloudFormation would echo in consoles and API output."""
    parameters = template.get("Parameters") if isinstance(template, Mapping) else None
    if not isinstance(parameters, Mapping):
        return
    for key, parameter in parameters.items:
        name = str(key.value)
        if not isinstance(parameter, Mapping) or not is_secret_key(name):
            continue
        kind = text_at(parameter.get("Type")) or "String"
        no_echo = parameter.get("NoEcho")
        if kind.startswith(_NOT_SECRET_TYPES) or (isinstance(no_echo, Scalar) and no_echo.value in _TRUE):
            continue
        default = parameter.get("Default")
        if isinstance(default, Scalar) and not is_plausible_secret_value(
            str(default.value), SecretKind.SECRET
        ):
            continue
        yield Advice(
            NOECHO_MISSING,
            index,
            (*base, "Parameters", name),
            key,
            f"parameter {name} looks like a secret but has no NoEcho: true; its value shows in the console "
            "and in describe-stacks output",
            hint="Add NoEcho: true to the parameter (and give it no Default).",
        )


PLATFORM = CloudFormationPlatform()
