"""What every platform module provides, and the small tree helpers they share.

A platform module answers four questions about its manifests: is this file one of mine (cheaply, from the
name and first bytes, then from the parsed documents); what does each scalar mean (the name it is judged
under, whether it lands in a function's environment); which other values does a reference inside the same
file point at; and how is a literal replaced by the platform's own safe reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol, TypeGuard, runtime_checkable

from bot.core.config import ScanLimits
from bot.core.tree import Document, KeyPath, Mapping, Node, Scalar
from bot.core.tree import Sequence as SeqNode


class Format(StrEnum):
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    CODE = "code"  # serverless.ts / serverless.js: scanned for string literals, never executed


class Role(StrEnum):
    """Where a value ends up, which decides the message and the fix."""

    ENV_VAR = "env-var"  # one function's environment
    SHARED_ENV = "shared-env"  # every function's environment (provider.environment, SAM Globals)
    PARAM_DEFAULT = "param-default"  # CloudFormation Parameters.<P>.Default
    PARAM = "param"  # Serverless params / stages.*.params, samconfig parameter_overrides
    SETTING = "setting"  # app settings files (local.settings.json Values, env-vars files)
    OTHER = "other"


class Site(NamedTuple):
    """What a scalar at a key path means on this platform."""

    key: str  # the name the value is judged and named under (leaf key, list entry name, parameter name)
    role: Role = Role.OTHER
    pairs: bool = False  # the value is a list of Key=value pairs (samconfig parameter_overrides)


def key_site(key: str) -> Site:
    """`Site(key)`, made without the named tuple's Python-level `__new__`, which cost more than finding the
    key: most values get this site (issue 16). Checked against `Site`'s fields when the module loads."""
    return _new_tuple(Site, (key, Role.OTHER, False))


_new_tuple = tuple.__new__
if Site._fields != ("key", "role", "pairs") or Site._field_defaults != {"role": Role.OTHER, "pairs": False}:
    raise TypeError("bot.core.manifests.base.key_site is out of date with Site")


@dataclass(frozen=True, slots=True)
class Naming:
    """Facts from the whole manifest used to name the stored secret (`/<service>/<stage>/<key>`)."""

    service: str = ""
    stage: str = ""
    legacy_ssm: bool = False  # a Serverless v1/v2 service, where `~true` is still understood


class Target(NamedTuple):
    """A value that a reference in the same file points at, and who consumes it."""

    doc_index: int
    path: KeyPath
    consumer: str  # the key (usually an environment variable) whose value resolves to the target
    consumer_role: Role = Role.OTHER
    whole: bool = True  # False when the target is only part of the consumer's value (a `!Sub` placeholder)


class Advice(NamedTuple):
    """A low-severity finding that is about where a value is used, not about the value itself."""

    rule: str
    doc_index: int
    path: KeyPath
    node: Node
    message: str
    replacement_value: str | None = None  # the scalar's new value, when a one-line fix exists
    hint: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


class Platform(Protocol):
    id: str
    serverless_variables: bool  # whether `${source:address}` is the platform's variable syntax
    lambda_env: bool  # whether environment values end up in AWS Lambda's configuration
    docs: str
    note: str  # said once in every finding's message, e.g. that the file belongs in .gitignore

    def claims(self, path: str, name: str, head: str) -> Format | None:
        """Cheap: the format this file is parsed as, if it is this platform's manifest."""
        ...

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        """After parsing: True unless the content shows the name was misleading."""
        ...

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        """True when the values are ciphertext (`IsEncrypted: true`): nothing in them is plaintext."""
        ...

    def site(self, doc: Document, path: KeyPath) -> Site: ...

    def naming(self, path: str, docs: Sequence[Document]) -> Naming: ...

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        """Literal values that references elsewhere in the file resolve to."""
        ...

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        """Document-level advice (per-value advice is shared, in `manifests.common`)."""
        ...

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        """The safe value that replaces a literal, or None when the fix is to remove the entry."""
        ...

    def secret_name(self, naming: Naming, key: str) -> str: ...

    def store_command(self, secret_name: str, env: str) -> str | None: ...

    def hint(self, secret_name: str, env: str, site: Site) -> str: ...


@runtime_checkable
class SelfParsing(Protocol):
    """A platform whose format no shared parser reads (HCL, `.arc`, dotenv) parses its files itself.

    `load` returns position-carrying documents and raises ManifestError like the shared parsers do."""

    def load(self, text: str, limits: ScanLimits) -> list[Document]: ...


def is_self_parsing(platform: object) -> TypeGuard[SelfParsing]:
    """`isinstance(platform, SelfParsing)` without the runtime protocol check, which lists the protocol's
    members at each call (about 10 us, once per file: issue 16). The same two tests: the class defines a
    `load` that is not None (first in its MRO), or the object has one. tests/core/test_self_parsing.py
    compares the two."""
    for base in type(platform).__mro__:
        if "load" in base.__dict__:
            if base.__dict__["load"] is not None:
                return True
            break
    return getattr(platform, "load", None) is not None


_INTRINSIC = re.compile(r"^(?:Fn::\w+|Ref|Condition)$")
_INTRINSIC_STARTS = ("Fn::", "Ref", "Condition")  # what `_INTRINSIC` can match starts with one of them
_NAME_KEYS = ("name", "Name", "key", "Key", "variable", "ParameterKey", "OptionName")
_VALUE_KEYS = ("value", "Value", "ParameterValue")


def leaf_key(path: KeyPath) -> str:
    """The nearest string key that is not a CloudFormation intrinsic or a list index."""
    for part in reversed(path):
        # The regex only for a key that can match it: this runs once per value (issue 16).
        if isinstance(part, str) and not (part.startswith(_INTRINSIC_STARTS) and _INTRINSIC.match(part)):
            return part
    return ""


def entry_name(doc: Document, path: KeyPath) -> str | None:
    """For `- name: X` / `value: Y` list entries (and Key/Value tags), the entry's name X."""
    if len(path) < 2 or path[-1] not in _VALUE_KEYS or not isinstance(path[-2], int):
        return None
    entry = doc.lookup(path[:-1])
    if not isinstance(entry, Mapping):
        return None
    for name_key in _NAME_KEYS:
        node = entry.get(name_key)
        if isinstance(node, Scalar) and isinstance(node.value, str):
            return node.value
    return None


def generic_key(doc: Document, path: KeyPath) -> str:
    """`entry_name` or else `leaf_key`; a last key that is a plain string is answered here, as most are
    (issue 16: once per value)."""
    if path:
        last = path[-1]
        if last in _VALUE_KEYS:
            name = entry_name(doc, path)
            if name:
                return name
        elif type(last) is str and not last.startswith(_INTRINSIC_STARTS):
            return last
    return leaf_key(path)


def generic_site(doc: Document, path: KeyPath) -> Site:
    """`key_site(generic_key(doc, path))` in one call: a last key that is a plain string, neither a value
    key nor an intrinsic, is the key of most values' site (issue 16: once per value, two calls fewer).
    tests/core/test_site_fast.py compares the two."""
    if path:
        last = path[-1]
        if type(last) is str and last not in _VALUE_KEYS and not last.startswith(_INTRINSIC_STARTS):
            return _new_tuple(Site, (last, Role.OTHER, False))
    return key_site(generic_key(doc, path))


def text_at(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def has_reference_markers(text: str) -> bool:
    return "${" in text or "{{" in text or "@Microsoft" in text


def scalars_under(node: Node, path: KeyPath) -> Iterator[tuple[KeyPath, Scalar]]:
    """Every scalar below `node` (which sits at `path`), for a reference that names a whole mapping."""
    if isinstance(node, Scalar):
        yield path, node
    elif isinstance(node, Mapping):
        for key, value in node.items:
            yield from scalars_under(value, (*path, str(key.value)))
    elif isinstance(node, SeqNode):
        for index, item in enumerate(node.items):
            yield from scalars_under(item, (*path, index))


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def kebab(key: str) -> str:
    """`GITHUB_API_KEY`, `githubApiKey`, `Github.ApiKey` -> `github-api-key`."""
    spaced = _CAMEL.sub("-", key)
    return _NON_ALNUM.sub("-", spaced).strip("-").lower() or "secret"


def env_name(key: str) -> str:
    """The shell variable a store command reads the value from: `apiKey` -> `API_KEY`."""
    name = kebab(key).replace("-", "_").upper()
    return name if not name[0].isdigit() else f"_{name}"
