"""YAML parser events to position-carrying nodes: the composer behind `bot.core.yamlsafe`.

It enforces the depth, alias and document limits as it goes (an alias re-uses its anchor's node and adds
that node's size to a per-document budget), keeps every tag as an opaque string and resolves plain scalars
with the core schema (`bot.core.yamlschema`). Most events are plain or quoted scalars with no tag or anchor:
that path is written for speed, as a parse spends most of its time here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from ruamel.yaml import events as ev

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.nodes import POS_TWIN, SCALAR_TWIN, mapping, pos, scalar, sequence
from bot.core.tree import Document, Node, Pos, Scalar, Style
from bot.core.yamlschema import MAY_BE_TYPED, custom_tag, mapping_items, typed_value

# Stands in for a colon that libyaml would reject (see `bot.core.yamlsafe`); same width, so positions hold.
COLON_STAND_IN = "\ue000"
_STYLES = {None: Style.PLAIN, "": Style.PLAIN, "'": Style.SINGLE, '"': Style.DOUBLE}
_FLOW_STYLES = _STYLES.copy()
_STYLES |= {"|": Style.LITERAL, ">": Style.FOLDED}
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# Tags and anchors (`!Ref`, `&base`) with the blanks around them; possessive, so it never backtracks.
_PROPERTIES = re.compile(r"(?:[ \t]*+[!&][^ \t]*+)*+[ \t]*+")


class _Frame:
    """A collection being built: its children so far and how many nodes they expand to."""

    __slots__ = ("children", "event", "size", "start")

    def __init__(self, event: Any, start: Pos) -> None:
        self.event = event
        self.start = start
        self.children: list[Node] = []
        self.size = 1


class Composer:
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

    def documents(self, events: Iterator[Any]) -> list[Document]:
        """Most events are plain or quoted scalars without a tag or anchor: that case is handled inline,
        with every name it needs bound once, because a parse spends most of its time here."""
        handlers, stack = _HANDLERS, self._stack
        scalar_event, flow_styles, plain = ev.ScalarEvent, _FLOW_STYLES, Style.PLAIN
        new, pos_class, scalar_class = object.__new__, Pos, Scalar
        pos_twin, scalar_twin = POS_TWIN, SCALAR_TWIN
        stand_in = self._stand_in
        for event in events:
            if type(event) is scalar_event and event.ctag is None and event.anchor is None:
                style = flow_styles.get(event.style)  # None for a block scalar, which the handler ends
                if style is not None:
                    raw = event.value
                    if stand_in and COLON_STAND_IN in raw:
                        raw = raw.replace(COLON_STAND_IN, ":")
                    value: str | int | float | bool | None = raw
                    if style is plain:
                        if not raw:
                            value = None
                        elif raw[0] in MAY_BE_TYPED:
                            value = typed_value(raw, plain=True, tag=None)[0]
                    # The nodes are built in place, a call each saved (see `bot.core.nodes.POS_TWIN`).
                    mark = event.start_mark
                    first = new(pos_twin)
                    first.line, first.column = mark.line + 1, mark.column + 1
                    first.__class__ = pos_class
                    if raw or style is not plain:
                        mark = event.end_mark
                        last = new(pos_twin)
                        last.line, last.column = mark.line + 1, mark.column + 1
                        last.__class__ = pos_class
                    else:
                        last = first
                    node = new(scalar_twin)
                    node.value, node.start, node.end = value, first, last
                    node.style, node.tag = style, None
                    node.__class__ = scalar_class
                    self._last_end = last
                    if stack:
                        parent = stack[-1]
                        parent.children.append(node)
                        parent.size += 1
                    else:
                        self._root = node
                    continue
            handler = handlers.get(type(event))
            if handler is not None:
                handler(self, event)
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
            self._lines = _split_lines(self._text)
        lines, line, column = self._lines, start.line, start.column
        while line < len(lines):
            text = lines[line]
            column = _PROPERTIES.match(text, column).end()  # type: ignore[union-attr]  # matches empty
            if column < len(text) and (text[column] != "#" or (column > 0 and text[column - 1] not in " \t")):
                break
            line, column = line + 1, 0
        if limit is not None and (line, column) > (limit.line, limit.column):
            line, column = limit.line, limit.column
        return pos(line + 1, column + 1)

    def _block_end(self, first_line: int, end_line: int, end_column: int) -> Pos:
        """The last non-blank line of a block scalar: the parser's end mark sits after trailing breaks."""
        if self._lines is None:
            self._lines = _split_lines(self._text)
        last = end_line if end_column > 0 else end_line - 1
        last = min(last, len(self._lines) - 1)
        while last > first_line and not self._lines[last].strip():
            last -= 1
        return pos(last + 1, len(self._lines[last].rstrip()) + 1)


# Unbound, so that a composer holds no reference to itself: a bound method kept on the instance made each
# composer a reference cycle that kept its whole tree alive until the cyclic collector walked it (issue 16).
_HANDLERS: dict[type, Callable[[Composer, Any], None]] = {
    ev.ScalarEvent: Composer._on_scalar,
    ev.AliasEvent: Composer._on_alias,
    ev.SequenceStartEvent: Composer._on_start,
    ev.MappingStartEvent: Composer._on_start,
    ev.SequenceEndEvent: Composer._on_end,
    ev.MappingEndEvent: Composer._on_end,
    ev.DocumentStartEvent: Composer._on_document_start,
    ev.DocumentEndEvent: Composer._on_document_end,
}


def _split_lines(text: str) -> list[str]:
    """The text's lines as YAML breaks them; ASCII text without `\r` breaks only at `\n`, found faster."""
    return text.split("\n") if text.isascii() and "\r" not in text else _LINE_BREAK.split(text)


def _restored(text: str) -> str:
    return text.replace(COLON_STAND_IN, ":") if COLON_STAND_IN in text else text
