"""Advice every AWS-backed platform shares, and tree walks the platform modules need.

Three pieces of advice are about how a value is used rather than what it is, so they apply to references
too: a secret in an environment that reaches every function, the v1/v2 `~true` suffix that v3/v4 read as
part of the parameter name, and `{{resolve:ssm-secure:...}}` where Lambda rejects it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.core.advisories import ENV_PROVIDER_WIDE, SSM_LEGACY_SUFFIX, SSM_SECURE_IN_LAMBDA_ENV
from bot.core.heuristics import secret_kind_of_key
from bot.core.manifests.awskeys import is_key_name
from bot.core.manifests.base import Advice, Naming, Platform, Role, Site
from bot.core.references import Analysis, RefKind
from bot.core.tree import KeyPath, Mapping, Node, Scalar

_LEGACY_SUFFIX = re.compile(r"~(?:true|split)$")
_SECURE_ADDRESS_VERSION = re.compile(r":\d+$")
_ENV_ROLES = (Role.ENV_VAR, Role.SHARED_ENV)


def walk_strings(node: Node, path: KeyPath = (), *, holding: str = "") -> Iterator[tuple[KeyPath, Scalar]]:
    """Every string scalar value with its key path, in document order (iterative: depth is bounded anyway).

    `holding`: only the strings that contain it; the paths of the others are never built, which was most of
    the cost of a walk that looks for a few references among every value (issue 16). The test is written
    out in each loop rather than called per node, for the same reason."""
    stack: list[tuple[KeyPath, Node]] = [(path, node)]
    pop, push = stack.pop, stack.append
    while stack:
        current_path, current = pop()
        if isinstance(current, Scalar):
            if isinstance(current.value, str) and holding in current.value:
                yield current_path, current
        elif isinstance(current, Mapping):
            for key, value in reversed(current.items):
                if type(value) is not Scalar or (isinstance(value.value, str) and holding in value.value):
                    push(((*current_path, str(key.value)), value))
        else:
            items = current.items
            for index in range(len(items) - 1, -1, -1):
                item = items[index]
                if type(item) is not Scalar or (isinstance(item.value, str) and holding in item.value):
                    push(((*current_path, index), item))


def is_secret_key(key: str) -> bool:
    return secret_kind_of_key(key) is not None


def scalar_advice(
    platform: Platform,
    doc_index: int,
    path: KeyPath,
    scalar: Scalar,
    site: Site,
    analysis: Analysis,
    naming: Naming,
    has_secret: bool,
) -> Iterator[Advice]:
    """Advice about one value's use; `has_secret` says whether the value holds a secret."""
    user_key = platform.lambda_env and is_key_name(site.key)  # its fix deletes it: nothing left to scope
    if site.role is Role.SHARED_ENV and not user_key and (has_secret or _is_secret_bearing(site, analysis)):
        where = "provider.environment" if platform.serverless_variables else "Globals"
        yield Advice(
            ENV_PROVIDER_WIDE,
            doc_index,
            path,
            scalar,
            f"secret-bearing variable {site.key} in {where} reaches every function; scope it to the "
            "functions that use it",
            hint="Move it to the environment of the functions that need it.",
        )
    if platform.serverless_variables and not naming.legacy_ssm:
        yield from _legacy_suffix(doc_index, path, scalar, analysis)
    if platform.lambda_env and site.role in _ENV_ROLES:
        yield from _secure_in_env(platform, doc_index, path, scalar, site, analysis)


def _is_secret_bearing(site: Site, analysis: Analysis) -> bool:
    if is_secret_key(site.key):
        return True
    return any(
        ref.source in ("secretsmanager", "ssm-secure")
        or ref.address.startswith("/aws/reference/secretsmanager")
        for ref in analysis.references
    )


def _legacy_suffix(doc_index: int, path: KeyPath, scalar: Scalar, analysis: Analysis) -> Iterator[Advice]:
    text = analysis.text
    fixed = text
    for variable in reversed(analysis.variables):
        for inner in variable.walk():
            if inner.source == "ssm" and _LEGACY_SUFFIX.search(inner.address):
                fixed = _drop_suffix(fixed, inner.start, inner.end, inner.address)
    if fixed != text:
        yield Advice(
            SSM_LEGACY_SUFFIX,
            doc_index,
            path,
            scalar,
            "`~true`/`~split` after an SSM path is a Serverless v1/v2 instruction; v3 and v4 read it as part "
            "of the parameter name and the lookup fails (SecureStrings are decrypted automatically)",
            replacement_value=fixed,
        )


def _drop_suffix(text: str, start: int, end: int, address: str) -> str:
    segment = text[start:end]
    position = segment.rfind(address)
    if position < 0:
        return text
    trimmed = _LEGACY_SUFFIX.sub("", address)
    return text[:start] + segment[:position] + trimmed + segment[position + len(address) :] + text[end:]


def _secure_in_env(
    platform: Platform, doc_index: int, path: KeyPath, scalar: Scalar, site: Site, analysis: Analysis
) -> Iterator[Advice]:
    for ref in analysis.references:
        if ref.kind is RefKind.CFN_DYNAMIC and ref.source == "ssm-secure":
            name = _SECURE_ADDRESS_VERSION.sub("", ref.address)
            fixed = None
            if platform.serverless_variables:
                text = analysis.text
                fixed = text[: ref.start] + f"${{ssm:{name}}}" + text[ref.end :]
            yield Advice(
                SSM_SECURE_IN_LAMBDA_ENV,
                doc_index,
                path,
                scalar,
                f"{{{{resolve:ssm-secure:...}}}} is not supported in Lambda environment variables "
                f"({site.key}): the deployment fails",
                replacement_value=fixed,
                hint="Use a Secrets Manager dynamic reference ({{resolve:secretsmanager:...}}) or keep only "
                "the parameter name in the variable and read it at runtime.",
            )
