"""Rule tables (bot/rules/default.toml and a repository's `rules.custom`) to `Rule` objects.

Every problem is a `RuleError` that names the field (`rules.custom[2].regex: ...`), because custom rules come
from repositories we do not control and their authors need to know exactly what to fix. Examples in the
tables are templates (`ghp_{alnum:36}`) expanded here, so no real-looking secret is ever committed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import re2

from bot.core.findings import Severity
from bot.core.heuristics import SecretKind
from bot.core.rulemodel import DeferredPattern, Pattern, Rule, RuleError, RuleKind, compile_pattern

if TYPE_CHECKING:
    import random  # examples are expanded only when rules are checked, not at start-up (issue 16)

_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELDS = frozenset(
    {
        "id", "description", "severity", "kind", "keywords", "regex", "min_entropy", "allowlist", "docs",
        "examples", "counter_examples", "key_regex", "key_kinds", "min_length",
        "secret_kind",
    }
)  # fmt: skip


def compile_rule(raw: Mapping[str, Any], *, where: str, built_in: bool = False) -> Rule:
    """One rule table to a `Rule`; every problem is a `RuleError` naming the field. The patterns of a
    `built_in` table are compiled on first use (`DeferredPattern`), a custom rule's here."""
    fields = _Fields(raw, where, deferred=built_in)
    kind = fields.choice("kind", RuleKind, default=RuleKind.TOKEN)
    key_pattern = fields.regex("key_regex") if "key_regex" in raw else None
    key_kinds = tuple(SecretKind(item) for item in fields.choices("key_kinds", SecretKind))
    if kind is RuleKind.KEYED and key_pattern is None and not key_kinds:
        raise RuleError(f"{where}.key_regex", "a keyed rule needs key_regex or key_kinds")
    secret_kind = fields.choice("secret_kind", SecretKind, default=None) if "secret_kind" in raw else None
    if kind is RuleKind.TOKEN and "regex" not in raw:
        raise RuleError(f"{where}.regex", "required")
    severity = fields.choice("severity", Severity, default=Severity.MEDIUM)
    if severity is Severity.CRITICAL:  # a pattern cannot tell a live key from a revoked one
        raise RuleError(f"{where}.severity", "critical is given only by verification (docs/verification.md)")
    return Rule(
        id=fields.rule_id(),
        description=fields.text("description", required=True),
        severity=severity,
        kind=kind,
        keywords=tuple(keyword.lower() for keyword in fields.texts("keywords")),
        pattern=fields.regex("regex") if "regex" in raw else compile_pattern(r"(?s).+"),
        min_entropy=fields.number("min_entropy"),
        allowlist=tuple(fields.regex_list("allowlist")),
        docs=fields.text("docs"),
        examples=tuple(fields.texts("examples")),
        counter_examples=tuple(fields.texts("counter_examples")),
        key_pattern=key_pattern,
        key_kinds=key_kinds,
        min_length=fields.whole_number("min_length", default=1),
        secret_kind=secret_kind,
    )


class _Fields:
    """Typed access to one raw rule table; each accessor raises a `RuleError` naming its field."""

    def __init__(self, raw: Mapping[str, Any], where: str, *, deferred: bool) -> None:
        if not isinstance(raw, Mapping):
            raise RuleError(where, "must be a table of rule fields")
        for name in raw:
            if name not in _FIELDS:
                raise RuleError(f"{where}.{name}", "unknown field")
        self._raw = raw
        self._where = where
        self._deferred = deferred

    def _field(self, name: str) -> str:
        return f"{self._where}.{name}"

    def rule_id(self) -> str:
        value = self.text("id", required=True)
        if not _RULE_ID.fullmatch(value):
            raise RuleError(self._field("id"), "must be kebab-case, like 'my-api-key'")
        return value

    def text(self, name: str, *, required: bool = False) -> str:
        value = self._raw.get(name, "")
        if not isinstance(value, str) or (required and not value):
            raise RuleError(
                self._field(name), "must be a non-empty string" if required else "must be a string"
            )
        return value

    def texts(self, name: str) -> list[str]:
        value = self._raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise RuleError(self._field(name), "must be a list of strings")
        return value

    def choice(self, name: str, choices: type[StrEnum], *, default: Any) -> Any:
        value = self._raw.get(name, default)
        allowed = [item.value for item in choices]
        if value not in allowed:
            raise RuleError(self._field(name), f"must be one of {', '.join(allowed)}")
        return choices(value)

    def choices(self, name: str, choices: type[StrEnum]) -> list[str]:
        values = self.texts(name)
        allowed = [item.value for item in choices]
        for index, value in enumerate(values):
            if value not in allowed:
                raise RuleError(f"{self._field(name)}[{index}]", f"must be one of {', '.join(allowed)}")
        return values

    def number(self, name: str) -> float | None:
        value = self._raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 8:
            raise RuleError(self._field(name), "must be a number from 0 to 8")
        return float(value)

    def whole_number(self, name: str, *, default: int) -> int:
        value = self._raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RuleError(self._field(name), "must be a whole number of at least 1")
        return value

    def regex(self, name: str) -> Pattern:
        return self._compiled(self.text(name, required=True), self._field(name))

    def regex_list(self, name: str) -> Iterator[Pattern]:
        for index, pattern in enumerate(self.texts(name)):
            yield self._compiled(pattern, f"{self._field(name)}[{index}]")

    def _compiled(self, pattern: str, field: str) -> Pattern:
        if self._deferred:
            return DeferredPattern(pattern)
        try:
            return compile_pattern(pattern)
        except re2.error as error:
            raise RuleError(field, f"the pattern does not compile ({_regex_reason(error)})") from None


def _regex_reason(error: Exception) -> str:
    """The compiler's reason without the pattern fragment RE2 appends to it."""
    raw = error.args[0] if error.args else "rejected"
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.split(":", 1)[0] or "rejected"


# --- Example templates --------------------------------------------------------------------------------------


@functools.cache
def _templates() -> tuple[dict[str, str], re.Pattern[str]]:
    """The template classes and the template syntax, made on first use: only rule checks expand examples,
    and a scan's start-up would otherwise pay for `string` and one more regex (issue 16)."""
    import string

    alphabets = {
        "alnum": string.ascii_letters + string.digits,
        "alpha": string.ascii_letters,
        "lower": string.ascii_lowercase,
        "upper": string.ascii_uppercase,
        "digits": string.digits,
        "hex": string.digits + "abcdef",
        "upper_digit": string.ascii_uppercase + string.digits,
        "lower_digit": string.ascii_lowercase + string.digits,
        "base64": string.ascii_letters + string.digits + "+/",
        "b64url": string.ascii_letters + string.digits + "-_",
    }
    part = re.compile(
        r"\{\{|\}\}|\{repeat:(?P<char>.):(?P<times>\d{1,4})\}|\{(?P<alphabet>[a-z_0-9]+):(?P<count>\d{1,4})\}"
    )
    return alphabets, part


def expand_example(template: str, rng: random.Random) -> str:
    """A concrete fake value from a template such as `ghp_{alnum:36}` (see bot/rules/default.toml)."""
    alphabets, parts = _templates()

    def expand(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        if match.group("char") is not None:
            return match.group("char") * int(match.group("times"))
        alphabet = alphabets.get(match.group("alphabet"))
        if alphabet is None:
            raise ValueError(f"unknown template class {match.group('alphabet')!r}")
        return "".join(rng.choice(alphabet) for _ in range(int(match.group("count"))))

    return parts.sub(expand, template)
