"""Shortcuts in the questions asked of every judged value (issue 16) answer as the straightforward
computations they replaced: literal guards before RE2 patterns (`needs`), first-character guards, string
methods in place of per-character loops and of a pattern per key word."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import entropy, filters, heuristics, public, rules
from bot.core.linear import LinearPattern, encodable
from bot.core.rules import RuleKind, RuleSet

_GUARDED = {
    "filters._TEMPLATE": filters._TEMPLATE,
    "filters._SYMBOL_MASK": filters._SYMBOL_MASK,
    "filters._DIGIT_MASK": filters._DIGIT_MASK,
    "filters._REFERENCE": filters._REFERENCE,
    "filters._ENCRYPTED": filters._ENCRYPTED,
    "public._PUBLIC_VALUE": public._PUBLIC_VALUE,
    "public._JWT": public._JWT,
    "public._RECAPTCHA_KEY": public._RECAPTCHA_KEY,
    "public._CRYPT_HASH": public._CRYPT_HASH,
    "heuristics._URL": heuristics._URL,
    "heuristics._RELATIVE_OR_WINDOWS_PATH": heuristics._RELATIVE_OR_WINDOWS_PATH,
    "heuristics._CREDENTIAL_FILE_NAME": heuristics._CREDENTIAL_FILE_NAME,
    "heuristics._EMAIL": heuristics._EMAIL,
}

# Pieces of the values these patterns look for, and strays around them: ASCII and not, case-folded letters
# (U+017F folds to `s`, U+212A to `k`), a lone surrogate, line breaks.
_PIECES = [
    "${", "$(", "{{", "}}", "{", "}", "<", ">", "%", "__", "@", "!", "Ref", "Fn::", "%env(", ")", "ENC[",
    "AES256_GCM", ",data:", "EV[", "1:", "AQICA", "xxxx", "XXXX", "***", "###", "...", "000000", "888888",
    "999999", "pk_live_", "pk_test_", "pk.eyJ", "FLWPUBK-", "arn:aws:", "s3:::b", "us-east-1", "eu-west-2_",
    "InstrumentationKey=", "AC", "0x", "G-", "UA-", "-", "eyJ", ".", "6L", "$2b$12$", "$argon2id$",
    "pbkdf2", "$6$", "rounds=5000$", "https://", "://", "./", "../", "~/", "C:\\", "\\", "/", ".json",
    ".PEM", ".yml", "ops", "@example", ".com", "a", "Z", "0", "9", "_", " ", "\n", "\t", "\u017f", "\u212a",
    "é", "\ud800", "\u00a0", "\u0660",
    "abcdefghijklmnopqrstuvwxyzABCDEF", "0123456789abcdef0123456789ABCDEF",
]  # fmt: skip
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
    st.text(max_size=60),
)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_a_literal_guard_never_hides_a_match(text: str) -> None:
    for name, pattern in _GUARDED.items():
        unguarded = LinearPattern(pattern.pattern)
        unguarded._flags = pattern._flags  # the same flags, without `needs`
        for candidate in (text, text.strip()):
            if pattern.cannot_match(candidate):
                assert unguarded.search(candidate) is None, (name, candidate)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_first_character_guards_answer_as_the_patterns(text: str) -> None:
    _assert_guards_agree(text)


def _assert_guards_agree(text: str) -> None:
    assert heuristics.is_number(text) == bool(heuristics._NUMBER.match(text))
    assert heuristics.is_algorithm_name(text) == bool(heuristics._ALGORITHM.match(text))
    assert heuristics.is_identifier_name(text) == bool(heuristics._IDENTIFIER_NAME.match(text))
    assert heuristics.credential_part(text) == _credential_part_before(text)


def _credential_part_before(value: str) -> str:
    text = value.strip()
    if len(text) > 2 and text[0] == text[-1] and text[0] in "'\"`":
        text = text[1:-1].strip()
    return heuristics._AUTH_SCHEME.sub("", text, count=1)


@pytest.mark.parametrize(
    "value",
    [
        "Bearer abc", "bearer\tabc", "'Basic abc'", "Token  x", "bot x", "DIGEST x", "\u017fha256", "SHA256",
        "aes-256-gcm", "HS256", "3des", "+1.5e3", ".5", "-7", "12", "DB_PASSWORD", "itemId", "x-api-key",
        "KeyValue", "db_password\n", "DB_PASSWORD\n\n", "_", "", "\u0660\u0661",
    ],
)  # fmt: skip
def test_known_shapes_answer_as_the_patterns(value: str) -> None:
    _assert_guards_agree(value)


_VARIANT_BEFORE = LinearPattern(
    r"^(?:\d+|[a-z]|v\d+|prod|production|dev|development|staging|stage|stg|test|testing|qa|uat|local"
    r"|sandbox|live|old|new|backup)$"
)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="abcdeqrsuvx0123456789", min_size=1, max_size=8)
    | st.sampled_from(sorted(heuristics._VARIANT_WORDS))
)
def test_variant_words_are_those_of_the_pattern(word: str) -> None:
    assert heuristics._is_variant_word(word) == bool(_VARIANT_BEFORE.match(word))


@settings(max_examples=500, deadline=None)
@given(
    st.text(max_size=40)
    | st.lists(st.sampled_from(["API", "_KEY", "_2", "_v3", "_prod", "Dev", ".x", "[0]", "b"])).map("".join)
)
def test_key_words_without_variants_as_before(key: str) -> None:
    words = heuristics.key_words(key)
    end = len(words)
    while end > 1 and _VARIANT_BEFORE.match(words[end - 1]):
        end -= 1
    assert heuristics.meaningful_words(key) == words[:end]


def _classes_before(text: str) -> int:
    has_lower = any(char.islower() for char in text)
    has_upper = any(char.isupper() for char in text)
    has_digit = any(char.isdigit() for char in text)
    has_other = any(not char.isalnum() for char in text)
    return sum((has_lower, has_upper, has_digit, has_other))


@settings(max_examples=800, deadline=None)
@given(st.text(max_size=40) | st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_character_classes_as_before(text: str) -> None:
    assert entropy.character_classes(text) == _classes_before(text)


@settings(max_examples=800, deadline=None)
@given(st.text(max_size=30) | st.text(alphabet="ab \t\n\x1c\x85\u00a0\u2028\u3000\u200b", max_size=10))
def test_a_blank_is_what_isspace_accepts(text: str) -> None:
    assert heuristics._has_blank(text) == any(char.isspace() for char in text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_hint_and_instruction_words_as_substring_tests(text: str) -> None:
    lowered = text.lower()
    assert filters._may_instruct(lowered) == any(word in lowered for word in filters._INSTRUCTION_WORDS)
    hinted = any(hint in lowered for hint in filters._MARKER_HINTS)
    assert (filters._MARKER_HINT.search(lowered) is not None) == hinted


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_no_key_shaped_run_in_a_short_text(text: str) -> None:
    if len(text) < public._KEY_SHAPED_LENGTH:
        assert public._KEY_SHAPED_RUN.findall(text) == []
    assert public.is_well_known_public_value(text) == _well_known_before(text)


def _well_known_before(value: str) -> bool:
    text = value.strip()
    if text.lower().startswith("usedevelopmentstorage=true") or public._is_well_known(text):
        return True
    runs = public._KEY_SHAPED_RUN.findall(text)
    return bool(runs) and all(public._is_well_known(run) for run in runs)


_KEYED = [rule for rule in RuleSet.default().rules if rule.kind is RuleKind.KEYED]


def test_the_generic_rules_take_any_text() -> None:
    generic = [rule for rule in _KEYED if getattr(rule.pattern, "pattern", None) == rules._ANY_TEXT]
    assert len(generic) >= 4


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_a_value_fits_a_rule_as_its_pattern_says(value: str) -> None:
    for rule in _KEYED:
        fits = (
            len(value) >= rule.min_length
            and rule.pattern.fullmatch(encodable(value)) is not None
            and (rule.min_entropy is None or _entropy(value) >= rule.min_entropy)
            and all(pattern.search(encodable(value)) is None for pattern in rule.allowlist)
        )
        assert rules._value_fits(rule, value) == fits, rule.id


def _entropy(text: str) -> float:
    total = len(text)
    return -sum(count / total * math.log2(count / total) for count in Counter(text).values()) if text else 0.0


def test_the_reference_words_are_plain_literals() -> None:
    """The alternations are built by joining the words: none may hold a pattern character."""
    for word in (*filters._INSTRUCTION_WORDS, *filters._VOCABULARY, *filters._COUNTS):
        assert re.fullmatch(r"[a-z0-9]+", word), word
