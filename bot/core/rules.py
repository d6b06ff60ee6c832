"""Secret rules as data, and the two questions the scanner asks of them.

`find_tokens(text)` finds provider formats anywhere in a string: the keyword prefilter runs first, a rule's
regex only when one of its keywords occurs (case-insensitively), then entropy, the rule's allowlist and the
shared false-positive filters. `judge_keyed(key, value)` decides whether a literal under a key that names
a secret (`DB_PASSWORD`, `jwtSecret`) is one.

Every pattern, built-in or custom, compiles with RE2. Custom rules come from repositories we do not control,
and RE2's matching time is linear in the input, so no pattern can hang a scan. Built-ins use it too because it
is faster here: Python's `re` cannot skip ahead to a literal prefix when a pattern starts with a boundary
check, and measured 1-6 ms per rule on 30 KB against about 0.1 ms for RE2. One engine also means custom rules
are written exactly like the built-in ones. RE2 has no look-around, so token boundaries are consuming groups
outside `secret`, and the search resumes at the end of each secret so that a boundary character between two
adjacent tokens serves both. The keyword prefilter is one RE2 set match over the text, not a substring test
per keyword.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any

import re2

from bot.core import filters, rulecache
from bot.core.advisories import ADVISORY_IDS
from bot.core.basicauth import BASIC_RULE_ID, is_basic_credential
from bot.core.config import ScanConfig
from bot.core.entropy import shannon_entropy
from bot.core.heuristics import (
    SecretKind,
    credential_part,
    is_plausible_secret_value,
    is_random_key_material,
    key_answers,
    normalized_key,
)
from bot.core.hosts import is_documentation_host, is_local_image_default
from bot.core.humansecrets import (
    TYPED_PHRASE_RULE,
    is_signing_slot,
    is_typed_signing_secret,
    names_a_setting,
)
from bot.core.linear import encodable, re2_options
from bot.core.perfile import memory
from bot.core.rulemodel import (
    DeferredPattern,
    KeyedMatch,
    Pattern,
    Rule,
    RuleError,
    RuleKind,
    TokenMatch,
    compile_pattern,
    program_of,
)
from bot.core.ruletable import compile_rule, expand_example
from bot.core.sourcenames import names_a_source
from bot.core.spans import DisjointSpans

__all__ = [
    "KeyedMatch", "Rule", "RuleError", "RuleKind", "RuleSet", "TokenMatch", "compile_pattern",
    "expand_example",
]  # fmt: skip


class RuleSet:
    """An ordered, immutable collection of rules; order decides ties and is the SARIF order."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(rules)
        self._by_id = {rule.id: rule for rule in self._rules}
        if len(self._by_id) != len(self._rules):
            raise RuleError("rules", "rule ids must be unique")
        self._token_rules = tuple(rule for rule in self._rules if rule.kind is RuleKind.TOKEN)
        self._keyed_rules = tuple(rule for rule in self._rules if rule.kind is RuleKind.KEYED)
        self._configured: dict[str, RuleSet] = {}
        self._rules_for_key: dict[tuple[SecretKind | None, str], tuple[Rule, ...]] = {}

    @functools.cached_property
    def _keywords(self) -> _KeywordIndex:
        """Built on first use: compiling the keyword set costs about 2 ms for the full table."""
        return _KeywordIndex(self._token_rules)

    @classmethod
    def default(cls) -> RuleSet:
        """The built-in rules from bot/rules/default.toml, loaded once per process."""
        return _default_ruleset()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    def get(self, rule_id: str) -> Rule:
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise KeyError(f"no rule with id {rule_id!r}") from None

    def with_config(self, config: ScanConfig) -> RuleSet:
        """These rules without the disabled ones, plus the repository's custom rules. Advisory ids may be
        disabled too; they are no rows of this set, and the scanner drops what they would report."""
        cache_key = json.dumps(
            [sorted(config.disabled_rules), config.custom_rules], sort_keys=True, default=str
        )
        if cache_key not in self._configured:
            if len(self._configured) >= _CONFIG_CACHE_SIZE:
                self._configured.clear()
            self._configured[cache_key] = self._configured_with(config)
        return self._configured[cache_key]

    def _configured_with(self, config: ScanConfig) -> RuleSet:
        unknown = sorted(config.disabled_rules - self._by_id.keys() - ADVISORY_IDS)
        if unknown:
            raise RuleError("rules.disable", f"unknown rule id {unknown[0]!r}")
        custom: list[Rule] = []
        for index, raw in enumerate(config.custom_rules):
            where = f"rules.custom[{index}]"
            rule = compile_rule(raw, where=where)
            if rule.id in self._by_id.keys() | ADVISORY_IDS | {other.id for other in custom}:
                raise RuleError(f"{where}.id", f"{rule.id!r} is already a rule id")
            check_examples(rule, where=where)
            custom.append(rule)
        kept = [rule for rule in self._rules if rule.id not in config.disabled_rules]
        return RuleSet([*kept, *custom])

    def find_tokens(self, text: str) -> list[TokenMatch]:
        """Every token-rule secret in `text`; of overlapping ones the longest (then the first rule) wins."""
        encoded = text.encode("utf-8", "surrogatepass")
        candidates: list[tuple[int, int, int, Rule]] = []
        for order, rule in self._keywords.rules_to_run(encoded):
            for start, end, host in _secret_spans(rule.pattern, encoded):
                if self._is_credible(rule, encoded[start:end].decode("utf-8", "surrogatepass"), host):
                    candidates.append((start, end, order, rule))
        if not candidates:  # most texts: nothing to order or to map to characters
            return []
        kept = _without_overlaps(candidates)
        if text.isascii():
            return [TokenMatch(rule, start, end) for start, end, rule in kept]
        chars = _char_offsets(encoded, [offset for start, end, _ in kept for offset in (start, end)])
        return [TokenMatch(rule, chars[start], chars[end]) for start, end, rule in kept]

    def _is_credible(self, rule: Rule, secret: str, host: str | None) -> bool:
        """Whether a match of a token rule's pattern is a secret (a method, so that a subclass may
        remember the answer: `bot.core.memorules`). A value's own search finds again the matches of the
        whole file's search, so within one file (`bot.core.perfile`) each is judged once."""
        answers = memory("rules.is_credible")
        if answers is None:
            return _is_credible_secret(rule, secret, host)
        question = (rule.id, secret, host)
        answer = answers.get(question)
        if answer is None:
            answer = answers[question] = _is_credible_secret(rule, secret, host)
        return answer

    def judge_keyed(self, key: str, value: str, *, sample_host: bool = False) -> KeyedMatch | None:
        """The keyed rule that reports `value` under `key`, or None when the value is not a secret.

        `sample_host`: a documentation host setting of the same service speaks for the value, which makes a
        weak password a template (`bot.core.hosts`), as such a host in a URL does."""
        kind, only_if_random = key_answers(key)
        candidate = credential_part(value)
        in_passing = kind is None and only_if_random and is_random_key_material(candidate)
        if in_passing:
            kind = SecretKind.SECRET
        rules = self._keyed_rules_for(kind, normalized_key(key))
        # A key that only mentions a secret (`..._SECRET_ID`) or names a lookup key (`LOCK_KEY`) says nothing
        # public about random key material.
        signing = is_signing_slot(key, kind) and not sample_host
        weak_is_real = (kind is SecretKind.PASSWORD and not sample_host) or signing
        if not rules or _is_excluded(
            "" if in_passing else key, candidate, kind, weak_is_real=weak_is_real, signing=signing
        ):
            return None
        plausible = kind is not None and is_plausible_secret_value(candidate, kind)
        # A typed phrase (`keyboard cat`) is a secret only to the rule for weak signing secrets; the generic
        # rules would read every config word under a signing key (`SSE-KMS`, `session-id`) as one.
        typed = not plausible and (
            is_typed_signing_secret(key, candidate, kind)
            or (signing and filters.is_typed_word_run(candidate.lower()))
        )
        for rule in rules:
            # Rules picked by key kind need a credential-shaped value; a key_regex rule's own regex decides.
            if rule.id == TYPED_PHRASE_RULE:
                fits = (plausible or typed) and not names_a_setting(key, candidate)
            else:
                fits = plausible or not rule.key_kinds
            if fits and _value_fits(rule, candidate):
                return KeyedMatch(rule)
        return None

    def _keyed_rules_for(self, kind: SecretKind | None, name: str) -> tuple[Rule, ...]:
        """Keyed rules whose key conditions a key name meets; memoized, as manifests repeat key names."""
        cache_key = (kind, name)
        if cache_key not in self._rules_for_key:
            if len(self._rules_for_key) >= _KEY_CACHE_SIZE:
                self._rules_for_key.clear()
            fitting = tuple(rule for rule in self._keyed_rules if _key_fits(rule, kind, name))
            self._rules_for_key[cache_key] = fitting
        return self._rules_for_key[cache_key]


_CONFIG_CACHE_SIZE = 32
_KEY_CACHE_SIZE = 4096
_UNANCHORED = re2._Anchor.UNANCHORED  # for google-re2's program, called directly (`_secret_spans`)
_ANCHOR_BOTH = re2._Anchor.ANCHOR_BOTH  # likewise (`_matches_whole`)


class _KeywordIndex:
    """Which token rules can match a text: one RE2 set search finds every keyword present at once.

    Rules without keywords would each search every text; the built-in ones are first searched together,
    as one program (`_any_of`), and only a text that one of them matches is searched by each (issue 16)."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        always = [(order, rule) for order, rule in enumerate(rules) if not rule.keywords]
        sources = {
            order: rule.pattern.pattern for order, rule in always if isinstance(rule.pattern, DeferredPattern)
        }
        self._any_gated = _any_of(list(sources.values())) if len(sources) > 1 else None
        gated = sources if self._any_gated is not None else {}
        self._gated = [(order, rule) for order, rule in always if order in gated]
        self._always = [(order, rule) for order, rule in always if order not in gated]
        keywords = sorted({keyword for rule in rules for keyword in rule.keywords})
        self._rules_of = [
            [(order, rule) for order, rule in enumerate(rules) if keyword in rule.keywords]
            for keyword in keywords
        ]
        self._set = None
        if keywords:
            self._set = re2.Set.SearchSet(re2_options())
            for keyword in keywords:
                self._set.Add("(?i)" + re2.escape(keyword))
            self._set.Compile()

    def rules_to_run(self, encoded: bytes) -> list[tuple[int, Rule]]:
        chosen = dict(self._always)
        gate = self._any_gated
        if gate is not None and gate.Match(_UNANCHORED, encoded, 0, len(encoded))[0][0] >= 0:
            chosen.update(self._gated)
        if self._set is not None:
            for index in self._set.Match(encoded) or ():
                chosen.update(self._rules_of[index])
        return sorted(chosen.items(), key=lambda item: item[0])


def _any_of(sources: list[str]) -> Any | None:
    """google-re2's program for "one of these built-in patterns matches somewhere", or None when RE2 cannot
    build it. Only built-in patterns, whose table tests/core/test_rules.py checks: a custom one could end
    in an open `\\Q` and swallow the rest of the union. No groups and leftmost-longest, so that its DFA
    need not track either."""
    options = re2_options()
    options.never_capture = True
    options.longest_match = True
    try:
        return re2.compile("|".join(f"(?:{source})" for source in sources), options)._regexp
    except re2.error:
        return None


def _secret_spans(pattern: Pattern, encoded: bytes) -> Iterator[tuple[int, int, str | None]]:
    """Byte spans of the `secret` group (or whole match) with the `host` group's text when the pattern has
    one and it took part; each search resumes where the secret ended."""
    group = pattern.groupindex.get("secret", 0)
    host_group = pattern.groupindex.get("host")
    program = program_of(pattern)
    position, stop = 0, len(encoded)
    while position <= stop:
        spans = program.Match(_UNANCHORED, encoded, position, stop)  # byte spans; (-1, -1): not taken
        if spans[0][0] < 0:
            return
        start, end = spans[group]
        if 0 <= start < end:
            host = _taken(encoded, spans[host_group]) if host_group is not None else None
            yield start, end, host.decode("utf-8", "surrogatepass") if host else None
        position = max(end, spans[0][0] + 1, position + 1)


def _taken(encoded: bytes, span: tuple[int, int]) -> bytes | None:
    """A group's bytes, or None for a group that took no part in the match."""
    return None if span[0] < 0 else encoded[span[0] : span[1]]


def _char_offsets(encoded: bytes, offsets: list[int]) -> dict[int, int]:
    """Character offsets of UTF-8 byte offsets, in one pass over the text."""
    chars: dict[int, int] = {0: 0}
    previous = 0
    for offset in sorted(set(offsets)):
        chars[offset] = chars[previous] + len(encoded[previous:offset].decode("utf-8", "surrogatepass"))
        previous = offset
    return chars


def _is_credible_secret(rule: Rule, secret: str, host: str | None) -> bool:
    if rule.id == BASIC_RULE_ID and not is_basic_credential(secret):
        return False  # base64 that does not decode to `user:password` (`bot.core.basicauth`)
    if rule.min_entropy is not None and shannon_entropy(secret) < rule.min_entropy:
        return False
    if any(pattern.search(encodable(secret)) is not None for pattern in rule.allowlist):
        return False
    # A weak password is a template only for a documentation host (bot.core.hosts).
    sample = host is not None and is_documentation_host(host)
    as_password = rule.secret_kind is SecretKind.PASSWORD and not sample
    return not (
        filters.is_placeholder(secret, password=as_password)
        or is_local_image_default(secret, host=host)
        or filters.is_well_known_public_value(secret)
        or filters.is_public_identifier("", secret)
    )


def _without_overlaps(candidates: list[tuple[int, int, int, Rule]]) -> list[tuple[int, int, Rule]]:
    spans = DisjointSpans()
    ordered = sorted(candidates, key=lambda item: (item[0] - item[1], item[2], item[0]))
    kept = [candidate for candidate in ordered if spans.add(candidate[0], candidate[1])]
    return [(start, end, rule) for start, end, _, rule in sorted(kept, key=lambda item: item[0])]


def _key_fits(rule: Rule, kind: SecretKind | None, name: str) -> bool:
    if rule.key_kinds and kind not in rule.key_kinds:
        return False
    return rule.key_pattern is None or rule.key_pattern.search(encodable(name)) is not None


def _matches_whole(pattern: Pattern, value: str) -> bool:
    """`pattern.fullmatch(encodable(value)) is not None`, asked of google-re2's program directly, as
    `_secret_spans` asks it: the wrapper's generator and offset bookkeeping cost more than the match."""
    encoded = encodable(value).encode("utf-8")
    start: int = program_of(pattern).Match(_ANCHOR_BOTH, encoded, 0, len(encoded))[0][0]  # -1: no match
    return start >= 0


def _is_excluded(key: str, value: str, kind: SecretKind | None, *, weak_is_real: bool, signing: bool) -> bool:
    """Values no keyed rule may report: references, ciphertext, placeholders, public values, hashes. Under a
    key that names a password or a signing secret (`weak_is_real`), a weak value (`admin123`) is no
    placeholder (`filters.is_placeholder`) unless the host beside it is a documentation host; under a
    signing key (`signing`) neither is a typed run of words (`supersecretkey`)."""
    return (
        not value
        or filters.is_reference_syntax(value)
        or names_a_source(value)
        or filters.is_encrypted(value)
        or filters.is_placeholder_for(key, value, password=weak_is_real, signing=signing)
        or is_local_image_default(value, key=key)
        or filters.is_public_identifier(key, value)
        or filters.is_well_known_public_value(value)
        or filters.is_password_hash(value)
    )


# The generic rules' value pattern, which every non-empty value matches whole: not run (issue 16).
_ANY_TEXT = "(?s).+"


def _value_fits(rule: Rule, value: str) -> bool:
    if len(value) < rule.min_length:
        return False
    any_text = value != "" and getattr(rule.pattern, "pattern", None) == _ANY_TEXT
    if not any_text and not _matches_whole(rule.pattern, value):
        return False
    if rule.min_entropy is not None and shannon_entropy(value) < rule.min_entropy:
        return False
    return all(pattern.search(encodable(value)) is None for pattern in rule.allowlist)


# --- Loading and compiling rule tables ---------------------------------------------------------------------


@functools.cache
def _default_ruleset() -> RuleSet:
    # Beside the package's modules, as pyproject's package data puts it; read directly rather than through
    # importlib.resources, whose import costs more than the whole file, and from the JSON copy of the
    # TOML table when it is current (start-up time, issue 16; `bot.core.rulecache`).
    text = rulecache.SOURCE.read_text(encoding="utf-8")
    copy = rulecache.COPY.read_text(encoding="utf-8") if rulecache.COPY.is_file() else None
    tables = rulecache.read_table(text, copy).get("rules", [])
    return RuleSet(
        compile_rule(raw, where=f"default.toml rules[{index}]", built_in=True)
        for index, raw in enumerate(tables)
    )


def example_is_found(rule: Rule, example: str) -> bool:
    """Does `rule` alone report this expanded example? Keyed examples are written `KEY=VALUE`."""
    if rule.kind is RuleKind.KEYED:
        key, _, value = example.partition("=")
        return RuleSet([rule]).judge_keyed(key, value) is not None
    return bool(RuleSet([rule]).find_tokens(example))


def check_examples(rule: Rule, *, where: str, seed: int = 0) -> None:
    """A rule must find its examples and miss its counter-examples; custom rules are held to it too."""
    import random  # here: only rule checks need it, and a scan's start-up would pay for it (issue 16)

    rng = random.Random(seed)  # noqa: S311 - fake example values, not secrets
    for field, templates, wanted in (
        ("examples", rule.examples, True),
        ("counter_examples", rule.counter_examples, False),
    ):
        for index, template in enumerate(templates):
            try:
                example = expand_example(template, rng)
            except ValueError as error:
                raise RuleError(f"{where}.{field}[{index}]", str(error)) from None
            if example_is_found(rule, example) is not wanted:
                problem = "not found by the rule" if wanted else "reported by the rule"
                raise RuleError(f"{where}.{field}[{index}]", problem)
