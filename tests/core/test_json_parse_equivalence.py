"""The JSON reader's single loop against the per-token-method reader it replaced, on generated texts.

The reference (`tests.core.jsonpos_reference`) is the reader as it was before issue 16: documents must
agree exactly (node types, values and their Python types, styles, positions, lines), and so must failures
(kind, message, line), for JSON and JSONC, valid or broken, within the depth limit or past it.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from bot.core import jsonpos
from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.tree import Document
from tests.core import jsonpos_reference
from tests.core.treehelpers import described

LIMITS = ScanLimits()
SMALL_LIMITS = ScanLimits(max_depth=3)
STRINGS = ["", "a", "key", "Résumé", "日本", "😀", "s3:GetObject", "a b", "x" * 40]
ESCAPES = [
    "\\n",
    '\\"',
    "\\\\",
    "\\/",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\udc00x",
    "\\q",
    "\\u12",
    "\t",
]
NUMBERS = ["0", "-0", "12", "-3", "1.5", "1e3", "-2.5E-1", "1" * 400, "1e999", "01", "1.", ".5", "-", "+1"]
BLANKS = ["", " ", "\n", "  ", "\r\n", "\t", "\n\n  "]
COMMENTS = ["// note\n", "/* c */", "/* two\nlines */", "//", "/* open"]
NOISE = ['"', "{", "}", "[", "]", ",", ":", "\\", "/", "\n", "x", "0", "tru", "\x00"]


class Generator:
    """Random JSON with every token kind, escapes valid and not, comments and trailing commas, and now
    and then a character inserted or dropped."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self) -> str:
        rng = self.rng
        text = self.blank() + self.value(rng.randint(0, 5)) + self.blank()
        if rng.random() < 0.2:
            cut = rng.randint(0, len(text))
            text = text[:cut] + rng.choice(NOISE) + text[cut:]
        if rng.random() < 0.1:
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        return text

    def blank(self) -> str:
        rng = self.rng
        out = rng.choice(BLANKS)
        if rng.random() < 0.15:
            out += rng.choice(COMMENTS) + rng.choice(BLANKS)
        return out

    def value(self, depth: int) -> str:
        rng = self.rng
        choice = rng.random()
        if depth > 0 and choice < 0.25:
            items = [self.blank() + self.value(depth - 1) + self.blank() for _ in range(rng.randint(0, 4))]
            return "[" + ",".join(items) + self.trailing(items) + "]"
        if depth > 0 and choice < 0.5:
            items = [
                f"{self.blank()}{self.string()}{self.blank()}:{self.blank()}{self.value(depth - 1)}"
                for _ in range(rng.randint(0, 4))
            ]
            return "{" + ",".join(items) + self.trailing(items) + "}"
        if choice < 0.75:
            return self.string()
        if choice < 0.9:
            return rng.choice(NUMBERS)
        return rng.choice(["true", "false", "null", "nul", "True"])

    def trailing(self, items: list[str]) -> str:
        return "," + self.blank() if items and self.rng.random() < 0.15 else ""

    def string(self) -> str:
        rng = self.rng
        parts = [rng.choice(STRINGS)]
        for _ in range(rng.choice([0, 0, 1, 3])):
            parts.append(rng.choice(ESCAPES) + rng.choice(STRINGS))
        return '"' + "".join(parts) + '"'


def outcome(text: str, limits: ScanLimits, *, comments: bool, reference: bool) -> Any:
    try:
        if reference:
            root = jsonpos_reference.ReferenceParser(text, limits, allow_comments=comments).document()
            document = Document.of(root, text)
        else:
            document = jsonpos.load_json(text, limits, allow_comments=comments)
    except ManifestError as error:
        return ("error", error.kind, str(error), error.line)
    return described(document.root), document.lines


@pytest.mark.parametrize("seed", range(12))
def test_generated_json_reads_exactly_as_the_reference(seed: int) -> None:
    generator = Generator(seed)
    for _ in range(150):
        text = generator.text()
        for limits in (LIMITS, SMALL_LIMITS):
            for comments in (True, False):
                fast = outcome(text, limits, comments=comments, reference=False)
                assert fast == outcome(text, limits, comments=comments, reference=True), text


def test_the_generated_texts_reach_every_outcome() -> None:
    """Not a vacuous comparison: the texts above parse, fail on syntax, on an escape and on depth."""
    seen = set()
    for seed in range(12):
        generator = Generator(seed)
        for _ in range(150):
            result = outcome(generator.text(), SMALL_LIMITS, comments=True, reference=False)
            seen.add(result[1].value if result[0] == "error" else "parsed")
    assert seen == {"parsed", "parse-error", "depth-limit"}


def test_the_token_regex_matches_as_the_reference_one() -> None:
    """The unrolled, possessive string and blank patterns take exactly what the plain ones took."""
    rng = random.Random(3)
    alphabet = ['"', "\\", "a", " ", "\n", "\r", "\t", "/", "*", "\x1f", "é", "0", "-", "e", ".", "{", "t"]
    for comments in (jsonpos._SPACE_AND_COMMENTS, jsonpos._SPACE):
        fast = re.compile(comments + jsonpos._LEXEME, re.DOTALL)
        slow_space = jsonpos_reference.SPACE_AND_COMMENTS if comments is jsonpos._SPACE_AND_COMMENTS else None
        slow = re.compile((slow_space or jsonpos_reference.SPACE) + jsonpos_reference._LEXEME, re.DOTALL)
        for _ in range(4000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            got, want = fast.match(text), slow.match(text)
            assert (got and (got.span(), got.lastindex)) == (want and (want.span(), want.lastindex)), text
