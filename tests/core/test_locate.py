"""Where a hit inside a literal block is placed: on its own line, found from the block's newlines, which the
hits of one value share (counting them again from the block's start for each hit was quadratic)."""

from __future__ import annotations

import random

from bot.core.judge import Candidate, Context, Hit
from bot.core.manifests.base import Site
from bot.core.remediation import LineBreaks, locate
from bot.core.rules import RuleSet
from bot.core.tree import Pos, Scalar, Style
from tests.timing import cpu_seconds

RULE = RuleSet.default().rules[0]


def _block(lines: list[str]) -> tuple[Candidate, list[str]]:
    """A literal block under `CONF: |` whose lines are `lines`, and the file's lines."""
    text = "".join(line + "\n" for line in lines)
    scalar = Scalar(text, Pos(1, 7), Pos(len(lines) + 2, 1), Style.LITERAL)
    return Candidate(0, ("CONF",), scalar, Site("CONF")), ["CONF: |", *("  " + line for line in lines), ""]


def _located_as_it_was(hit: Hit, lines: list[str]) -> tuple[int, int, int]:
    """The newlines counted from the block's start for each hit (the placing the shared breaks replaced)."""
    scalar, text = hit.candidate.scalar, hit.candidate.text
    first = scalar.start.line + 1 + text.count("\n", 0, hit.start)
    last = scalar.start.line + 1 + text.count("\n", 0, max(hit.start, hit.end - 1))
    source = lines[first - 1]
    in_line = hit.start - (text.rfind("\n", 0, hit.start) + 1)
    return first, len(source) - len(source.lstrip()) + in_line + 1, min(last, scalar.end.line)


def test_hits_in_a_literal_block_are_placed_as_by_counting_newlines_from_its_start() -> None:
    chance = random.Random(7)
    for _ in range(200):
        lines = ["".join(chance.choice("ab ") for _ in range(chance.randrange(1, 9))) for _ in range(6)]
        candidate, file_lines = _block(lines)
        breaks = LineBreaks(candidate.text)
        for _ in range(5):
            start = chance.randrange(1, len(candidate.text) - 2)
            end = chance.randrange(start + 1, len(candidate.text) - 1)
            hit = Hit(candidate, RULE, start, end, Context.FRAGMENT)
            expected = _located_as_it_was(hit, file_lines)
            assert locate(hit, file_lines, breaks) == expected == locate(hit, file_lines)


def test_many_hits_in_one_literal_block_are_placed_in_linear_time() -> None:
    # 13,600 tokens in a 640 KB block took 21 s in counting newlines alone. Growth is compared, not seconds.
    def place(count: int) -> None:
        candidate, file_lines = _block(["ghp_token " * 4] * count)
        breaks = LineBreaks(candidate.text)
        for line in range(0, count * 41, 41):
            locate(Hit(candidate, RULE, line + 10, line + 19, Context.FRAGMENT), file_lines, breaks)

    small, large = (cpu_seconds(lambda count=count: place(count)) for count in (2_000, 8_000))
    assert large / max(small, 1e-4) < 10
