from __future__ import annotations

import pytest

from bot.core.errors import ManifestError
from bot.core.manifests.dotenv import load_dotenv
from bot.core.tree import Mapping, Scalar, Style
from tests.timing import cpu_seconds

TEXT = """# comment
export BARE = two words # trailing comment
SINGLE='kept \\n verbatim'
DOUBLE="escaped\\nnewline"
MULTI="-----BEGIN KEY-----
abc
-----END KEY-----"
EMPTY=
not an assignment
"""


def _entries(text: str) -> dict[str, Scalar]:
    root = load_dotenv(text).root
    assert isinstance(root, Mapping)
    out: dict[str, Scalar] = {}
    for key, value in root.items:
        assert isinstance(value, Scalar)
        out[str(key.value)] = value
    return out


def test_values_are_decoded_like_dotenv_and_placed_exactly() -> None:
    entries = _entries(TEXT)
    assert list(entries) == ["BARE", "SINGLE", "DOUBLE", "MULTI", "EMPTY"]
    bare = entries["BARE"]
    assert (bare.value, bare.start.line, bare.start.column, bare.end.column) == ("two words", 2, 15, 24)
    assert entries["SINGLE"].value == "kept \\n verbatim" and entries["SINGLE"].style is Style.SINGLE
    assert entries["DOUBLE"].value == "escaped\nnewline" and entries["DOUBLE"].style is Style.DOUBLE
    assert entries["EMPTY"].value == ""


def test_quoted_values_may_span_lines() -> None:
    multi = _entries(TEXT)["MULTI"]
    assert multi.value == "-----BEGIN KEY-----\nabc\n-----END KEY-----"
    assert (multi.start.line, multi.end.line) == (5, 7)


def test_an_unclosed_quote_is_a_parse_error_at_its_line() -> None:
    with pytest.raises(ManifestError) as caught:
        load_dotenv('A=1\nB="never closed\n')
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("A=x # c", "x"),
        ("A=x \t # c # d", "x"),
        ("A=x#y", "x#y"),
        ("A=#x", "#x"),
        ("A=x\t#", "x"),
        ("A=x y  z", "x y  z"),
        ("A=a#b c #d", "a#b c"),
        ("A=x \x0b #c", "x"),
    ],
)
def test_a_comment_in_a_bare_value_starts_at_the_first_blank_then_hash(line: str, value: str) -> None:
    assert _entries(line + "\n")["A"].value == value


@pytest.mark.parametrize("unit", [" ", "\t", " \t"])
def test_a_long_run_of_blanks_in_a_bare_value_is_read_in_linear_time(unit: str) -> None:
    # `[ \t]+#` was tried from every blank of a run and read to its end each time: quadratic, 5 s on a line
    # of 64,000 blanks. Growth is compared, not seconds.
    def load(count: int) -> None:
        load_dotenv("SECRET_KEY=x" + unit * count + "y\n")

    small, large = (cpu_seconds(lambda count=count: load(count)) for count in (5_000, 20_000))
    assert large / max(small, 1e-4) < 10
