"""The rule set applied to one file, so that judging costs little more than parsing.

Token rules run once over the whole text; a value is searched again on its own (to get exact offsets and
the reference context) only when its span in the source overlaps one of those matches, or when escapes
(`\\u0067hp_...` in a double-quoted string) could hide a token from the raw text. Keyed rules can only
report a value whose key some keyed rule accepts, so that check comes first and is memoised per rule set
and key name. Both are necessary conditions: the answers are those of the full `RuleSet`.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

import re2

from bot.core.heuristics import KeyAnswers, SecretKind, key_answers, normalized_key, secret_kind_of_key
from bot.core.linear import encodable, re2_options
from bot.core.rules import KeyedMatch, RuleKind, RuleSet, TokenMatch

_MAX_KEYS = 65_536


class _Accepted(dict[str, bool]):
    """Key name -> whether some keyed rule accepts it. A name not seen before is answered by `compute` and
    remembered on lookup (`__missing__`), so that a seen name costs one C-level `__getitem__` call and no
    Python frame: asked of nearly every value (issue 16)."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], bool]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> bool:
        return self.remember(key, self._compute(key))

    def remember(self, key: str, accepted: bool) -> bool:
        if len(self) >= _MAX_KEYS:
            self.clear()
        self[key] = accepted
        return accepted


class _KeyIndex:
    """Which keyed rules accept a key name: kinds compared directly, key patterns in one RE2 set search."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rules = tuple(rule for rule in ruleset.rules if rule.kind is RuleKind.KEYED)
        patterns = [rule.key_pattern for rule in self.rules if rule.key_pattern is not None]
        self.slots = {id(pattern): slot for slot, pattern in enumerate(patterns)}
        self.patterns: Any = None
        if patterns:
            self.patterns = re2.Set.SearchSet(re2_options())
            for pattern in patterns:
                self.patterns.Add(str(getattr(pattern, "pattern", pattern)))
            self.patterns.Compile()
        self.accepted = _Accepted(self._compute)
        # Whether some keyed rule accepts a key name: the memo's own lookup (issue 16).
        self.accepts: Callable[[str], bool] = self.accepted.__getitem__
        self.by_kind = {kind: self._rules_of_kind(kind) for kind in (None, *SecretKind)}

    def _rules_of_kind(self, kind: SecretKind | None) -> tuple[bool, frozenset[int]]:
        """What the rules open to keys of `kind` accept: every key (a rule without a key pattern), else keys
        one of these pattern slots matches. Read once, so that each new key name costs no pass over the
        rules (issue 16)."""
        fitting = [rule for rule in self.rules if not rule.key_kinds or kind in rule.key_kinds]
        slots = [self.slots[id(rule.key_pattern)] for rule in fitting if rule.key_pattern is not None]
        return any(rule.key_pattern is None for rule in fitting), frozenset(slots)

    def accepts_or_names(self, key: str) -> bool:
        """`accepts(key) or secret_kind_of_key(key) is not None`, reading the key's kind once for a key not
        seen before (the pre-parse check asks it of each new word of a file, issue 16)."""
        accepted = self.accepted.get(key)
        if accepted is not None:
            return accepted or secret_kind_of_key(key) is not None
        answers = key_answers(key)
        return self.accepted.remember(key, self._of_kind(key, answers)) or answers[0] is not None

    def _compute(self, key: str) -> bool:
        return self._of_kind(key, key_answers(key))

    def _of_kind(self, key: str, answers: KeyAnswers) -> bool:
        """`_compute` for a key whose remembered answers (`key_answers`) are known."""
        kind, only_if_random = answers
        if kind is None and only_if_random:
            kind = SecretKind.SECRET  # judged as one only when the value is random key material
        every_key, slots = self.by_kind[kind]
        if every_key or not slots:
            return every_key
        name = encodable(normalized_key(key)).encode("utf-8")
        return not slots.isdisjoint(self.patterns.Match(name) or ())


_KEY_INDEXES: weakref.WeakKeyDictionary[RuleSet, _KeyIndex] = weakref.WeakKeyDictionary()


class Detectors:
    def __init__(self, ruleset: RuleSet, text: str) -> None:
        self._ruleset = ruleset
        self._matches = ruleset.find_tokens(text)
        self._starts = [match.start for match in self._matches]
        self._ends = [match.end for match in self._matches]
        self._claimed: set[int] = set()
        keys = _KEY_INDEXES.get(ruleset)
        if keys is None:
            keys = _KEY_INDEXES[ruleset] = _KeyIndex(ruleset)
        self._keys = keys
        # True when some keyed rule accepts this key name, whatever the value: the key index's memo lookup
        # itself, with no call of this class in between (issue 16: asked of nearly every value).
        self.may_judge_key: Callable[[str], bool] = keys.accepts

    def may_hold_token(self, start: int, end: int) -> bool:
        """True when text[start:end] of the file overlaps a token match of the whole file (which the value
        then claims: it will be judged there)."""
        index = bisect_right(self._ends, start)
        found = False
        while index < len(self._starts) and self._starts[index] < end:
            self._claimed.add(index)
            found = True
            index += 1
        return found

    def overlaps_token(self, start: int, end: int) -> bool:
        """True when text[start:end] of the file overlaps a token match of the whole file (no claim made)."""
        index = bisect_right(self._ends, start)
        return index < len(self._starts) and self._starts[index] < end

    def unclaimed(self) -> list[TokenMatch]:
        """Whole-file token matches that no value overlaps: they sit in comments or keys."""
        return [match for index, match in enumerate(self._matches) if index not in self._claimed]

    def find_tokens(self, text: str) -> list[TokenMatch]:
        return self._ruleset.find_tokens(text)

    def may_judge_or_names(self, key: str) -> bool:
        """`may_judge_key(key)`, or the key names a secret (`secret_kind_of_key`)."""
        return self._keys.accepts_or_names(key)

    def judge_keyed(self, key: str, value: str, *, sample_host: bool = False) -> KeyedMatch | None:
        if not self._keys.accepts(key):
            return None
        return self._ruleset.judge_keyed(key, value, sample_host=sample_host)
