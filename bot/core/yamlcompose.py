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
from bot.core.nodes import (
    MAPPING_SHELL,
    POS_SHELL,
    SCALAR_SHELL,
    SEQUENCE_SHELL,
    mapping,
    pos,
    scalar,
    sequence,
)
from bot.core.tree import Document, Mapping, Node, Pos, Scalar, Sequence, Style
from bot.core.yamlschema import MAY_BE_TYPED, MERGE_KEY, custom_tag, mapping_items, resolve_plain, typed_value

# Stands in for a colon that libyaml would reject (see `bot.core.yamlsafe`); same width, so positions hold.
COLON_STAND_IN = "\ue000"
_STYLES = {None: Style.PLAIN, "": Style.PLAIN, "'": Style.SINGLE, '"': Style.DOUBLE}
# The styles the inline path handles; a block scalar's is None, and takes the handler.
_INLINE_STYLES: dict[str | None, Style | None] = {**_STYLES, "|": None, ">": None}
_STYLES |= {"|": Style.LITERAL, ">": Style.FOLDED}
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# Tags and anchors (`!Ref`, `&base`) with the blanks around them; possessive, so it never backtracks.
_PROPERTIES = re.compile(r"(?:[ \t]*+[!&][^ \t]*+)*+[ \t]*+")


# A collection being built is a list, the cheapest mutable record to make, index and unpack (issue 16):
# its children so far, its opening event, its start, its extra size and whether it needs care. Its size
# in nodes is 1 + len(children) + extra: each child counts one, and an alias or a nested collection adds
# the rest of its own size to extra. A mapping needs care when a key may be a collection or a `<<` merge
# key; one that does not pairs its children without `mapping_items`' checks.
_CHILDREN, _OPENING, _START, _EXTRA, _CAREFUL = range(5)
# First characters of the plain scalars that the inline path must look at twice: typed values, merge keys.
_SPECIAL_START = MAY_BE_TYPED | {MERGE_KEY[0]}


class Composer:
    """Turns one event stream into documents, enforcing the depth, alias and document limits."""

    def __init__(self, text: str, limits: ScanLimits, *, stand_in: bool = False) -> None:
        self._text = text
        self._stand_in = stand_in
        self._limits = limits
        self._lines: list[str] | None = None
        self._docs: list[Document] = []
        self._stack: list[list[Any]] = []
        self._anchors: dict[str, tuple[Node, int]] = {}
        self._expanded = 0
        self._root: Node | None = None
        self._last_end = pos(1, 1)

    def documents(self, events: Iterator[Any]) -> list[Document]:
        """Most events are plain or quoted scalars without an anchor, or the start or end of a collection
        without a tag or anchor: those are handled inline, with every name they need bound once, because a
        parse spends most of its time here; the handlers below take the rest and raise every error."""
        handlers, stack, max_depth = _HANDLERS, self._stack, self._limits.max_depth
        scalar_event, styles, plain, special = ev.ScalarEvent, _INLINE_STYLES, Style.PLAIN, _SPECIAL_START
        mapping_start, sequence_start = ev.MappingStartEvent, ev.SequenceStartEvent
        mapping_end, sequence_end = ev.MappingEndEvent, ev.SequenceEndEvent
        pos_class, scalar_class, mapping_class, sequence_class = Pos, Scalar, Mapping, Sequence
        pos_shell, scalar_shell, mapping_shell, sequence_shell = (
            POS_SHELL,
            SCALAR_SHELL,
            MAPPING_SHELL,
            SEQUENCE_SHELL,
        )
        stand_in = self._stand_in
        # Columns are the text's indexes; ruamel's pure parser counts none for a byte order mark.
        marks_exact = "\ufeff" not in self._text
        # Where the next node goes (None: it is the document's root), and where the last one ended.
        add = stack[-1][_CHILDREN].append if stack else None
        last_end = self._last_end
        for event in events:
            kind = type(event)
            if kind is scalar_event:
                # A block scalar's style maps to None: the handler finds where it ends.
                if event.anchor is None and (style := styles[event.style]) is not None:
                    raw = event.value
                    if stand_in and COLON_STAND_IN in raw:
                        raw = raw.replace(COLON_STAND_IN, ":")
                    tag = event.ctag
                    value: str | int | float | bool | None = raw
                    # The nodes are built in place, a call each saved (see `bot.core.nodes.POS_SHELL`).
                    if tag is None:
                        if style is plain:
                            if not raw:
                                value = None
                            elif raw[0] in special:
                                if raw == MERGE_KEY:
                                    if stack:
                                        stack[-1][_CAREFUL] = True
                                else:
                                    value = resolve_plain(raw)
                        mark = event.start_mark
                        first = pos_shell()
                        first.line, first.column = mark.line + 1, mark.column + 1
                        first.__class__ = pos_class
                    else:  # `!Ref name`: the value starts past its tag
                        mark = event.end_mark
                        width = _one_line_width(raw, style, event.start_mark, mark) if marks_exact else 0
                        if width:
                            first = pos_shell()
                            first.line, first.column = mark.line + 1, mark.column + 1 - width
                            first.__class__ = pos_class
                        else:
                            first = self._value_start(event.start_mark, mark)
                        tag = str(tag)
                        if stand_in and COLON_STAND_IN in tag:
                            tag = tag.replace(COLON_STAND_IN, ":")
                        # An application tag (`!Ref`) leaves the text a string.
                        if not tag.startswith("!") or tag == "!":
                            value, tag = typed_value(raw, plain=style is plain, tag=tag)
                        if value == MERGE_KEY and stack:
                            stack[-1][_CAREFUL] = True
                    if raw or style is not plain:
                        mark = event.end_mark
                        last = pos_shell()
                        last.line, last.column = mark.line + 1, mark.column + 1
                        last.__class__ = pos_class
                    else:
                        last = first
                    node = scalar_shell()
                    node.value, node.start, node.end = value, first, last
                    node.style, node.tag = style, tag
                    node.__class__ = scalar_class
                    last_end = last
                    if add is not None:
                        add(node)
                    else:
                        self._root = node
                    continue
            elif kind is mapping_end or kind is sequence_end:
                children, opening, first, extra, careful = stack.pop()
                if opening.flow_style:
                    mark = event.end_mark
                    last = pos_shell()
                    last.line, last.column = mark.line + 1, mark.column + 1
                    last.__class__ = pos_class
                else:
                    last = last_end
                if type(opening) is sequence_start:
                    node = sequence_shell()
                    node.items = tuple(children)
                    frozen: type = sequence_class
                else:
                    node = mapping_shell()
                    if careful:
                        node.items = mapping_items(children)
                    else:
                        pairs = iter(children)
                        node.items = tuple(zip(pairs, pairs, strict=True))
                    frozen = mapping_class
                node.start, node.end = first, last
                node.tag = None if opening.ctag is None else self._collection_tag(opening)
                node.__class__ = frozen
                if opening.anchor is not None:
                    self._anchors[opening.anchor] = (node, 1 + len(children) + extra)
                last_end = last
                if stack:
                    parent = stack[-1]
                    siblings = parent[_CHILDREN]
                    if not len(siblings) & 1:  # a key, if the parent is a mapping
                        parent[_CAREFUL] = True
                    siblings.append(node)
                    parent[_EXTRA] += len(children) + extra
                    add = siblings.append
                else:
                    self._root = node
                    add = None
                continue
            elif (
                (kind is mapping_start or kind is sequence_start)
                and event.ctag is None
                and event.anchor is None
                and len(stack) < max_depth
            ):
                mark = event.start_mark
                first = pos_shell()
                first.line, first.column = mark.line + 1, mark.column + 1
                first.__class__ = pos_class
                children = []
                stack.append([children, event, first, 0, False])
                add = children.append
                continue
            handler = handlers.get(kind)
            if handler is not None:
                self._last_end = last_end
                handler(self, event)
                last_end = self._last_end
                add = stack[-1][_CHILDREN].append if stack else None
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
        elif self._lines is not None and _only_newlines(self._text):
            # `Document.of` would split the text at `\n` once more (issue 16); its lines have no last
            # empty one (and no `\r` to trim, here).
            lines = self._lines[:-1] if self._lines[-1] == "" else self._lines
            self._docs.append(Document(self._root, self._text, tuple(lines)))
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
        if event.anchor is not None:
            self._anchors[event.anchor] = (node, 1)
        self._add(node, 1, last)

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
        self._add(node, size, pos(event.end_mark.line + 1, event.end_mark.column + 1))

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
        self._stack.append([[], event, first, 0, False])

    def _on_end(self, event: Any) -> None:
        children, opening, first, extra, _ = self._stack.pop()
        if opening.flow_style:
            last = pos(event.end_mark.line + 1, event.end_mark.column + 1)
        else:
            last = self._last_end
        tag = None if opening.ctag is None else self._collection_tag(opening)
        node: Node
        if type(opening) is ev.SequenceStartEvent:
            node = sequence(tuple(children), first, last, tag)
        else:
            node = mapping(mapping_items(children), first, last, tag)
        size = 1 + len(children) + extra
        if opening.anchor is not None:
            self._anchors[opening.anchor] = (node, size)
        self._add(node, size, last)

    def _add(self, node: Node, size: int, end: Pos) -> None:
        self._last_end = end
        if self._stack:
            parent = self._stack[-1]
            parent[_CHILDREN].append(node)
            parent[_EXTRA] += size - 1
            if type(node) is not Scalar or node.value == MERGE_KEY:  # a key that needs care, maybe
                parent[_CAREFUL] = True
        else:
            self._root = node

    def _collection_tag(self, opening: Any) -> str | None:
        return custom_tag(_restored(opening.tag) if self._stand_in else opening.tag)

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


def _one_line_width(raw: str, style: Style, start: Any, end: Any) -> int:
    """How many columns a tagged scalar's own text takes, when that can be told from its value alone, else
    0; its text then starts that far before its end mark (issue 16: `_value_start` splits the text and runs
    a regex). A scalar on its tag's line has only blanks between the tag and its text; a plain one's text
    is its value there (no escapes, no folding; the stand-in is one column like the colon), a single-quoted
    one's is its value in quotes unless the value holds a quote (written `''`). An empty plain scalar has
    no text of its own, and a double-quoted one may hold escapes."""
    if start.line != end.line or not raw:
        return 0
    if style is Style.PLAIN:
        return len(raw)
    if style is Style.SINGLE and "'" not in raw:
        return len(raw) + 2
    return 0


def _split_lines(text: str) -> list[str]:
    """The text's lines as YAML breaks them. Most files break only at `\n`, which `str.split` finds much
    faster than the regex (a file with one accented letter took the regex before; issue 16)."""
    return text.split("\n") if _only_newlines(text) else _LINE_BREAK.split(text)


def _only_newlines(text: str) -> bool:
    """Whether `\n` is the only line break in the text, as in most files."""
    return "\r" not in text and (
        text.isascii() or ("\x85" not in text and "\u2028" not in text and "\u2029" not in text)
    )


def _restored(text: str) -> str:
    return text.replace(COLON_STAND_IN, ":") if COLON_STAND_IN in text else text
