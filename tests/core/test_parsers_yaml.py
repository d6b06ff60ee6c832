from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from bot.core import yamlsafe
from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.tree import Document, Mapping, Pos, Style, split_lines
from bot.core.yamlsafe import load_yaml
from tests.core.treehelpers import mapping, scalar, sequence, span

LIMITS = ScanLimits()


@pytest.fixture(params=["c", "pure"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on libyaml's C parser and on ruamel's pure-Python fallback: both must agree."""
    if request.param == "pure":
        monkeypatch.setattr(yamlsafe, "_CPARSER", None)
    elif yamlsafe._CPARSER is None:
        pytest.skip("ruamel.yaml.clib is not installed")
    return str(request.param)


def one(text: str, limits: ScanLimits = LIMITS) -> Document:
    documents = load_yaml(text, limits)
    assert len(documents) == 1
    return documents[0]


def failure(text: str, limits: ScanLimits = LIMITS) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_yaml(text, limits)
    return caught.value


def test_plain_and_quoted_scalars_have_exact_spans(backend: str) -> None:
    doc = one("key: value\nsingle: 'it''s'\ndouble: \"a\\tb\"\nplain: first\n  second\n")
    key = scalar(doc.lookup(("key",)))
    assert (key.value, key.style, span(key)) == ("value", Style.PLAIN, (1, 6, 1, 11))
    single = scalar(doc.lookup(("single",)))
    assert (single.value, single.style, span(single)) == ("it's", Style.SINGLE, (2, 9, 2, 16))
    double = scalar(doc.lookup(("double",)))
    assert (double.value, double.style, span(double)) == ("a\tb", Style.DOUBLE, (3, 9, 3, 15))
    multi = scalar(doc.lookup(("plain",)))
    assert (multi.value, span(multi)) == ("first second", (4, 8, 5, 9))
    first_key = mapping(doc.root).items[0][0]
    assert (first_key.value, span(first_key)) == ("key", (1, 1, 1, 4))


def test_block_scalars_start_at_indicator_and_end_on_last_content_line(backend: str) -> None:
    doc = one("lit: |\n  line one\n  line two\n\nfold: >-\n  folded\n  text\nnext: 1\n")
    literal = scalar(doc.lookup(("lit",)))
    assert (literal.value, literal.style, span(literal)) == (
        "line one\nline two\n",
        Style.LITERAL,
        (1, 6, 3, 11),
    )
    folded = scalar(doc.lookup(("fold",)))
    assert (folded.value, folded.style, span(folded)) == ("folded text", Style.FOLDED, (5, 7, 7, 7))
    assert span(scalar(doc.lookup(("next",)))) == (8, 7, 8, 8)


def test_flow_and_block_collections(backend: str) -> None:
    doc = one('env: {A: 1, B: [x, "y"]}\nlist:\n  - one\n  - k: v\n')
    env = mapping(doc.lookup(("env",)))
    assert span(env) == (1, 6, 1, 25)
    assert env.keys() == ["A", "B"]
    flow_list = sequence(env.get("B"))
    assert [scalar(item).value for item in flow_list.items] == ["x", "y"]
    assert span(flow_list.items[1]) == (1, 20, 1, 23)
    block = sequence(doc.lookup(("list",)))
    assert span(block) == (3, 3, 4, 9)
    assert span(scalar(doc.lookup(("list", 1, "k")))) == (4, 8, 4, 9)


def test_core_schema_types_plain_scalars_only(backend: str) -> None:
    text = (
        "t: true\nf: False\nn: null\ntilde: ~\nempty:\ni: 123\nneg: -7\nhex: 0x1F\noct: 0o17\n"
        "fl: 1.5\nexp: 1e3\ninf: .inf\nquoted: '123'\nyes: yes\nstr: !!str 12\nversion: 1.2.3\n"
    )
    values = {key.value: scalar(value).value for key, value in mapping(one(text).root).items}
    assert values == {
        "t": True,
        "f": False,
        "n": None,
        "tilde": None,
        "empty": None,
        "i": 123,
        "neg": -7,
        "hex": 31,
        "oct": 15,
        "fl": 1.5,
        "exp": 1000.0,
        "inf": float("inf"),
        "quoted": "123",
        "yes": "yes",
        "str": "12",
        "version": "1.2.3",
    }


def test_cloudformation_short_tags_stay_opaque(backend: str) -> None:
    text = """Resources:
  Fn:
    Properties:
      Name: !Ref FunctionName
      Arn: !GetAtt Role.Arn
      Url: !Sub "https://${Api}.execute-api"
      Parts: !Join ["", [a, !Ref B]]
      Long:
        Fn::Join: ["", ["x", {"Ref": "Y"}]]
      Cond: !If [IsProd, !Ref A, !Ref "AWS::NoValue"]
      Custom: !MyTag {k: v}
      Anchored: &anc !Ref  Value
"""
    props = mapping(one(text).lookup(("Resources", "Fn", "Properties")))
    name = scalar(props.get("Name"))
    assert (name.value, name.tag, span(name)) == ("FunctionName", "!Ref", (4, 18, 4, 30))
    arn = scalar(props.get("Arn"))
    assert (arn.value, arn.tag) == ("Role.Arn", "!GetAtt")
    url = scalar(props.get("Url"))
    assert (url.value, url.tag, url.style, url.start) == (
        "https://${Api}.execute-api",
        "!Sub",
        Style.DOUBLE,
        Pos(6, 17),
    )
    parts = sequence(props.get("Parts"))
    assert parts.tag == "!Join"
    assert scalar(sequence(parts.items[1]).items[1]).tag == "!Ref"
    long_form = mapping(props.get("Long"))
    assert long_form.tag is None
    assert long_form.keys() == ["Fn::Join"]
    ref = mapping(sequence(sequence(long_form.get("Fn::Join")).items[1]).items[1])
    assert (ref.keys(), scalar(ref.get("Ref")).value) == (["Ref"], "Y")
    condition = sequence(props.get("Cond"))
    assert condition.tag == "!If"
    assert [scalar(item).tag for item in condition.items] == [None, "!Ref", "!Ref"]
    assert mapping(props.get("Custom")).tag == "!MyTag"
    anchored = scalar(props.get("Anchored"))
    assert (anchored.value, anchored.tag, anchored.start) == ("Value", "!Ref", Pos(12, 28))


def test_colons_inside_flow_scalars_are_read_by_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    if yamlsafe._CPARSER is None:
        pytest.skip("ruamel.yaml.clib is not installed")

    def no_fallback(text: str) -> Iterator[Any]:
        raise AssertionError("the pure-Python parser was not needed here")

    monkeypatch.setattr(yamlsafe, "_pure_events", no_fallback)
    text = 'Action: [s3:GetObject, "arn:aws:s3:::b/*", !Sub "arn:${AWS::Partition}:x", AWS::StackId]\n'
    action = sequence(one(text).lookup(("Action",)))
    values = [scalar(item).value for item in action.items]
    assert values == ["s3:GetObject", "arn:aws:s3:::b/*", "arn:${AWS::Partition}:x", "AWS::StackId"]
    assert [span(item) for item in action.items] == [
        (1, 10, 1, 22),
        (1, 24, 1, 42),
        (1, 49, 1, 74),
        (1, 76, 1, 88),
    ]
    assert scalar(action.items[2]).tag == "!Sub"


def test_multiple_documents_share_the_text(backend: str) -> None:
    documents = load_yaml("a: 1\n---\nb: 2\n...\n--- just text\n", LIMITS)
    assert [doc.root.start.line for doc in documents] == [1, 3, 5]
    assert scalar(documents[1].lookup(("b",))).value == 2
    assert scalar(documents[2].root).value == "just text"
    assert all(doc.text == documents[0].text for doc in documents)
    assert documents[2].lines is documents[0].lines
    assert documents[0].lines[4] == "--- just text"


def test_empty_stream_has_no_documents(backend: str) -> None:
    assert load_yaml("", LIMITS) == []
    assert load_yaml("# only a comment\n", LIMITS) == []


def test_document_limit(backend: str) -> None:
    error = failure("a: 1\n---\nb: 2\n---\nc: 3\n", ScanLimits(max_documents=2))
    assert error.kind is NoticeKind.PARSE_ERROR
    assert (error.line, "more than 2") == (4, error.message[:11])


def test_aliases_reuse_the_anchored_node_and_merge_keys_merge(backend: str) -> None:
    text = """base: &base
  memory: 128
  token: abc
extra: &extra {region: eu, memory: 64}
fn:
  <<: *base
  memory: 256
both:
  <<: [*extra, *base]
copy: *base
"""
    doc = one(text)
    base = mapping(doc.lookup(("base",)))
    assert doc.lookup(("copy",)) is base
    fn = mapping(doc.lookup(("fn",)))
    assert fn.keys() == ["memory", "token"]
    assert (scalar(fn.get("memory")).value, scalar(fn.get("memory")).start.line) == (256, 7)
    assert fn.get("token") is base.get("token")
    assert scalar(fn.get("token")).start == Pos(3, 10)
    both = mapping(doc.lookup(("both",)))
    assert {key.value: scalar(value).value for key, value in both.items} == {
        "region": "eu",
        "memory": 64,
        "token": "abc",
    }


def test_duplicate_keys_are_all_kept_in_order(backend: str) -> None:
    root = mapping(one("key: first\nkey: second\n").root)
    assert [scalar(value).value for _, value in root.items] == ["first", "second"]
    assert scalar(root.get("key")).value == "first"


def test_billion_laughs_stops_at_the_alias_limit(backend: str) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    error = failure("\n".join(lines) + "\n")
    assert error.kind is NoticeKind.ALIAS_LIMIT
    assert error.line == 4  # a1 expands to 90 nodes, a2 to 819, the first *a2 in a3 passes 1,000


def test_alias_budget_is_per_document(backend: str) -> None:
    small = ScanLimits(max_alias_expansions=4)
    text = "a: &x [1, 2]\nb: *x\n---\na: &x [1, 2]\nb: *x\n"
    assert len(load_yaml(text, small)) == 2
    assert failure("a: &x [1, 2]\nb: *x\nc: *x\n", small).kind is NoticeKind.ALIAS_LIMIT


def test_undefined_and_self_referencing_aliases_are_parse_errors(backend: str) -> None:
    assert (failure("a: 1\nb: *nowhere\n").kind, failure("a: 1\nb: *nowhere\n").line) == (
        NoticeKind.PARSE_ERROR,
        2,
    )
    assert failure("a: &loop [*loop]\n").kind is NoticeKind.PARSE_ERROR


@pytest.mark.parametrize(
    "text", ["[" * 10_000 + "]" * 10_000, "- " * 10_000 + "x\n", "{a: " * 10_000 + "}" * 10_000]
)
def test_deep_nesting_stops_at_the_depth_limit(backend: str, text: str) -> None:
    assert failure(text).kind is NoticeKind.DEPTH_LIMIT


def test_depth_limit_is_configurable(backend: str) -> None:
    limits = ScanLimits(max_depth=3)
    assert scalar(one("a: {b: [x]}\n", limits).lookup(("a", "b", 0))).value == "x"
    error = failure("a: {b: [{c: x}]}\n", limits)
    assert (error.kind, error.line) == (NoticeKind.DEPTH_LIMIT, 1)


def test_syntax_error_names_the_line_but_never_the_text(backend: str) -> None:
    secret = "ghp_" + "A1b2" * 9
    error = failure(f"service: api\nprovider:\n  token: {secret}: '{secret}'\n")
    assert error.kind is NoticeKind.PARSE_ERROR
    assert error.line == 3
    assert "line 3" in error.message
    assert secret not in error.message
    assert secret[:8] not in error.message
    assert error.__suppress_context__


@pytest.mark.parametrize(
    "text",
    [
        'a: "unterminated {s}\nb: 1\n',
        'a: "bad escape \\q{s}"\n',
        "a: [unclosed, {s}\nb: c\n",
        "a:\n\t- {s}\n",
        "a: !e!tag {s}\n",
        "x: [{{a: 1}}:{s}]\n",
    ],
)
def test_no_error_message_quotes_the_source(backend: str, text: str) -> None:
    secret = "sk_live_" + "Q7w" * 8
    error = failure(text.format(s=secret))
    assert error.kind is NoticeKind.PARSE_ERROR
    assert error.line is not None
    assert "Q7wQ7w" not in error.message


def test_unsupported_yaml_version_is_a_parse_error(backend: str) -> None:
    assert failure("%YAML 1.3\n--- text\n").kind is NoticeKind.PARSE_ERROR


def test_collection_keys_are_refused(backend: str) -> None:
    error = failure("? [a, b]\n: value\n")
    assert (error.kind, error.line) == (NoticeKind.PARSE_ERROR, 1)


def test_control_characters_are_a_parse_error(backend: str) -> None:
    error = failure("a: 1\nb: x\x01y\n")
    assert (error.kind, error.line) == (NoticeKind.PARSE_ERROR, 2)


def test_yaml_that_only_the_pure_parser_accepts_is_read_when_small() -> None:
    text = "%FUTURE directive\n---\nname: value\n"
    assert scalar(one(text).lookup(("name",))).value == "value"
    padded = text + "# padding\n" * 7_000
    if yamlsafe._CPARSER is not None:
        assert failure(padded).kind is NoticeKind.PARSE_ERROR


def test_yaml_surrogate_escapes_are_joined_and_lone_ones_replaced() -> None:
    [doc] = load_yaml('a: "\\ud83d\\ude00"\nb: "x\\ud800y"\n', ScanLimits())
    assert isinstance(doc.root, Mapping)
    assert [value.value for _, value in doc.root.items] == ["\U0001f600", "x\ufffdy"]


def test_a_parse_leaves_no_reference_cycle() -> None:
    """The tree is freed as soon as its last user lets go of it, not when the cyclic collector next runs
    (a composer that kept bound methods of itself made every tree cyclic garbage: issue 16)."""
    text = "a: &x [1, {b: !Ref c}]\nd: *x\n---\ne: 'f'\n"
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        docs = load_yaml(text, LIMITS)
        gc.collect()
        cyclic = {type(garbage).__module__ for garbage in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert len(docs) == 2
    assert not {module for module in cyclic if module.startswith("bot.")}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tagged_and_block_scalars_keep_their_positions_whatever_the_line_breaks(newline: str) -> None:
    """Positions past a tag and a block scalar's last line are read from the text's lines, split faster when
    the text is ASCII without `\\r` (issue 16): every kind of break gives the same positions."""
    text = "a: &x\n  !Ref b\nc: >\n  y\n  z\n\n\n".replace("\n", newline)
    root, wide = one(text).root, one("k: \u00e9\n\u2028a: !Ref b\nc: |\n  x\n\n").root
    assert isinstance(root, Mapping)
    assert isinstance(wide, Mapping)
    assert [(node.start, node.end) for _, node in root.items] == [
        (Pos(2, 8), Pos(2, 9)),
        (Pos(3, 4), Pos(5, 4)),
    ]
    assert [(node.start, node.end) for _, node in wide.items][1:] == [
        (Pos(3, 9), Pos(3, 10)),
        (Pos(4, 4), Pos(5, 4)),
    ]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\nb\n", ("a", "b")),
        ("a\r\nb\r\n", ("a", "b")),
        ("a\r\nb", ("a", "b")),
        ("a\n\n", ("a", "")),
        ("", ()),
    ],
)
def test_document_lines_drop_the_carriage_returns_and_the_last_break(
    text: str, lines: tuple[str, ...]
) -> None:
    assert split_lines(text) == lines
