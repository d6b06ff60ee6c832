"""`filters` decides whether a value is made of vocabulary words with one RE2 `fullmatch` per word set
(issue 16): the answers must be those of the split it replaced, which tried every piece of up to the
longest word's length against a predicate."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import filters

_LONGEST = filters._LONGEST_WORD


def _is_count(piece: str) -> bool:
    return filters._COUNTING.startswith(piece) or (len(piece) >= 3 and filters._ALPHABET.startswith(piece))


def _splits_before(lowered: str, is_word: Callable[[str], bool]) -> bool:
    """The split as it was: prefix lengths reachable by words, giving up at a gap no word bridges."""
    text = re.sub(r"[\s_.:/-]+", "", lowered)
    if not text or len(text) > filters._MAX_VOCABULARY_VALUE:
        return False
    reachable = [0]
    for end in range(1, len(text) + 1):
        if end - reachable[-1] > _LONGEST:
            return False
        if any(is_word(text[start:end]) for start in reachable if end - start <= _LONGEST):
            reachable.append(end)
    return reachable[-1] == len(text)


def _filler_before(lowered: str) -> bool:
    return _splits_before(lowered, lambda piece: piece in filters._VOCABULARY or _is_count(piece))


def _stand_in_before(lowered: str) -> bool:
    if _splits_before(lowered, filters._SLOTS.__contains__):
        return True
    return not lowered.isdigit() and _splits_before(
        lowered, lambda piece: piece in filters._STAND_INS or _is_count(piece)
    )


def _typed_before(lowered: str) -> bool:
    core = re.sub(r"[\s_.:/-]+", "", lowered).rstrip(filters._COUNTING)
    if not core or core in filters._VOCABULARY:
        return False
    return _splits_before(core, filters._TYPED_WORDS.__contains__)


_PIECES = sorted(
    filters._VOCABULARY
    | {filters._ALPHABET[:end] for end in range(1, 27)}
    | {filters._COUNTING[:end] for end in range(1, 11)}
    | {"_", "-", ".", " ", "/", ":", "\t", "1", "9", "0", "x", "q", "K", "\u212a", "\u017f", "\u0130"}
    | {"é", "\ud800", "\n", "\u00a0", "\u3000", "ß", "A", "Z"}
)
# Runs of vocabulary words and counts with separators and strays between them, in lower case as the
# callers pass them, or as written (the functions must not care).
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(_PIECES), max_size=14).map(lambda parts: "".join(parts).lower()),
    st.text(max_size=70),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", max_size=90),
)


@settings(max_examples=800, deadline=None)
@given(_TEXTS)
def test_word_runs_answer_as_the_split_did(text: str) -> None:
    assert filters.is_made_of_filler_words(text) == _filler_before(text)
    assert filters.is_stand_in_words(text) == _stand_in_before(text)
    assert filters.is_typed_word_run(text) == _typed_before(text)


def test_the_edges_of_the_split() -> None:
    alphabet = filters._ALPHABET
    cases = [
        alphabet[:_LONGEST],  # the longest count a piece may be
        alphabet[: _LONGEST + 1],  # one longer: no piece covers it
        "abcdefghijklm" + "abc",
        "1234567890" + "1234567890",
        "x" * 64,
        "admin" * 13,  # 65 characters: longer than a vocabulary value may be
        "admin" * 12 + "abcd",
        "",
        "---",
        "1234",
        "administrator",
        "a",
    ]
    for text in cases:
        assert filters.is_made_of_filler_words(text) == _filler_before(text), text
        assert filters.is_stand_in_words(text) == _stand_in_before(text), text
        assert filters.is_typed_word_run(text) == _typed_before(text), text
    assert filters.is_made_of_filler_words("mysupersecretpassword")
    assert not filters.is_made_of_filler_words(alphabet[: _LONGEST + 1])
