"""`unparsed._loose_lines` finds comment lines without a regex call per line (issue 16): the lines and
bodies must be those of `_LOOSE_LINE` run over the whole text."""

from __future__ import annotations

import random

import pytest

from bot.core import unparsed


def _by_pattern(text: str) -> list[tuple[int, str]]:
    """What the scanner read before: every match of the multi-line pattern over the whole text."""
    found: list[tuple[int, str]] = []
    for match in unparsed._LOOSE_LINE.finditer(text):
        if match.group("comment") is not None:
            found.append((match.start("comment"), match["comment"]))
        elif match.group("member") is not None:
            found.append((match.start("member"), unparsed._as_assignment(match["member"])))
        else:
            found.append((match.start("tight"), match["tight"].replace(":", "=", 1)))
    return found


_PIECES = [
    "#", "##", "# ", "\t#", "  # DB_PASSWORD: hunter2", "//", '// "Key": "v",', '  //"AzureWebJobs":1',
    'KEY:"value"', "key:'v'", 'a.b-c:"x" # c', "url: https://example.test/#frag", "color: '#fff'",
    "plain: value", "é: ü", "#é", '//"é": 1', "KEY:\"v\"\r", "  ", "", "- item # note", "x:\"", "\ud800",
    "https://host//path", ":'", ':"', "#:'",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(200))
def test_the_lines_are_those_of_the_pattern(seed: int) -> None:
    rng = random.Random(seed)
    lines = [
        rng.choice(_PIECES) + rng.choice(["", "", " tail", "#", '"', ":'x"])
        for _ in range(rng.randint(1, 12))
    ]
    text = "\n".join(lines) + rng.choice(["", "\n"])
    assert unparsed._loose_lines(text) == _by_pattern(text)


def test_a_comment_after_a_value_is_not_a_comment_line() -> None:
    text = "key: value # DB_PASSWORD: hunter2\n  # API_KEY: x\n"
    assert unparsed._loose_lines(text) == [(text.index("API_KEY"), "API_KEY: x")]
