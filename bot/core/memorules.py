"""A rule set that remembers its answers, for scans whose files repeat most of their values.

Successive versions of a manifest in a history differ by a line or two, so a history scan asks the rules
the same questions (`find_tokens` of a value, `judge_keyed` of a key and value, whether a token match in a
whole file is credible) thousands of times. The answers depend only on the rules and the question, so
remembering them changes no finding. The memory is bounded both by the answers held and by the bytes they
take (text plus a per-answer overhead), and emptied when either is full: a bound on characters alone let
millions of one-character questions hold over 100 MB in dict slots and answer tuples.
A directory scan does not use it: its files rarely share values, and the bulk benchmark measures the
scanner without it.
"""

from __future__ import annotations

from bot.core.rules import KeyedMatch, Rule, RuleSet, TokenMatch

_MAX_ENTRIES = 65_536  # answers remembered across the three kinds of question
_MAX_BYTES = 16 << 20  # estimated: the question's text (up to 4 bytes a character) and `_ENTRY_BYTES` each
_ENTRY_BYTES = 256  # a dict slot, the question tuple and string headers, the answer; measured below 250
_MAX_TEXT = 4096  # a longer text (a whole file) is asked once and not remembered


class MemoisedRuleSet(RuleSet):
    """The same rules as `base`, answering a question asked before from memory."""

    def __init__(self, base: RuleSet) -> None:
        super().__init__(base.rules)
        self._tokens: dict[str, tuple[TokenMatch, ...]] = {}
        self._keyed: dict[tuple[str, str, bool], KeyedMatch | None] = {}
        self._credible: dict[tuple[str, str, str | None], bool] = {}
        self._entries = 0
        self._bytes = 0

    def find_tokens(self, text: str) -> list[TokenMatch]:
        found = self._tokens.get(text)
        if found is None:
            found = tuple(super().find_tokens(text))
            if len(text) <= _MAX_TEXT:
                self._remember(len(text))
                self._tokens[text] = found
        return list(found)

    def judge_keyed(self, key: str, value: str, *, sample_host: bool = False) -> KeyedMatch | None:
        question = (key, value, sample_host)
        if question in self._keyed:
            return self._keyed[question]
        answer = super().judge_keyed(key, value, sample_host=sample_host)
        if len(key) + len(value) <= _MAX_TEXT:
            self._remember(len(key) + len(value))
            self._keyed[question] = answer
        return answer

    def _is_credible(self, rule: Rule, secret: str, host: str | None) -> bool:
        """Asked of each token match of a whole file too, which no earlier version may have matched."""
        question = (rule.id, secret, host)
        answer = self._credible.get(question)
        if answer is None:
            answer = super()._is_credible(rule, secret, host)
            if len(secret) <= _MAX_TEXT:
                self._remember(len(secret) + len(host or ""))
                self._credible[question] = answer
        return answer

    def _remember(self, chars: int) -> None:
        """Account for one more answer, emptying the memory first when it would exceed either bound."""
        size = 4 * chars + _ENTRY_BYTES
        if self._entries + 1 > _MAX_ENTRIES or self._bytes + size > _MAX_BYTES:
            self._tokens.clear()
            self._keyed.clear()
            self._credible.clear()
            self._entries = self._bytes = 0
        self._entries += 1
        self._bytes += size
