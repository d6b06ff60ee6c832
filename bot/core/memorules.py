"""A rule set that remembers its answers, for scans whose files repeat most of their values.

Successive versions of a manifest in a history differ by a line or two, so a history scan asks the rules
the same questions (`find_tokens` of a value, `judge_keyed` of a key and value, whether a token match in a
whole file is credible) thousands of times. The answers depend only on the rules and the question, so
remembering them changes no finding; the memory is bounded by the characters held, and emptied when full.
A directory scan does not use it: its files rarely share values, and the bulk benchmark measures the
scanner without it.
"""

from __future__ import annotations

from bot.core.rules import KeyedMatch, Rule, RuleSet, TokenMatch

_MAX_CHARS = 8 << 20  # of questions remembered, about 16-32 MB with the answers
_MAX_TEXT = 4096  # a longer text (a whole file) is asked once and not remembered


class MemoisedRuleSet(RuleSet):
    """The same rules as `base`, answering a question asked before from memory."""

    def __init__(self, base: RuleSet) -> None:
        super().__init__(base.rules)
        self._tokens: dict[str, tuple[TokenMatch, ...]] = {}
        self._keyed: dict[tuple[str, str, bool], KeyedMatch | None] = {}
        self._credible: dict[tuple[str, str, str | None], bool] = {}
        self._chars = 0

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
        self._chars += chars + 1
        if self._chars > _MAX_CHARS:
            self._tokens.clear()
            self._keyed.clear()
            self._credible.clear()
            self._chars = chars + 1
