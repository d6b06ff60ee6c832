"""The YAML loader's fast paths against a slow, obvious reference, on thousands of generated texts.

The reference composes every event through the composer's general handlers (no inlined scalar path),
builds every node with the dataclass constructors, and finds a value's start past its tag and anchor with
the character loop the composer used before its regex. Documents must agree exactly: node types, values
(and their Python types), styles, tags, positions, lines; failures must agree in kind, message and line.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from bot.core import yamlcompose, yamlsafe
from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.tree import Document, Mapping, Pos, Scalar, Sequence, split_lines
from bot.core.yamlsafe import load_yaml
from tests.core.treehelpers import described

LIMITS = ScanLimits()
SMALL_LIMITS = ScanLimits(max_depth=4, max_alias_expansions=12, max_documents=3)
WORDS = ["a", "key", "name", "Résumé", "日本", "x:y", "s3:GetObject", "arn:aws:s3:::b/*", "${self:custom.x}"]
WORDS += ["true", "no", "null", "~", "12", "-3", "0x1F", "0o17", "1.5e3", ".inf", ".NaN", "<<", "", "😀"]
TAGS = ["!Ref", "!Sub", "!GetAtt", "!!str", "!!int", "!!map", "!!seq", "!", "!t:x", "!If"]
# Keys that only the careful pairing of a mapping's children handles: collections, merge keys in disguise.
ODD_KEYS = ["[k, j]", "{k: j}", "!!str <<", "'<<'", '"<<"', "? [x, y]", "? - z", "! <<", "<< "]


def reference_value_start(composer: yamlcompose.Composer, start: Any, limit: Any | None) -> Pos:
    """`Composer._value_start` as it was written first: one character at a time."""
    if composer._lines is None:
        composer._lines = yamlcompose._split_lines(composer._text)
    lines, line, column = composer._lines, start.line, start.column
    while line < len(lines):
        text = lines[line]
        while column < len(text) and text[column] in " \t":
            column += 1
        if column >= len(text) or (text[column] == "#" and (column == 0 or text[column - 1] in " \t")):
            line, column = line + 1, 0
        elif text[column] in "!&":
            while column < len(text) and text[column] not in " \t":
                column += 1
        else:
            break
    if limit is not None and (line, column) > (limit.line, limit.column):
        line, column = limit.line, limit.column
    return Pos(line + 1, column + 1)


def reference_documents(composer: yamlcompose.Composer, events: Iterator[Any]) -> list[Document]:
    """Every event through its general handler."""
    for event in events:
        handler = yamlcompose._HANDLERS.get(type(event))
        if handler is not None:
            handler(composer, event)
    return composer._docs


def outcome(text: str, limits: ScanLimits) -> Any:
    """Everything a caller can observe of a load: each document's tree and lines, or the failure."""
    try:
        documents = load_yaml(text, limits)
    except ManifestError as error:
        return ("error", error.kind, str(error), error.line)
    return [(described(document.root), document.text == text, document.lines) for document in documents]


def lines_as_split(text: str, limits: ScanLimits) -> bool:
    """Each document's lines are the text's as `split_lines` gives them (the composer may reuse its own)."""
    try:
        documents = load_yaml(text, limits)
    except ManifestError:
        return True
    return all(document.lines == split_lines(text) for document in documents)


def reference_outcome(text: str, limits: ScanLimits) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlcompose.Composer, "documents", reference_documents)
        patch.setattr(yamlcompose.Composer, "_value_start", reference_value_start)
        patch.setattr(yamlcompose, "pos", Pos)
        patch.setattr(yamlcompose, "scalar", Scalar)
        patch.setattr(yamlcompose, "mapping", Mapping)
        patch.setattr(yamlcompose, "sequence", Sequence)
        return outcome(text, limits)


class Generator:
    """Random YAML: block and flow collections, every scalar style, tags, anchors and aliases, merge keys,
    comments, several documents, and now and then a syntax error or a nesting past the limits."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.anchors: list[str] = []

    def text(self) -> str:
        rng = self.rng
        documents = []
        for index in range(rng.choice([1, 1, 1, 2, 4])):
            self.anchors = []
            body = self.block(0, rng.randint(1, 4))
            marker = (
                rng.choice(["---\n", "--- # c\n", "--- !Tagged\n"]) if index or rng.random() < 0.2 else ""
            )
            documents.append(marker + body + rng.choice(["", "", "...\n", "# end\n"]))
        text = "".join(documents)
        if rng.random() < 0.15:
            text = self.broken(text)
        if rng.random() < 0.2:
            text = text.replace("\n", "\r\n")
        return text

    def broken(self, text: str) -> str:
        rng = self.rng
        cut = rng.randint(0, len(text))
        return (
            text[:cut]
            + rng.choice(["[", "{a: ", "\t", "- x\n y: z\n", "'", '"\\q"', ": :", "*nowhere ", "\x00"])
            + text[cut:]
        )

    def block(self, indent: int, depth: int) -> str:
        rng = self.rng
        pad = " " * indent
        lines = []
        if rng.random() < 0.5 or depth <= 0:
            for _ in range(rng.randint(1, 4)):
                key = rng.choice([*WORDS[:9], "<<", "'q k'", '"d\\tk"', "? explicit"])
                if rng.random() < 0.08:
                    key = rng.choice([*ODD_KEYS, *(f"*{anchor} " for anchor in self.anchors)])
                    key = self.properties() + key if key[0] not in "?*" else key
                if key.startswith("? ") and key != "? explicit":
                    lines.append(f"{pad}{key}\n{pad}:{self.value(indent, depth)}")
                    continue
                if key == "<<" and self.anchors:
                    several = "[" + ", ".join("*" + anchor for anchor in self.anchors[:2]) + "]"
                    lines.append(f"{pad}<<: {rng.choice(['*' + rng.choice(self.anchors), several])}\n")
                    continue
                if key == "? explicit":
                    lines.append(f"{pad}? explicit\n{pad}: {self.scalar()}\n")
                    continue
                lines.append(f"{pad}{key}:{self.value(indent, depth)}")
        else:
            for _ in range(rng.randint(1, 4)):
                lines.append(f"{pad}-{self.value(indent, depth)}")
        if rng.random() < 0.3:
            lines.insert(rng.randint(0, len(lines)), f"{pad}# comment: [x]\n")
        return "".join(lines)

    def value(self, indent: int, depth: int) -> str:
        """What follows a key's colon or a dash, with its line break."""
        rng = self.rng
        choice = rng.random()
        props = self.properties()
        if depth > 0 and choice < 0.35:
            child = self.block(indent + rng.choice([2, 4]), depth - 1)
            return f" {props}\n{child}" if props else f"\n{child}"
        if depth > 0 and choice < 0.5:
            return f" {props}{self.flow(depth)}\n"
        if choice < 0.58:
            style = rng.choice(["|", ">", "|-", ">+", "|2"])
            body = "".join(
                " " * (indent + 2) + rng.choice(WORDS[:6]) + "\n" for _ in range(rng.randint(1, 3))
            )
            return f" {props}{style}\n{body}" + rng.choice(["", "\n"])
        if choice < 0.64 and self.anchors:
            return f" *{rng.choice(self.anchors)}\n"
        if choice < 0.68:
            return f" {props}\n" if props else "\n"
        return f" {props}{self.scalar()}" + rng.choice(["\n", "\n", "  # note\n"])

    def properties(self) -> str:
        rng = self.rng
        out = ""
        if rng.random() < 0.12:
            anchor = f"a{len(self.anchors)}"
            self.anchors.append(anchor)
            out += f"&{anchor} "
        if rng.random() < 0.15:
            out += rng.choice(TAGS) + " "
        return out

    def scalar(self) -> str:
        rng = self.rng
        word = rng.choice([w for w in WORDS if w != ""])
        return rng.choice([word, word, f"'{word}'", f'"{word}\\u00e9"', f"{word} {word}", f"{word}:{word}"])

    def flow(self, depth: int) -> str:
        rng = self.rng
        items = []
        for _ in range(rng.randint(0, 3)):
            item = self.flow(depth - 1) if depth > 0 and rng.random() < 0.3 else self.scalar()
            if rng.random() < 0.1 and self.anchors:
                item = "*" + rng.choice(self.anchors)
            items.append(self.properties() + item)
        if rng.random() < 0.5:
            return "[" + ", ".join(items) + "]"
        keys = [rng.choice(["<<", "'<<'", "[k]"] if rng.random() < 0.1 else WORDS[:9]) for _ in items]
        return "{" + ", ".join(f"{key}: {item}" for key, item in zip(keys, items, strict=True)) + "}"


@pytest.mark.parametrize("seed", range(20))
def test_generated_yaml_loads_exactly_as_the_reference(seed: int) -> None:
    generator = Generator(seed)
    for _ in range(60):
        text = generator.text()
        for limits in (LIMITS, SMALL_LIMITS):
            assert outcome(text, limits) == reference_outcome(text, limits), text
            assert lines_as_split(text, limits), text


@pytest.mark.parametrize("seed", range(3))
def test_generated_yaml_loads_exactly_as_the_reference_without_libyaml(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pure-Python parser's events (tags as `Tag` objects, plain style None) take the same paths."""
    monkeypatch.setattr(yamlsafe, "_CPARSER", None)
    generator = Generator(seed)
    for _ in range(30):
        text = generator.text()
        assert outcome(text, SMALL_LIMITS) == reference_outcome(text, SMALL_LIMITS), text


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\nc: *x\n" + "d: [*x, *x, *x, *x, *x, *x]\n",
        "a: &x [[[1, 2, 3], [4, 5, 6]]]\nb: *x\nc: *x\n",  # sizes of nested collections add up
        "a: &y [1, 2]\nb: &x {k: [*y, *y], j: {i: *y}}\nc: *x\n",
        "a: &k <<\nb: &m {x: 1}\nc: {*k : *m, y: 2}\nd: {!!str << : *m}\ne: {'<<': *m}\n",
        "k: " + "[" * 9 + "]" * 9 + "\n",
        "---\na: 1\n" * 5,
        "a: !Ref\n  # c\n  x\nb: &n !Sub  'q'\nc: ! &m\n  - 1\n",
        "a: [!t x, &y !u {b: c}, ! d]\n",
        "\ufeffa: é\r\nb: 日本 # 😀\r\n",
    ],
)
def test_hand_picked_yaml_loads_exactly_as_the_reference(text: str) -> None:
    for limits in (LIMITS, SMALL_LIMITS):
        assert outcome(text, limits) == reference_outcome(text, limits)


def test_value_start_matches_the_character_loop() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(" \t!&#ab:\n") for _ in range(rng.randint(0, 30)))
        lines = yamlcompose._split_lines(text)
        line = rng.randrange(len(lines))
        start = Pos(line, rng.randint(0, len(lines[line]) + 1))
        limit = rng.choice([None, Pos(rng.randint(0, len(lines)), rng.randint(0, 5))])
        fast = yamlcompose.Composer(text, LIMITS)._value_start(start, limit)
        assert fast == reference_value_start(yamlcompose.Composer(text, LIMITS), start, limit), (
            text,
            start,
            limit,
        )


def test_split_lines_breaks_where_the_regex_does() -> None:
    """`str.split` is taken only when it breaks the text exactly as YAML's line-break regex does."""
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("ab é\n\r\x85\u2028\u2029日") for _ in range(rng.randint(0, 12)))
        assert yamlcompose._split_lines(text) == yamlcompose._LINE_BREAK.split(text), repr(text)


def tagged_scalar_texts(rng: random.Random) -> Iterator[str]:
    """Tagged scalars of every style, on their tag's line or below it, in block and flow context, with
    quotes, blanks, tabs, stand-ins and byte order marks: where the composer reads a value's start from its
    end mark and length instead of from the text (`yamlcompose._one_line_width`)."""
    values = [
        "x",
        "a b",
        "it''s",
        "''",
        "s3:GetObject",
        "a\\tb",
        "日本",
        "😀 x",
        "",
        "<<",
        "12",
        "${AWS::Region}",
    ]
    for _ in range(400):
        value = rng.choice(values)
        scalar = rng.choice(
            [value, f"'{value}'", f'"{value}"', f"'{value}\n  {value}'", f"{value}\n  {value}"]
        )
        tag = rng.choice(["!Ref", "!Sub", "!!str", "!", "!t:x", "!Ref\t"])
        gap = rng.choice([" ", "  ", "\t", "\n  ", " # c\n  "])
        item = f"{tag}{gap}{scalar}"
        shape = rng.choice(["k: {}\n", "- {}\n", "k: [{}, y]\n", "{{k: {}}}\n", "a:\n  b: {}\n  c: d\n"])
        text = rng.choice(["", "\ufeff", "x: y\n"]) + shape.format(item)
        yield text.replace("\n", "\r\n") if rng.random() < 0.1 else text


def test_tagged_scalars_start_where_the_reference_finds_them() -> None:
    rng = random.Random(5)
    for text in tagged_scalar_texts(rng):
        assert outcome(text, LIMITS) == reference_outcome(text, LIMITS), repr(text)


def test_tagged_scalars_start_where_the_reference_finds_them_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pure parser counts no column for a byte order mark: the text is read then, not the marks."""
    monkeypatch.setattr(yamlsafe, "_CPARSER", None)
    rng = random.Random(6)
    for text in tagged_scalar_texts(rng):
        assert outcome(text, LIMITS) == reference_outcome(text, LIMITS), repr(text)


def compose_c_masked_first(text: str, limits: ScanLimits) -> list[Document]:
    """`yamlsafe._compose_c` as it was: the masked text first, whatever the text holds."""
    masked = yamlsafe._INNER_COLON.sub(yamlcompose.COLON_STAND_IN, text)
    if yamlcompose.COLON_STAND_IN not in text and masked != text:
        try:
            return yamlcompose.Composer(text, limits, stand_in=True).documents(yamlsafe._c_events(masked))
        except yamlsafe.YAMLError:
            pass
    return yamlcompose.Composer(text, limits).documents(yamlsafe._c_events(text))


def colon_texts(rng: random.Random) -> Iterator[str]:
    """Colons where libyaml reads a colon and the stand-in differently: in flow scalars (one line or
    several), anchors, aliases, tags and directives; beside `${...}`, comments, quotes and block scalars;
    with limits crossed before or after them."""
    pieces = [
        "k: [s3:GetObject, b]\n",
        "k: [\n  s3:Get,\n  x]\n",
        "k: [a,\n  s3:Get]\n",
        "k: {a: b:c}\n",
        "k: ${self:custom.x}\n",
        "k: !Sub '${AWS::Region}:x'\n",
        "k: arn:aws:s3:::b/*\n",
        "k: &a:b x\n",
        "k: *a:b\n",
        "k: !t:x y\n",
        "k: [!t:x y]\n",
        "# see http://x.y/z: [q:r]\n",
        "k: |\n  a:b [c:d]\n",
        "k: 'a:b'\n",
        "- [x:y, {p:q: r}]\n",
        "k: &x [1, 2]\nj: [*x, *x, *x, *x]\n",
        "k: " + "[" * 5 + "a:b" + "]" * 5 + "\n",
        "k: [a: b]\n",
        "k: [\n",
        "k: \ue000\n",
    ]
    for _ in range(600):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        prefix = rng.choice(["", "", "%TAG !e! tag:e.com,2000:a/\n---\n", "---\n"])
        yield prefix + body


@pytest.mark.parametrize("masked_first", [None, True, False])
def test_either_text_may_be_read_first(masked_first: bool | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_compose_c` reads the original first when no colon seems to be in a flow scalar: the outcome is the
    one the masked text read first gives, whichever way the guess goes."""
    if masked_first is not None:
        monkeypatch.setattr(yamlsafe, "_may_need_stand_in", lambda text: masked_first)
    rng = random.Random(9)
    texts = [*colon_texts(rng), *(Generator(seed).text() for seed in range(300))]
    for text in texts:
        for limits in (LIMITS, SMALL_LIMITS):
            new = outcome(text, limits)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(yamlsafe, "_compose_c", compose_c_masked_first)
                assert new == outcome(text, limits), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "k: {a: 1,\n  ?:b}\n",
        "k: [a,\n  ?:b,\n  z]\n",
        "k: {a: 1,\n  ?:'b'}\n",
        "k: {a: 1,\n  ?:&z b}\n",
        "k: [a,\n  ?::b]\n",
        "k: {a: 1,\n   ?:a\n  }\n",
    ],
)
def test_a_colon_after_a_flow_key_indicator_reads_as_the_masked_text_first(text: str) -> None:
    """A colon right after a flow `?` is the one place where libyaml reads a colon and the stand-in both
    without error but differently: `{?:b}` is the value `b` under an empty key as written, and the key `:b`
    masked. The masked reading was the scanner's before the original was read first (issue 16), so such a
    text is still read masked first, wherever the `?:` is in its collection (here on a line after the
    opening bracket's, where no colon seemed to be in a flow scalar)."""
    assert yamlsafe._may_need_stand_in(text)
    for limits in (LIMITS, SMALL_LIMITS):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(yamlsafe, "_compose_c", compose_c_masked_first)
            reference = outcome(text, limits)
        assert outcome(text, limits) == reference


def test_a_token_after_a_flow_key_indicator_is_found_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan of a manifest with `?:<token>` on a line of a flow mapping after its brace's: the same
    finding (key, message, fingerprint) as when the masked text was always read first (issue 16)."""
    from bot.core.config import ScanConfig
    from bot.core.scanner import scan_file
    from tests.core.test_scanner_cases import GITHUB, RULESET

    text = f"service: svc\nprovider:\n  name: aws\n  environment: {{STAGE: dev,\n    ?:{GITHUB}}}\n"
    config = ScanConfig(fingerprint_key=b"ab" * 32)
    new = scan_file("serverless.yml", text.encode(), ruleset=RULESET, config=config)
    monkeypatch.setattr(yamlsafe, "_compose_c", compose_c_masked_first)
    reference = scan_file("serverless.yml", text.encode(), ruleset=RULESET, config=config)
    assert [finding.rule for finding in reference.findings] == ["github-pat"]
    assert new == reference
