"""Serverless Framework v3/v4: `serverless.yml|yaml|json` and any YAML/JSON with `service:` + `provider:`.

Secrets live in `provider.environment` (reaches every function), `functions.*.environment`, `custom.**`,
`params.<stage>.*` / `stages.<stage>.params.*` and raw CloudFormation under `resources`. `${self:...}` and
`${param:...}` are followed inside the file, because they often point at a literal in `custom:` or
`params:`. The fix is a `${ssm:/<service>/<stage>/<key>}` reference and an `aws ssm put-parameter` command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.core.manifests.base import (
    Advice,
    Format,
    Naming,
    Role,
    Site,
    Target,
    entry_name,
    generic_site,
    kebab,
    scalars_under,
    text_at,
)
from bot.core.manifests.cloudformation import cfn_site, noecho_advice
from bot.core.manifests.common import walk_strings
from bot.core.manifests.kit import BasePlatform, root_mapping, ssm_put
from bot.core.references import analyze
from bot.core.tree import Document, KeyPath, Mapping, Node, Scalar
from bot.core.tree import Sequence as SeqNode
from bot.core.variables import Variable

_NAMES = {"serverless.yml": Format.YAML, "serverless.yaml": Format.YAML, "serverless.json": Format.JSON}
# Each line pattern with its word: `re` finds no literal to skip ahead to in a pattern led by `^`, and tries
# it at every character of the head; the word, absent from most files' heads, is found in C (issue 16).
# A line start is the text's start or a `\n`: the word after one (not merely in the head) is the cheap test.
_YAML_MARKERS = (
    ("service", "\nservice", re.compile(r"^service\s*:", re.MULTILINE)),
    ("provider", "\nprovider", re.compile(r"^provider\s*:", re.MULTILINE)),
)
_JSON_MARKERS = (re.compile(r'"service"\s*:'), re.compile(r'"provider"\s*:'))
_LEGACY_VERSION = re.compile(r"^\D*[12](?:\.|$|\D)")
_FOLLOWED = ("self", "param")
_MAX_HOPS = 16
_MAX_LOOK_THROUGH = 4  # `${self:}` values looked through within one address (wildcards may branch)
_MAX_TARGETS = 500


class ServerlessPlatform(BasePlatform):
    id = "serverless"
    serverless_variables = True
    lambda_env = True
    docs = "https://www.serverless.com/framework/docs/guides/variables/aws/ssm"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if name in _NAMES:
            return _NAMES[name]
        if name.endswith((".yml", ".yaml")) and all(
            (head.startswith(word) or line in head) and marker.search(head)
            for word, line, marker in _YAML_MARKERS
        ):
            return Format.YAML
        if name.endswith(".json") and all(marker.search(head) for marker in _JSON_MARKERS):
            return Format.JSON
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        if path.rsplit("/", 1)[-1] in _NAMES:
            return True
        root = root_mapping(docs)
        return root is not None and root.get("service") is not None and root.get("provider") is not None

    def site(self, doc: Document, path: KeyPath) -> Site:
        # The top-level section is tested first: most values are in none that has a meaning of its own
        # (issue 16: this runs once per value). tests/core/test_site_fast.py compares it with the plain tests.
        size = len(path)
        section = path[0] if size else None
        if section == "provider":
            if size == 3 and path[1] == "environment":
                return Site(str(path[2]), Role.SHARED_ENV)
            if size > 3 and path[1:3] == ("apiGateway", "apiKeys") and path[-1] == "value":
                return _api_key_site(doc, path)
        elif section == "functions":
            if size == 4 and path[2] == "environment":
                return Site(str(path[3]), Role.ENV_VAR)
        elif section == "params":
            if size == 3:
                return Site(str(path[-1]), Role.PARAM)
        elif section == "stages":
            if size == 4 and path[2] == "params":
                return Site(str(path[-1]), Role.PARAM)
        elif section == "resources" and size > 1:
            return cfn_site(doc, path, base=1)
        return generic_site(doc, path)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        root = root_mapping(docs)
        if root is None:
            return Naming()
        service_node = root.get("service")
        service = text_at(service_node)
        if isinstance(service_node, Mapping):
            service = text_at(service_node.get("name"))
        provider = root.get("provider")
        stage = text_at(provider.get("stage")) if isinstance(provider, Mapping) else None
        version = root.get("frameworkVersion")
        legacy = isinstance(version, Scalar) and bool(_LEGACY_VERSION.match(str(version.value)))
        return Naming(_literal_name(service), _literal_name(stage), legacy)

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        for index, doc in enumerate(docs):
            if "self:" not in doc.text and "param:" not in doc.text:
                continue
            for path, scalar in walk_strings(doc.root, holding="${"):
                text = scalar.value
                assert isinstance(text, str)
                if "${" not in text or ("self:" not in text and "param:" not in text):
                    continue  # `self:` may be a bare fallback: `${env:X, self:custom.x}`
                site = self.site(doc, path)
                for variable in analyze(text).variables:
                    for target in _follow(doc, variable, set(), 0):
                        yield Target(index, target, site.key, site.role)

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        for index, doc in enumerate(docs):
            resources = doc.lookup(("resources",))
            if isinstance(resources, Mapping):
                yield from noecho_advice(index, resources, ("resources",))

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return f"${{ssm:{secret_name}}}"

    def secret_name(self, naming: Naming, key: str) -> str:
        parts = [part for part in (naming.service, naming.stage, kebab(key)) if part]
        return "/" + "/".join(parts)

    def store_command(self, secret_name: str, env: str) -> str:
        return ssm_put(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        scope = " and scope it to the functions that use it" if site.role is Role.SHARED_ENV else ""
        return (
            f"Rotate the exposed value, store the new one in SSM{scope}. Better still, keep only the name "
            f"in the manifest ({env}_PARAM: {secret_name}), grant ssm:GetParameter on it and read it at "
            "runtime, so the value never lands in the function configuration."
        )


def _api_key_site(doc: Document, path: KeyPath) -> Site:
    """A `- name: x` + `value: ...` API Gateway key, named after its entry so that two keys never share one
    stored secret; bare `- x` entries and `name:` fields are key names, never judged as keys."""
    label = _literal_name(entry_name(doc, path)) or str(path[-2])
    return Site(f"{label} apiKey", Role.OTHER)


def _literal_name(value: str | None) -> str:
    if not value or "${" in value or "{{" in value:
        return ""
    return kebab(value)


def _follow(doc: Document, variable: Variable, seen: set[KeyPath], hops: int) -> Iterator[KeyPath]:
    """Scalars a `${self:}`/`${param:}` variable resolves to inside the file, through chains of them."""
    if hops > _MAX_HOPS:
        return
    for nested in variable.walk():
        if nested.source not in _FOLLOWED:
            continue
        for path, node in _resolve(doc, nested):
            for scalar_path, scalar in scalars_under(node, path):
                if scalar_path in seen or len(seen) >= _MAX_TARGETS:
                    continue
                seen.add(scalar_path)
                yield scalar_path
                if isinstance(scalar.value, str) and "${" in scalar.value:
                    for inner in analyze(scalar.value).variables:
                        yield from _follow(doc, inner, seen, hops + 1)


def _resolve(doc: Document, variable: Variable) -> Iterator[tuple[KeyPath, Node]]:
    if variable.source == "self":
        address = variable.address.strip()
        if address:
            yield from _find(doc.root, doc.root, _address_parts(address), (), 0)
        return
    name = variable.address.strip()
    if not name or "${" in name:
        return
    yield from _find(doc.root, doc.root, ("params", "*", name), (), 0)
    yield from _find(doc.root, doc.root, ("stages", "*", "params", name), (), 0)


def _address_parts(address: str) -> tuple[str, ...]:
    """`custom.${sls:stage}.key` -> ("custom", "*", "key"): a nested variable matches any key."""
    parts: list[str] = []
    # A variable starts with `${`: most addresses have none, and are not analysed (issue 16).
    for variable in reversed(analyze(address).variables if "${" in address else ()):
        address = address[: variable.start] + "*" + address[variable.end :]
    for part in address.split("."):
        parts.append("*" if "*" in part else part)
    return tuple(parts)


def _find(
    root: Node, node: Node, parts: tuple[str, ...], path: KeyPath, hops: int
) -> Iterator[tuple[KeyPath, Node]]:
    """Nodes at `parts` below `node`; a value that is itself `${self:x}` is looked through, so that
    `${self:custom.base.key}` with `base: ${self:custom.level2}` reaches `custom.level2.key`."""
    if not parts:
        yield path, node
        return
    head, rest = parts[0], parts[1:]
    if isinstance(node, Mapping):
        for key, value in node.items:
            if head == "*" or key.value == head:
                yield from _find(root, value, rest, (*path, str(key.value)), hops)
    elif isinstance(node, SeqNode) and (head == "*" or head.isdigit()):
        for index, item in enumerate(node.items):
            if head == "*" or int(head) == index:
                yield from _find(root, item, rest, (*path, index), hops)
    elif isinstance(node, Scalar) and isinstance(node.value, str) and hops < _MAX_LOOK_THROUGH:
        address = _whole_self_address(node.value)
        if address:
            yield from _find(root, root, (*_address_parts(address), *parts), (), hops + 1)


def _whole_self_address(text: str) -> str | None:
    """The address of a value that is exactly one `${self:address}` variable."""
    if not (text.startswith("${self:") and text.endswith("}")):
        return None
    variables = analyze(text).variables
    if len(variables) != 1 or (variables[0].start, variables[0].end) != (0, len(text)):
        return None
    return variables[0].address.strip() or None


PLATFORM = ServerlessPlatform()
