"""`LinearPattern` matches ASCII text with a program compiled from the pattern's ASCII spelling for Latin-1
(issue 16): on ASCII text it must find what the full program finds, group for group, for every built-in
pattern, at any start and end, with every anchor."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot.core
from bot.core import linear
from bot.core.linear import LinearPattern

_ANCHORS = (linear._UNANCHORED, linear._ANCHOR_START, linear._ANCHOR_BOTH)
# Every ASCII character class the translation distinguishes: the spaces Python's `\s` holds (\x1c-\x1f too),
# controls it does not, letters, digits, `_` and punctuation.
_ASCII = string.ascii_letters + string.digits + string.punctuation + " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x7f"


def _built_in_patterns() -> list[tuple[str, LinearPattern]]:
    found = []
    for module_info in pkgutil.walk_packages(bot.core.__path__, "bot.core."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if isinstance(value, LinearPattern):
                found.append((f"{module_info.name}.{name}", value))
    return found


_PATTERNS = _built_in_patterns()


def _texts(pattern: LinearPattern, seed: int) -> list[str]:
    """ASCII texts made of pieces of the pattern's own literals (so that its branches are reached) and
    random characters."""
    rng = random.Random(seed)
    literals = [piece for piece in re.split(r"\\[a-zA-Z]|[\\()\[\]{}|?*+^$]", pattern.pattern) if piece]
    literals = [piece for piece in literals if piece.isascii()] or ["x"]
    texts = []
    for _ in range(150):
        parts = []
        for _ in range(rng.randint(0, 8)):
            choice = rng.random()
            if choice < 0.5:
                parts.append(rng.choice(literals))
            elif choice < 0.8:
                parts.append(rng.choice(_ASCII))
            else:
                parts.append(
                    rng.choice(["a1_", "AB", "  ", "\n", "${x}", "{{ y }}", "=", ": ", "--k v", "%s"])
                )
        texts.append("".join(parts))
    return texts


def test_every_built_in_pattern_is_found() -> None:
    assert len(_PATTERNS) > 60


@pytest.mark.parametrize(("name", "pattern"), _PATTERNS, ids=[name for name, _ in _PATTERNS])
def test_the_ascii_program_answers_as_the_full_one(name: str, pattern: LinearPattern) -> None:
    ascii_program = pattern._ascii_program()
    pattern.compile()
    full_program = pattern._regexp._regexp
    assert ascii_program is not full_program, name  # every built-in has an ASCII spelling
    rng = random.Random(name)
    for text in _texts(pattern, 0):
        encoded = text.encode("ascii")
        for anchor in _ANCHORS:
            start = rng.randint(0, len(encoded))
            end = rng.randint(start, len(encoded))
            for pos, stop in ((0, len(encoded)), (start, end)):
                expected = full_program.Match(anchor, encoded, pos, stop)
                assert ascii_program.Match(anchor, encoded, pos, stop) == expected, (name, text, pos, stop)


def _python_flags(pattern: LinearPattern) -> int:
    flags = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
    return sum(flags[flag] for flag in pattern._flags) | re.ASCII


@pytest.mark.parametrize(("name", "pattern"), _PATTERNS, ids=[name for name, _ in _PATTERNS])
def test_the_programs_agree_on_text_that_matches(name: str, pattern: LinearPattern) -> None:
    """Texts holding a match, written by hypothesis from the pattern itself (Python's dialect), reach the
    branches that random text does not."""
    regex = re.compile(pattern.pattern.replace(r"\z", r"\Z"), _python_flags(pattern))  # RE2's `\z` is `\Z`
    ascii_program = pattern._ascii_program()
    pattern.compile()
    full_program = pattern._regexp._regexp

    @settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(regex, alphabet=st.characters(max_codepoint=127)), st.data())
    def agree(text: str, data: st.DataObject) -> None:
        encoded = text.encode("ascii")
        start = data.draw(st.integers(0, len(encoded)))
        stop = data.draw(st.integers(start, len(encoded)))
        for anchor in _ANCHORS:
            for pos, end in ((0, len(encoded)), (start, stop)):
                expected = full_program.Match(anchor, encoded, pos, end)
                assert ascii_program.Match(anchor, encoded, pos, end) == expected, (name, text, pos, end)

    agree()


def test_non_ascii_text_is_still_read_by_the_full_program() -> None:
    pattern = LinearPattern(r"\w+")
    assert pattern.findall("abc déf 1_2") == ["abc", "déf", "1_2"]
    assert pattern.findall("abc def") == ["abc", "def"]
    assert LinearPattern(r"\s").search("a\u2003b") is not None  # an em space is a space to Python
    assert LinearPattern(r"\s").search("a\x1cb") is not None
    assert LinearPattern(r"\s").search("a\x00b") is None


def test_the_ascii_spelling_of_each_class_is_pythons_on_ascii() -> None:
    for escape in ("w", "s", "d", "W", "S", "D"):
        pattern = LinearPattern(rf"\{escape}")
        for char in map(chr, range(128)):
            assert (pattern.fullmatch(char) is not None) == (re.fullmatch(rf"\{escape}", char) is not None)


def test_ascii_text_never_compiles_the_full_program() -> None:
    pattern = LinearPattern(r"(?P<key>\w+)=(?P<value>\S+)")
    found = pattern.search("x api_key=abc123 y")
    assert found is not None and (found["key"], found["value"]) == ("api_key", "abc123")
    assert pattern.findall("a=1 b=2") == ["a", "b"]
    assert pattern._regexp is None  # about 8 ms of compiling per process, saved
    found = pattern.search("clé=välue")
    assert found is not None and (found["key"], found["value"]) == ("clé", "välue")


def test_a_pattern_latin1_cannot_spell_is_matched_by_the_full_program() -> None:
    pattern = LinearPattern("a[\u2028b]c")
    found = pattern.search("xabc")
    assert found is not None and found.span() == (1, 4)
    assert pattern._raw is pattern._regexp._regexp
