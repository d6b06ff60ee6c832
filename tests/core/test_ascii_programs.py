"""`LinearPattern` matches ASCII text with a program compiled for ASCII only (`bot.core.linear.ascii_program`:
the classes' ASCII members, RE2's Latin-1 mode). It must answer exactly as the UTF-8 program does, for
every built-in pattern, every anchor and every start position."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re
import re._constants as sre
import re._parser as sre_parse
import string
from typing import Any

import pytest
import re2

import bot.core
from bot.core.linear import LinearPattern, ascii_program

_ANCHORS = (re2._Anchor.UNANCHORED, re2._Anchor.ANCHOR_START, re2._Anchor.ANCHOR_BOTH)
_ASCII = [chr(code) for code in range(128)]
_ALNUM = string.ascii_letters + string.digits


def _built_in() -> list[tuple[str, LinearPattern]]:
    """Every module-level pattern of the scanner, once (a module may import another's)."""
    found: dict[int, tuple[str, LinearPattern]] = {}
    for module in pkgutil.walk_packages(bot.core.__path__, "bot.core."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, LinearPattern):
                found.setdefault(id(value), (f"{module.name}.{name}", value))
    return list(found.values())


BUILT_IN = _built_in()


_CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_NOT_DIGIT: string.ascii_letters + " _-.",
    sre.CATEGORY_SPACE: " \t\n\r\x0b\x0c\x1c",
    sre.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits + "_-.:/",
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_NOT_WORD: " -.:/=@\t\n",
}


def _one_of(items: list[tuple[Any, Any]], rng: random.Random) -> str:
    """A character a class (`IN`) accepts, or when negated one it does not, as far as random tries find."""
    negated = bool(items) and items[0][0] is sre.NEGATE
    accepted: list[str] = []
    for op, value in items[1:] if negated else items:
        if op is sre.LITERAL:
            accepted.append(chr(value))
        elif op is sre.RANGE:
            accepted += [chr(code) for code in range(value[0], min(value[1], 127) + 1)]
        elif op is sre.CATEGORY:
            accepted += list(_CATEGORIES.get(value, ""))
    if not negated:
        return rng.choice(accepted) if accepted else "a"
    others = [char for char in _ASCII if char not in accepted]
    return rng.choice(others) if others else "a"


def _generate(tree: Any, rng: random.Random, out: list[str]) -> None:
    """Append a random ASCII text that the parsed (Python dialect) pattern `tree` matches, mostly."""
    for op, value in tree:
        if op is sre.LITERAL:
            out.append(chr(value) if value < 128 else "a")
        elif op is sre.NOT_LITERAL:
            out.append(rng.choice([char for char in _ALNUM if ord(char) != value]))
        elif op is sre.ANY:
            out.append(rng.choice(_ALNUM + " ./:"))
        elif op is sre.IN:
            out.append(_one_of(value, rng))
        elif op is sre.BRANCH:
            _generate(rng.choice(value[1]), rng, out)
        elif op is sre.SUBPATTERN:
            _generate(value[-1], rng, out)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = value
            for _ in range(rng.randint(low, min(high, low + 8))):
                _generate(body, rng, out)
        elif op is sre.CATEGORY:
            out.append(rng.choice(_CATEGORIES.get(value, "a")))
        # AT (anchors and boundaries) adds no text


def _texts(pattern: LinearPattern, rng: random.Random, count: int) -> list[str]:
    """ASCII texts around the pattern's edge: generated matches, alone or with noise around them, with one
    character changed, cut short, in another case; and runs of the pattern's own characters."""
    try:  # the patterns are in Python's dialect, but for RE2's `\\z`
        tree = sre_parse.parse(pattern.pattern.replace(r"\z", r"\Z"))
    except re.error:
        tree = []
    own = [char for char in pattern.pattern if char.isascii()] or _ASCII
    texts = ["", " ", "\n", "a", "_"]
    for _ in range(count):
        generated: list[str] = []
        _generate(tree, rng, generated)
        text = "".join(generated)
        pick = rng.random()
        if pick < 0.2 and text:
            spot = rng.randrange(len(text))
            text = text[:spot] + rng.choice(_ASCII) + text[spot + 1 :]
        elif pick < 0.3:
            text = text[: rng.randint(0, len(text))]
        elif pick < 0.4:
            text = text.swapcase()
        elif pick < 0.6:
            text = "".join(rng.choice(own) for _ in range(rng.randint(1, 30)))
        if rng.random() < 0.5:
            noise = "".join(rng.choice(_ASCII) for _ in range(rng.randint(0, 3)))
            text = noise + text if rng.random() < 0.5 else text + noise
        texts.append(text)
    return texts


def _utf8_program(pattern: LinearPattern) -> Any:
    pattern.compile()
    return pattern._regexp._regexp


@pytest.mark.parametrize(("name", "pattern"), BUILT_IN, ids=[name for name, _ in BUILT_IN])
def test_the_ascii_program_answers_as_the_utf8_one_on_ascii_text(name: str, pattern: LinearPattern) -> None:
    program = ascii_program(pattern._spelled(ascii_only=True))
    assert program is not None, f"{name}: every built-in pattern has an ASCII program"
    utf8 = _utf8_program(pattern)
    assert program.NumberOfCapturingGroups() == utf8.NumberOfCapturingGroups()
    assert sorted(program.NamedCapturingGroups()) == sorted(utf8.NamedCapturingGroups())
    rng = random.Random(name)
    for text in _texts(pattern, rng, 300):
        encoded = text.encode("ascii")
        for start in {0, len(encoded) // 2, len(encoded)}:
            for anchor in _ANCHORS:
                expected = utf8.Match(anchor, encoded, start, len(encoded))
                assert program.Match(anchor, encoded, start, len(encoded)) == expected, (name, text, anchor)


def test_there_are_many_built_in_patterns() -> None:
    assert len(BUILT_IN) > 60


def test_matches_use_the_ascii_program_and_non_ascii_text_the_utf8_one() -> None:
    pattern = LinearPattern(r"(?P<key>\w+)=(?P<value>\S+)")
    found = pattern.search("x api_key=abc123 y")
    assert found is not None and (found["key"], found["value"]) == ("api_key", "abc123")
    assert pattern._ascii is not None and pattern._regexp is None  # the UTF-8 program was not needed
    found = pattern.search("clé=välue")
    assert found is not None and (found["key"], found["value"]) == ("clé", "välue")
    assert pattern._regexp is not None


def test_a_pattern_latin1_mode_cannot_read_falls_back_to_the_utf8_program() -> None:
    pattern = LinearPattern("a[\u2028b]c")
    assert ascii_program(pattern._spelled(ascii_only=True)) is None
    found = pattern.search("xabc")
    assert found is not None and found.span() == (1, 4)
    assert pattern._ascii is pattern._regexp._regexp


def test_findall_without_a_match_compiles_nothing_it_does_not_need() -> None:
    pattern = LinearPattern(r"(\d+)-(\d+)")
    assert pattern.findall("no numbers") == []
    assert pattern.findall("1-2 and 30-40") == ["1", "30"]
    assert pattern._regexp is None
