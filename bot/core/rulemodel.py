"""What a rule is: the data the rule table compiles into, and the RE2 compiler every pattern goes through.

Kept apart from the table parser (`bot.core.ruletable`) and the matcher (`bot.core.rules`) so that both can
use these types without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

import re2

from bot.core.findings import Severity
from bot.core.heuristics import SecretKind
from bot.core.linear import re2_options


class Pattern(Protocol):
    """A compiled RE2 pattern, as far as rules use one (google-re2 ships no type hints)."""

    @property
    def groupindex(self) -> Mapping[str, int]: ...

    def search(self, text: Any, pos: int = 0, /) -> Any: ...

    def fullmatch(self, text: str, /) -> Any: ...


class RuleKind(StrEnum):
    TOKEN = "token"  # noqa: S105 - a provider format found anywhere in text
    KEYED = "keyed"  # a literal judged by the key it sits under


class RuleError(ValueError):
    """A rule table that cannot be used; `field` names it, e.g. `rules.custom[2].regex`."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class Rule(NamedTuple):
    id: str
    description: str
    severity: Severity
    kind: RuleKind
    keywords: tuple[str, ...]
    pattern: Pattern  # token: searched, group `secret` marks the secret; keyed: must match the whole value
    min_entropy: float | None
    allowlist: tuple[Pattern, ...]
    docs: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]
    key_pattern: Pattern | None = None  # keyed: searched in the key name as snake_case words
    key_kinds: tuple[SecretKind, ...] = ()  # keyed: what the key name must say it holds
    min_length: int = 1  # keyed: shortest value worth reporting
    secret_kind: SecretKind | None = None  # token: what the secret part is (a password is judged as one)


class TokenMatch(NamedTuple):
    rule: Rule
    start: int  # offsets of the secret within the scanned text
    end: int


class KeyedMatch(NamedTuple):
    rule: Rule


def compile_pattern(pattern: str) -> Pattern:
    """Compile with RE2; raises `re2.error` when RE2 rejects the pattern (look-around, back-references...)."""
    compiled: Pattern = re2.compile(pattern, re2_options())
    return compiled


class DeferredPattern:
    """A built-in rule's pattern, compiled on first use: a one-file scan asks few of the rules, and compiling
    all of them is most of loading the table (start-up time, issue 16). Only for the built-in table, whose
    patterns tests/core/test_rules.py compiles; a custom rule's pattern is compiled when it is loaded, so
    that a bad one is reported against its field."""

    __slots__ = ("_compiled", "_groupindex", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: Pattern | None = None
        self._groupindex: Mapping[str, int] | None = None

    def compiled(self) -> Pattern:
        if self._compiled is None:
            self._compiled = compile_pattern(self.pattern)
        return self._compiled

    @property
    def groupindex(self) -> Mapping[str, int]:
        """Read once: google-re2 builds a new dict on every read, and each token search asks (issue 16)."""
        if self._groupindex is None:
            self._groupindex = MappingProxyType(dict(self.compiled().groupindex))
        return self._groupindex

    def search(self, text: Any, pos: int = 0, /) -> Any:
        return self.compiled().search(text, pos)

    def fullmatch(self, text: str, /) -> Any:
        return self.compiled().fullmatch(text)


def program(pattern: Pattern) -> Any:
    """google-re2's compiled program behind a rule's pattern. Its `Match(anchor, bytes, pos, endpos)` gives
    every group's byte span as a list, without the wrapper's generator and match object per search: a
    whole-file token search asks it for each rule whose keyword the file holds (issue 16)."""
    compiled = pattern.compiled() if isinstance(pattern, DeferredPattern) else pattern
    return getattr(compiled, "_regexp")  # noqa: B009 - google-re2 ships no type hints
