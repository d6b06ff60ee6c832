"""Typed reads from a webhook payload: a missing or mistyped field is `MalformedPayload`, never a KeyError.

GitHub's payloads are large and loosely typed JSON; each event module reads only the few fields it needs
through these helpers, so that a payload that is not shaped like GitHub's is answered with 400 by the web
layer instead of crashing a worker later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ZERO_SHA = "0" * 40


class MalformedPayload(ValueError):
    """The payload lacks a field its event always carries; the message names the field, not its value."""


def section(payload: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    """The object at `path` (e.g. "pull_request", "head")."""
    value: Any = payload
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"payload field {'.'.join(path)} is missing or not an object")
    return value


def optional_section(payload: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = payload.get(key)
    return value if isinstance(value, Mapping) else None


def text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"payload field {key} is missing or not a string")
    return value


def optional_text(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) and value else None


def integer(payload: Mapping[str, Any], key: str) -> int:
    value = payload.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedPayload(f"payload field {key} is missing or not an integer")
    return value


def objects(payload: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of objects (e.g. a check suite's `pull_requests`); absent means empty."""
    value = payload.get(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def installation_id(payload: Mapping[str, Any]) -> int | None:
    """The App installation the delivery is for; None when the hook is not an App's (nothing to do)."""
    installation = optional_section(payload, "installation")
    return integer(installation, "id") if installation is not None else None


def repository(payload: Mapping[str, Any]) -> tuple[str, str]:
    """(full name, default branch)."""
    repo = section(payload, "repository")
    return text(repo, "full_name"), optional_text(repo, "default_branch") or "main"


def real_sha(value: str | None) -> str | None:
    """None for GitHub's all-zero SHA (no commit: a created or deleted branch)."""
    return None if value is None or value == ZERO_SHA else value


def linked_pull(payload: Mapping[str, Any], items: list[Mapping[str, Any]]) -> tuple[int, str, str] | None:
    """(number, base ref, base SHA) of the first pull request of this repository a check event names.

    GitHub lists only same-repository PRs there; for a fork's PR the list is empty and the worker finds the
    PR by SHA instead.
    """
    repo_id = section(payload, "repository").get("id")
    for item in items:
        base = section(item, "base")
        base_repo = optional_section(base, "repo")
        if base_repo is not None and repo_id is not None and base_repo.get("id") != repo_id:
            continue
        return integer(item, "number"), text(base, "ref"), text(base, "sha")
    return None
