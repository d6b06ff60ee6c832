"""`dumps_indented` writes exactly what `json.dumps(document, indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.findings import Notice, NoticeKind, ScanResult
from bot.reports.json_report import render_json
from bot.reports.jsontext import dumps_indented
from tests.reports.sample import make_finding, sample_results


def standard(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


# Every character class the encoder treats apart: ASCII, control characters, quotes and backslashes,
# non-ASCII of each width, lone surrogates, and the line and paragraph separators.
_TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from('"\\/\x00\x1f\x7f\b\f\n\r\t\u2028\u2029\ud800\udfff\u00e9\u4e2d\U0001f511'),
        st.characters(),
    ),
    max_size=12,
)
_PLAIN_LEAVES = st.one_of(_TEXT, st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70))
_OTHER_LEAVES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.tuples(_TEXT))
_PLAIN = st.recursive(
    _PLAIN_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=30,
)
_ANY = st.recursive(
    st.one_of(_PLAIN_LEAVES, _OTHER_LEAVES),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_TEXT, st.integers(), st.none(), st.booleans()), inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_PLAIN)
def test_plain_documents_match_the_standard_encoder(document: Any) -> None:
    assert dumps_indented(document) == standard(document)


@settings(max_examples=300, deadline=None)
@given(_ANY)
def test_other_types_match_it_too(document: Any) -> None:
    """Floats, tuples and non-string keys are left to `json.dumps`: the text is still the same."""
    assert dumps_indented(document) == standard(document)


def test_empty_containers_and_nesting() -> None:
    for document in ({}, [], {"a": {}}, {"a": []}, [[], {}], {"a": [{"b": [[]]}]}, "", 0, None, True):
        assert dumps_indented(document) == standard(document)


def test_repeated_strings_are_each_written_in_place() -> None:
    """The memo of encoded strings shares texts, never positions: a repeated string is written each time."""
    text = 'line\n"quoted"\t\u00e9'
    document = {text: [text, {text: text}], "k": text}
    assert dumps_indented(document) == standard(document)


def test_unencodable_values_raise_as_the_standard_encoder_does() -> None:
    for document in ({"a": object()}, [{1j: 1}], {"a": {"b": {1, 2}}}):
        with pytest.raises(TypeError) as ours:
            dumps_indented(document)
        with pytest.raises(TypeError) as theirs:
            standard(document)
        assert str(ours.value) == str(theirs.value)


def test_deep_and_circular_documents_get_the_standard_encoders_answer_and_error() -> None:
    """Deeper than this writer's recursion allows (three frames a level), the encoder still writes it."""
    deep: Any = []
    for _ in range(400):
        deep = [deep]
    assert dumps_indented(deep) == json.dumps(deep, indent=2, ensure_ascii=False)
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps_indented(loop)


def test_subclasses_of_plain_types_are_written_as_json_dumps_writes_them() -> None:
    class Name(str):
        pass

    class Count(int):
        def __repr__(self) -> str:
            return "not a number"

    document = {"name": Name("x\ny"), "count": Count(3), Name("key"): [Count(4)]}
    assert dumps_indented(document) == standard(document)


def test_reports_match_the_standard_encoder() -> None:
    """Findings with non-ASCII, control characters and nested notices, as `render_json` builds them."""
    odd = make_finding(
        path="d\u00e9p\u00f4t/serverless.yml", key="provider.environment.T\u00d6KEN\t\x01", line=3
    )
    results = [
        *sample_results(),
        ScanResult(
            odd.path,
            "serverless",
            findings=(odd,),
            notices=(
                Notice(odd.path, NoticeKind.PARSE_ERROR, 'bad \u2028 line "here" \\ \x7f', 9),
                Notice(odd.path, NoticeKind.TRUNCATED, "\U0001f511 " * 3),
            ),
        ),
    ]
    for commits in (None, 7):
        text = render_json(results, files_scanned=5, files_unreadable=1, commits=commits)
        assert text == standard(json.loads(text)) + "\n"
        assert text.endswith("}\n")
