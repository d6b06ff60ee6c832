from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.jsonpos import load_json
from bot.core.tree import Document, Mapping, Pos, Sequence, Style, walk_scalars
from tests.core.treehelpers import plain, scalar, span
from tests.timing import cpu_seconds

LIMITS = ScanLimits()


def failure(text: str, *, allow_comments: bool = False, limits: ScanLimits = LIMITS) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_json(text, limits, allow_comments=allow_comments)
    return caught.value


SETTINGS = """{
  "IsEncrypted": false,
  "Values": {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "Port": 7071,
    "Ratio": -2.5e1,
    "Tags": ["a", null, true]
  }
}
"""


def test_every_value_has_an_exact_span() -> None:
    doc = load_json(SETTINGS, LIMITS)
    assert isinstance(doc, Document)
    assert span(doc.root) == (1, 1, 9, 2)
    storage = scalar(doc.lookup(("Values", "AzureWebJobsStorage")))
    assert (storage.value, storage.style, span(storage)) == (
        "UseDevelopmentStorage=true",
        Style.DOUBLE,
        (4, 28, 4, 56),
    )
    assert isinstance(doc.root, Mapping)
    key = next(key for key, _ in doc.root.items if key.value == "Values")
    assert (key.style, span(key)) == (Style.DOUBLE, (3, 3, 3, 11))
    assert span(scalar(doc.lookup(("Values", "Port")))) == (5, 13, 5, 17)
    tags = doc.lookup(("Values", "Tags"))
    assert isinstance(tags, Sequence)
    assert span(tags) == (7, 13, 7, 30)
    assert span(tags.items[2]) == (7, 25, 7, 29)


def test_numbers_and_literals_are_typed() -> None:
    values = plain(load_json(SETTINGS, LIMITS).root)
    assert values == json.loads(SETTINGS)
    assert type(values["Values"]["Port"]) is int
    assert type(values["Values"]["Ratio"]) is float
    assert scalar(load_json(SETTINGS, LIMITS).lookup(("Values", "Port"))).style is Style.PLAIN


def test_escapes_are_decoded_and_positions_count_source_characters() -> None:
    doc = load_json('{"k": "caf\\u00e9\\n", "next": "x"}', LIMITS)
    value = scalar(doc.lookup(("k",)))
    assert value.value == "café\n"
    assert span(value) == (1, 7, 1, 20)
    assert span(scalar(doc.lookup(("next",)))) == (1, 30, 1, 33)


def test_non_ascii_columns_are_characters() -> None:
    doc = load_json('{"名前": "é", "b": 1}', LIMITS)
    assert span(scalar(doc.lookup(("名前",)))) == (1, 8, 1, 11)
    assert scalar(doc.lookup(("b",))).start == Pos(1, 18)


def test_duplicate_keys_are_all_kept() -> None:
    root = load_json('{"a": 1, "a": 2}', LIMITS).root
    assert isinstance(root, Mapping)
    assert [scalar(value).value for _, value in root.items] == [1, 2]


JSONC = """{
  // wrangler settings
  "name": "worker", /* inline */
  "vars": {
    "A": 1,
  },
  "routes": ["x", ],
}
"""


def test_comments_and_trailing_commas_only_when_allowed() -> None:
    doc = load_json(JSONC, LIMITS, allow_comments=True)
    assert plain(doc.root) == {"name": "worker", "vars": {"A": 1}, "routes": ["x"]}
    assert span(scalar(doc.lookup(("vars", "A")))) == (5, 10, 5, 11)
    assert span(doc.lookup(("routes",))) == (7, 13, 7, 20)  # type: ignore[arg-type]
    error = failure(JSONC)
    assert (error.kind, error.line) == (NoticeKind.PARSE_ERROR, 2)
    assert failure('{"a": [1, 2,]}').message.endswith("(no trailing comma)")
    assert failure('{"a": 1,}').line == 1


def test_unterminated_comment_is_an_error() -> None:
    assert failure('{"a": 1} /* open', allow_comments=True).kind is NoticeKind.PARSE_ERROR


def test_a_comment_is_never_read_back_as_a_token() -> None:
    # The blanks' pattern once gave a `//` comment's characters back when the next token was missing, so
    # `{"a": 1 // }` at the end of a file closed its object from inside the comment.
    assert failure('{"a": 1 // }', allow_comments=True).kind is NoticeKind.PARSE_ERROR
    assert failure('{"a": 1 /* } */', allow_comments=True).kind is NoticeKind.PARSE_ERROR
    assert plain(load_json('{"a": 1 // }\n}', LIMITS, allow_comments=True).root) == {"a": 1}


@pytest.mark.parametrize("unit", [" ", "\n", "//", "//\n", "/* */", " /**/ "])
@pytest.mark.parametrize("comments", [True, False])
def test_runs_of_blanks_and_comments_before_a_bad_character_fail_in_linear_time(
    unit: str, comments: bool
) -> None:
    # 28 blanks before a `#` took 58 s: the blanks' group could split a run between its iterations in
    # every way before giving up. Growth is compared, not seconds (a slow machine must not fail it).
    def attempt(count: int) -> None:
        with pytest.raises(ManifestError):
            load_json('{"a":' + unit * count + "#}", LIMITS, allow_comments=comments)

    small, large = (cpu_seconds(lambda count=count: attempt(count)) for count in (5_000, 20_000))
    assert large / max(small, 1e-4) < 10


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("   \n", 2),
        ('{"a": 1', 1),
        ('{"a" 1}', 1),
        ("[1 2]", 1),
        ("{,}", 1),
        ("01", 1),
        ('{"a": 1}\n{"b": 2}', 2),
        ("[NaN]", 1),
        ('{\n"a": "tab\there"}', 2),
        ('{\n\n"a": "bad \\q escape"}', 3),
    ],
)
def test_syntax_errors_report_the_line(text: str, line: int) -> None:
    error = failure(text)
    assert (error.kind, error.line) == (NoticeKind.PARSE_ERROR, line)
    assert f"line {line}" in error.message


def test_error_messages_never_quote_the_text() -> None:
    secret = "xoxb-" + "9k2M" * 8
    for text in (
        f'{{\n  "a": 1,\n  "token": "{secret}" "{secret}"\n}}',
        f'{{\n  "a": 1,\n  "token": "{secret}\n}}',
        f'{{\n  "a": 1,\n  "token": {secret}\n}}',
    ):
        error = failure(text)
        assert error.line == 3
        assert "9k2M9k2M" not in error.message


@pytest.mark.parametrize("opening", ["[", '{"a": '])
def test_deep_nesting_stops_at_the_depth_limit(opening: str) -> None:
    text = opening * 10_000 + "1" + ("]" if opening == "[" else "}") * 10_000
    error = failure(text)
    assert (error.kind, error.line) == (NoticeKind.DEPTH_LIMIT, 1)


def test_depth_limit_is_configurable() -> None:
    limits = ScanLimits(max_depth=2)
    assert plain(load_json('{"a": [1]}', limits).root) == {"a": [1]}
    assert failure('{"a": [[1]]}', limits=limits).kind is NoticeKind.DEPTH_LIMIT


def test_scalar_root_and_huge_integers() -> None:
    assert scalar(load_json(' "only" ', LIMITS).root).value == "only"
    assert scalar(load_json("9" * 5000, LIMITS).root).value == float("inf")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(json_values, st.booleans())
def test_values_match_json_loads_and_positions_point_at_the_values(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=ascii_only)
    doc = load_json(text, LIMITS)
    assert plain(doc.root) == json.loads(text)
    lines = text.split("\n")
    for _, found in walk_scalars(doc.root):
        assert found.start.line == found.end.line
        source = lines[found.start.line - 1][found.start.column - 1 : found.end.column - 1]
        assert json.loads(source) == found.value


def test_surrogate_escapes_are_joined_and_lone_ones_replaced() -> None:
    doc = load_json('{"a": "\\ud83d\\ude00", "b": "x\\ud800y"}', ScanLimits())
    assert isinstance(doc.root, Mapping)
    assert [value.value for _, value in doc.root.items] == ["\U0001f600", "x\ufffdy"]
