"""The findings table's filters and sorting, read from the query string: pure, and strict.

Only known parameters with bounded values are accepted (`BadFilter` otherwise, a 400), so that a URL can
neither smuggle text into the page unescaped nor ask for an unbounded amount of work. Whether the person may
see a `repo` named here is the route's business, not this module's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from bot.store import FindingState, StoredFinding

STATES = ("open", "fixed", "acknowledged", "all")
AGES = (0, 7, 30, 90, 365)  # "open for at least N days"
SORTS = ("severity", "age", "repository", "path", "rule", "state")
ORDERS = ("desc", "asc")
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}  # critical: verified active
MAX_VALUE = 200
TEXT_FILTERS = ("repo", "platform", "rule", "severity")


class BadFilter(ValueError):
    """A parameter this page does not know, or a value out of its range; the message names the parameter."""


@dataclass(frozen=True, slots=True)
class Filters:
    repo: str = ""
    platform: str = ""
    rule: str = ""
    severity: str = ""
    state: str = "open"
    age: int = 0
    sort: str = "severity"
    order: str = "desc"

    def query(self, **changes: Any) -> str:
        """This filter (with `changes`) as a query string, without its defaults."""
        chosen = replace(self, **changes)
        defaults = Filters()
        pairs = [
            (name, str(getattr(chosen, name)))
            for name in Filters.__dataclass_fields__
            if getattr(chosen, name) != getattr(defaults, name)
        ]
        return urlencode(pairs)


def parse(params: Mapping[str, str], allowed_extra: Iterable[str] = ()) -> Filters:
    known = set(Filters.__dataclass_fields__) | set(allowed_extra)
    unknown = sorted(set(params) - known)
    if unknown:
        raise BadFilter(f"unknown parameter {unknown[0][:40]!r}")
    values: dict[str, Any] = {}
    for name in TEXT_FILTERS:
        value = params.get(name, "").strip()
        if len(value) > MAX_VALUE or any(ord(char) < 32 for char in value):
            raise BadFilter(f"{name} is too long or holds control characters")
        values[name] = value
    values["state"] = _choice(params, "state", STATES, "open")
    values["sort"] = _choice(params, "sort", SORTS, "severity")
    values["order"] = _choice(params, "order", ORDERS, "desc")
    age = params.get("age", "0") or "0"
    if not age.isdigit() or int(age) not in AGES:
        raise BadFilter("age must be one of " + ", ".join(map(str, AGES)))
    values["age"] = int(age)
    return Filters(**values)


def _choice(params: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, "") or default
    if value not in choices:
        raise BadFilter(f"{name} must be one of {', '.join(choices)}")
    return value


def select(findings: Iterable[StoredFinding], filters: Filters, now: datetime) -> list[StoredFinding]:
    """The findings that pass `filters`, in its order."""
    chosen = [finding for finding in findings if _passes(finding, filters, now)]
    key = _SORT_KEYS[filters.sort]
    chosen.sort(key=lambda finding: (finding.repo, finding.path, finding.line, finding.fingerprint))
    chosen.sort(key=key, reverse=filters.order == "desc")
    return chosen


def _passes(finding: StoredFinding, filters: Filters, now: datetime) -> bool:
    if filters.state != "all" and finding.state is not FindingState(filters.state):
        return False
    for name, value in (
        ("repo", finding.repo),
        ("platform", finding.platform),
        ("rule", finding.rule),
        ("severity", finding.severity),
    ):
        wanted = getattr(filters, name)
        if wanted and wanted != value:
            return False
    return not filters.age or (now - finding.first_seen_at).days >= filters.age


_SORT_KEYS: dict[str, Callable[[StoredFinding], Any]] = {
    "severity": lambda finding: SEVERITY_RANK.get(finding.severity, 0),
    "age": lambda finding: -finding.first_seen_at.timestamp(),  # descending = oldest first
    "repository": lambda finding: finding.repo,
    "path": lambda finding: (finding.repo, finding.path, finding.line),
    "rule": lambda finding: finding.rule,
    "state": lambda finding: finding.state.value,
}
