"""YAML to position-carrying trees, with hard limits and every tag kept opaque.

We compose nodes ourselves from ruamel.yaml's event stream instead of letting ruamel construct Python
objects, because:
- no tag needs a constructor: CloudFormation short forms (`!Ref`, `!Sub`, ...) and any custom tag are
  kept as a plain string on the node, so nothing in a repository can make us instantiate anything;
- an alias re-uses the node built for its anchor, and its size is added to a per-document budget, so a
  "billion laughs" file fails after a few events instead of expanding;
- the composer is iterative and stops at the depth limit, so pathological nesting cannot exhaust the stack;
- the events come from libyaml through `ruamel.yaml.clib` when it is installed: a 35 KB template yields
  its events in about 3 ms, against about 55 ms for ruamel's pure-Python parser, which is the fallback.

Positions are 1-based. A scalar starts at its first character (the opening quote of a quoted scalar, the
`|`/`>` indicator of a block scalar; a tag or anchor before it is not part of it) and ends one column past
its last character; a block scalar ends on its last non-blank content line.

Duplicate keys are all kept, in document order, so that no value is hidden from the scanner
(`Mapping.get` returns the first). Merge keys (`<<: *base`, `<<: [*a, *b]`) are resolved: see
`bot.core.yamlschema.mapping_items`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import ruamel.yaml.main
from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from bot.core.config import ScanLimits
from bot.core.decoding import SURROGATE, paired_surrogates
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.nodes import mapping, pos, scalar, scalar_at, sequence
from bot.core.tree import Document, Node, Pos, Style
from bot.core.yamlschema import MAY_BE_TYPED, custom_tag, mapping_items, typed_value

# The C parser from ruamel.yaml.clib when it is installed, else None.
_CPARSER: Any = getattr(ruamel.yaml.main, "CParser", None)
_PURE_FALLBACK_MAX_CHARS = 64_000
_STYLES = {None: Style.PLAIN, "": Style.PLAIN, "'": Style.SINGLE, '"': Style.DOUBLE}


_STYLES |= {"|": Style.LITERAL, ">": Style.FOLDED}
# A colon between two plain-scalar characters: never a mapping indicator in YAML 1.2.
_INNER_COLON = re.compile(r":(?<=[^\s'\"\[\]{},]:)(?=[^\s\[\]{},])")  # led by the colon: fast to find
_COLON_STAND_IN = "\ue000"
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PARSER_SYMBOL = re.compile(r"'<[a-z ]+>'")
# Cheap conservative signs for `quick_check`, each led by a literal so that the search skips ahead: an alias,
# an explicit key or a collection as a key, a document marker.
_ALIAS = re.compile(r"\*(?<![^\s\[{,:]\*)[^\s\[\]{},]")
_COMPLEX_KEYS = tuple(
    re.compile(pattern)
    for pattern in (r"\?(?<![^\s\[{,]\?)(?:\s|$)", r"\][ \t]*:(?:\s|$)", r"\}[ \t]*:(?:\s|$)")
)
_DOCUMENT_MARKER = re.compile(r"\n(?:---|\.\.\.)")


def load_yaml(text: str, limits: ScanLimits) -> list[Document]:
    """Every document of a YAML stream; raises ManifestError for syntax errors and exceeded limits."""
    try:
        return _compose(text, limits)
    except MarkedYAMLError as error:
        message, line = _describe(error)
        raise ManifestError(NoticeKind.PARSE_ERROR, message, line) from None
    except ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"invalid YAML at line {line}: {error.reason}"
        raise ManifestError(NoticeKind.PARSE_ERROR, message, line) from None
    except YAMLError:
        raise ManifestError(NoticeKind.PARSE_ERROR, "invalid YAML") from None
    except RecursionError:
        raise ManifestError(NoticeKind.DEPTH_LIMIT, "YAML nesting too deep") from None


def quick_check(text: str, limits: ScanLimits) -> bool:
    """True when `load_yaml` would succeed, as far as libyaml's bare syntax check and a few bounds show;
    False means "not known", never "invalid". Costs a small fraction of a parse: no node is built.

    Bounds: no alias (so no expansion and no missing anchor), no explicit `?` key or collection used as
    a key, fewer document markers than allowed, and a nesting bound under the depth limit: block nesting
    gains a column at least every second level, and each flow level needs its own `[` or `{`."""
    if _CPARSER is None or _ALIAS.search(text) or any(key.search(text) for key in _COMPLEX_KEYS):
        return False
    lined = "\n" + text
    if len(_DOCUMENT_MARKER.findall(lined)) >= limits.max_documents:
        return False
    openers = text.count("[") + text.count("{") - text.count("${")
    deep_indent = (limits.max_depth - 1 - openers) // 2  # 2 * indent + 2 + openers must stay below the limit
    if deep_indent <= 0 or _indented(deep_indent).search(lined):
        return False
    try:
        _CPARSER(text).raw_parse()
    except MarkedYAMLError as error:
        if error.problem != "found unexpected ':'" or _COLON_STAND_IN in text:
            return False
        try:
            _CPARSER(_INNER_COLON.sub(_COLON_STAND_IN, text)).raw_parse()
        except YAMLError:
            return False
    except YAMLError:
        return False
    return True


@functools.cache
def _indented(columns: int) -> re.Pattern[str]:
    """A line whose indentation and sequence dashes take `columns` or more: a block collection that starts
    there (properties such as `&a` do not move it) is nested at most twice as many levels deep."""
    return re.compile(rf"\n[ \t-]{{{columns},}}")


def _compose(text: str, limits: ScanLimits) -> list[Document]:
    """The C parser first; the pure one when C fails, because libyaml speaks YAML 1.1 and rejects some
    valid YAML 1.2 that C could not be helped to read (see `_compose_c`). The pure parser reads about
    0.1 MB/s, so a large file that libyaml rejects is reported as invalid rather than re-read slowly."""
    c_error: YAMLError | None = None
    if _CPARSER is not None:
        try:
            return _compose_c(text, limits)
        except YAMLError as error:
            if len(text) > _PURE_FALLBACK_MAX_CHARS:
                raise
            c_error = error
    try:
        return _Composer(text, limits).documents(_pure_events(text))
    except MarkedYAMLError:
        raise
    except YAMLError:
        if c_error is None:
            raise
        raise c_error from None


def _compose_c(text: str, limits: ScanLimits) -> list[Document]:
    """libyaml rejects a colon inside a plain scalar in a flow collection (`Action: [s3:GetObject]`), which
    YAML 1.2 allows and IAM policies are full of. Such a colon can only belong to a plain or quoted scalar
    (or a comment), so a same-width stand-in lets libyaml read it and is put back in every value.

    The stand-in changes nothing else, so the masked text is read first: when it parses, the result is the
    one the original text gives (or would give if libyaml read it). When it does not, the original is read
    and its own error reported, as if no stand-in had been tried."""
    masked = _INNER_COLON.sub(_COLON_STAND_IN, text) if _COLON_STAND_IN not in text else text
    if masked != text:
        try:
            return _Composer(text, limits, stand_in=True).documents(_c_events(masked))
        except YAMLError:
            pass
    return _Composer(text, limits).documents(_c_events(text))


def _c_events(text: str) -> Iterator[Any]:
    """libyaml's events; `get_event` returns None after the stream end."""
    return iter(_CPARSER(text).get_event, None)


def _pure_events(text: str) -> Iterator[Any]:
    """The pure-Python parser raises bare IndexError or AssertionError (`%YAML 1.3`) on some malformed
    input; report it as invalid YAML like any other syntax error. Only this parser lets `\ud800`-style
    escapes through (libyaml rejects them), so only its scalars need their surrogates paired."""
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if type(event) is ev.ScalarEvent and event.style == '"' and SURROGATE.search(event.value):
                event.value = paired_surrogates(event.value)
            yield event
    except (AssertionError, IndexError, KeyError, TypeError, ValueError):
        raise YAMLError("invalid YAML") from None


class _Frame:
    """A collection being built: its children so far and how many nodes they expand to."""

    __slots__ = ("children", "event", "size", "start")

    def __init__(self, event: Any, start: Pos) -> None:
        self.event = event
        self.start = start
        self.children: list[Node] = []
        self.size = 1


class _Composer:
    """Turns one event stream into documents, enforcing the depth, alias and document limits."""

    def __init__(self, text: str, limits: ScanLimits, *, stand_in: bool = False) -> None:
        self._text = text
        self._stand_in = stand_in
        self._limits = limits
        self._lines: list[str] | None = None
        self._docs: list[Document] = []
        self._stack: list[_Frame] = []
        self._anchors: dict[str, tuple[Node, int]] = {}
        self._expanded = 0
        self._root: Node | None = None
        self._last_end = pos(1, 1)
        self._handlers: dict[type, Callable[[Any], None]] = {
            ev.ScalarEvent: self._on_scalar,
            ev.AliasEvent: self._on_alias,
            ev.SequenceStartEvent: self._on_start,
            ev.MappingStartEvent: self._on_start,
            ev.SequenceEndEvent: self._on_end,
            ev.MappingEndEvent: self._on_end,
            ev.DocumentStartEvent: self._on_document_start,
            ev.DocumentEndEvent: self._on_document_end,
        }

    def documents(self, events: Iterator[Any]) -> list[Document]:
        """Most events are plain or quoted scalars without a tag or anchor: that case is handled inline,
        with every name it needs bound once, because a parse spends most of its time here."""
        handlers, stack = self._handlers, self._stack
        scalar_event, styles, plain = ev.ScalarEvent, _STYLES, Style.PLAIN
        block_styles = (Style.LITERAL, Style.FOLDED)
        stand_in = self._stand_in
        for event in events:
            if type(event) is scalar_event and event.ctag is None and event.anchor is None:
                style = styles[event.style]
                if style not in block_styles:
                    raw = event.value
                    if stand_in and _COLON_STAND_IN in raw:
                        raw = raw.replace(_COLON_STAND_IN, ":")
                    start, end = event.start_mark, event.end_mark
                    line, column = start.line + 1, start.column + 1
                    if style is not plain:
                        node = scalar_at(raw, line, column, end.line + 1, end.column + 1, style, None)
                    elif not raw:
                        node = scalar_at(None, line, column, line, column, style, None)
                    else:
                        value = (
                            raw if raw[0] not in MAY_BE_TYPED else typed_value(raw, plain=True, tag=None)[0]
                        )
                        node = scalar_at(value, line, column, end.line + 1, end.column + 1, style, None)
                    self._last_end = node.end
                    if stack:
                        parent = stack[-1]
                        parent.children.append(node)
                        parent.size += 1
                    else:
                        self._root = node
                    continue
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self._docs

    def _on_document_start(self, event: Any) -> None:
        if len(self._docs) >= self._limits.max_documents:
            line = event.start_mark.line + 1
            message = f"more than {self._limits.max_documents} YAML documents in one file"
            raise ManifestError(NoticeKind.PARSE_ERROR, message, line)
        self._anchors = {}
        self._expanded = 0
        self._root = None

    def _on_document_end(self, event: Any) -> None:
        if self._root is None:
            return
        if self._docs:  # same text: share its lines instead of splitting it once per document
            self._docs.append(replace(self._docs[0], root=self._root))
        else:
            self._docs.append(Document.of(self._root, self._text))

    def _on_scalar(self, event: Any) -> None:
        """The hot path (most events are scalars): attribute reads and calls are kept to a minimum."""
        style = _STYLES[event.style]
        start, end, tag, raw = event.start_mark, event.end_mark, event.ctag, event.value
        if tag is None and event.anchor is None:
            first = pos(start.line + 1, start.column + 1)
        else:
            first = self._value_start(start, end)
            tag = None if tag is None else str(tag)
        if style is Style.PLAIN:
            last = first if not raw else pos(end.line + 1, end.column + 1)
        elif style is Style.LITERAL or style is Style.FOLDED:
            last = self._block_end(start.line, end.line, end.column)
        else:
            last = pos(end.line + 1, end.column + 1)
        if self._stand_in:
            raw, tag = _restored(raw), tag and _restored(tag)
        if tag is None and (style is not Style.PLAIN or (raw and raw[0] not in MAY_BE_TYPED)):
            value: str | int | float | bool | None = raw  # a string for sure: skip the schema
        else:
            value, tag = typed_value(raw, plain=style is Style.PLAIN, tag=tag)
        node = scalar(value, first, last, style, tag)
        self._last_end = last
        if event.anchor is not None:
            self._anchors[event.anchor] = (node, 1)
        if self._stack:
            parent = self._stack[-1]
            parent.children.append(node)
            parent.size += 1
        else:
            self._root = node

    def _on_alias(self, event: Any) -> None:
        target = self._anchors.get(event.anchor)
        line = event.start_mark.line + 1
        if target is None:
            raise ManifestError(NoticeKind.PARSE_ERROR, f"alias at line {line} has no anchor before it", line)
        node, size = target
        self._expanded += size
        if self._expanded > self._limits.max_alias_expansions:
            message = f"aliases expand to more than {self._limits.max_alias_expansions} nodes"
            raise ManifestError(NoticeKind.ALIAS_LIMIT, message, line)
        self._add(node, size, None, pos(event.end_mark.line + 1, event.end_mark.column + 1))

    def _on_start(self, event: Any) -> None:
        if len(self._stack) >= self._limits.max_depth:
            line = event.start_mark.line + 1
            message = f"YAML nested deeper than {self._limits.max_depth} levels"
            raise ManifestError(NoticeKind.DEPTH_LIMIT, message, line)
        start, end = event.start_mark, event.end_mark
        if event.ctag is None and event.anchor is None:
            first = pos(start.line + 1, start.column + 1)
        else:
            first = self._value_start(start, end if event.flow_style else None)
        self._stack.append(_Frame(event, first))

    def _on_end(self, event: Any) -> None:
        frame = self._stack.pop()
        opening = frame.event
        if opening.flow_style:
            last = pos(event.end_mark.line + 1, event.end_mark.column + 1)
        else:
            last = self._last_end
        tag = None
        if opening.ctag is not None:
            tag = custom_tag(_restored(opening.tag) if self._stand_in else opening.tag)
        node: Node
        if type(opening) is ev.SequenceStartEvent:
            node = sequence(tuple(frame.children), frame.start, last, tag)
        else:
            node = mapping(mapping_items(frame.children), frame.start, last, tag)
        if opening.anchor is not None:
            self._anchors[opening.anchor] = (node, frame.size)
        self._last_end = last
        if self._stack:
            parent = self._stack[-1]
            parent.children.append(node)
            parent.size += frame.size
        else:
            self._root = node

    def _add(self, node: Node, size: int, anchor: str | None, end: Pos) -> None:
        if anchor is not None:
            self._anchors[anchor] = (node, size)
        self._last_end = end
        if self._stack:
            parent = self._stack[-1]
            parent.children.append(node)
            parent.size += size
        else:
            self._root = node

    def _value_start(self, start: Any, limit: Any | None) -> Pos:
        """Where a node's own text begins, past the tag and anchor that the parser counts as its start."""
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self._text)
        lines, line, column = self._lines, start.line, start.column
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
        return pos(line + 1, column + 1)

    def _block_end(self, first_line: int, end_line: int, end_column: int) -> Pos:
        """The last non-blank line of a block scalar: the parser's end mark sits after trailing breaks."""
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self._text)
        last = end_line if end_column > 0 else end_line - 1
        last = min(last, len(self._lines) - 1)
        while last > first_line and not self._lines[last].strip():
            last -= 1
        return pos(last + 1, len(self._lines[last].rstrip()) + 1)


def _restored(text: str) -> str:
    return text.replace(_COLON_STAND_IN, ":") if _COLON_STAND_IN in text else text


def _describe(error: MarkedYAMLError) -> tuple[str, int | None]:
    """Problem and place only: ruamel's own message quotes the source line, which may hold a secret."""
    mark = error.problem_mark or error.context_mark
    parts = [_QUOTED.sub(_short_quote, part) for part in (error.context, error.problem) if part]
    problem = ": ".join(parts) or "syntax error"
    if mark is None:
        return f"invalid YAML: {problem}", None
    return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}", mark.line + 1


def _short_quote(match: re.Match[str]) -> str:
    """Keep quoted characters (`','`, `'\\t'`) and token names (`'<scalar>'`); hide anything longer."""
    quoted = match.group()
    return quoted if len(quoted) <= 4 or _PARSER_SYMBOL.fullmatch(quoted) else "'...'"
