"""A value that is one plain Serverless variable is read by one match (issue 16); the answer must be the one
of every pattern family and the variable parser (`references._analyze_all`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import references

_SOURCES = ["self", "file", "env", "opt", "a1B", "Self", "ctx", "context", "input", "process", "os", "getenv"]
_PIECES = [
    *_SOURCES, "${", "}", "(", ")", ":", "custom.x", "./resource/vpc.yml", ".env", "process.env.KEY",
    "import.meta.env.KEY", "-", "=", "?", "+", "a-b", "_", "9", "{{", "}}", "{%", "%", "@", "[", "]", ";",
    "'", '"', ",", " ", "\n", "$", "$.", "\\", "!", "ENC[", "é", "{",
]  # fmt: skip
_JOINED = st.lists(st.sampled_from(_PIECES), max_size=5).map("".join)
_PLAINISH = st.builds(
    lambda source, param, address: "${" + source + param + address + "}",
    st.sampled_from(_SOURCES),
    st.one_of(st.just(""), _JOINED.map(lambda piece: f"({piece})")),
    st.one_of(st.just(""), _JOINED.map(lambda piece: f":{piece}")),
)
_TEXTS = st.one_of(
    _PLAINISH,
    st.tuples(_PLAINISH, st.sampled_from(["", " ", "\n", "x", "$", "}"])).map("".join),
    st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
)


@settings(max_examples=1500, deadline=None)
@given(_TEXTS)
def test_plain_variables_as_with_every_pattern(text: str) -> None:
    assert references._analyze(text) == references._analyze_all(text)


def test_the_shortcut_takes_the_common_values() -> None:
    for text in ("${self:custom.stage}", "${file(./resource/vpc.yml)}", "${file(./s.json):KEY}", "${self}"):
        assert references._PLAIN_VARIABLE.fullmatch(text) is not None
        assert references._analyze(text) == references._analyze_all(text)
    for text in ("${self:process.env.KEY}", "${self:-x}", "${opt:stage, 'dev'}", " ${self:x}"):
        assert references._analyze(text) == references._analyze_all(text)
    assert references._analyze("${self:process.env.KEY}").references[0].kind is references.RefKind.ENV_READ
