"""HCL (Terraform `.tf`, `.tfvars`) to position-carrying trees, with exact lines for every string.

python-hcl2 keeps no positions, so this is a small reader of our own for the part of HCL where literals
live. A block `resource "aws_lambda_function" "api" { ... }` becomes nested mappings keyed by its type and
labels; an attribute `name = expr` maps its name to the expression. A string, heredoc, number, bool,
object or list stands for itself; any other expression (`coalesce(var.x, "lit")`, `var.a ? "b" : "c"`)
becomes a sequence of the literals written inside it, because a literal hidden in a function call is
deployed all the same. `${...}` interpolations stay in the text: they are references, never evaluated.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.manifests.hcllex import Token, hcl_error, tokens
from bot.core.tree import Document, Mapping, Node, Pos, Scalar, Sequence, Style

_KEYWORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
_CLOSERS = {"{": "}", "[": "]", "(": ")"}


@dataclass(frozen=True, slots=True)
class _Block:
    key: Scalar
    labels: tuple[Scalar, ...]
    body: Mapping


def load_hcl(text: str, limits: ScanLimits) -> Document:
    """One HCL file; raises ManifestError(PARSE_ERROR) at the line where reading failed."""
    reader = _Reader(tokens(text), text, limits)
    return Document.of(reader.body(0, None), text)


class _Reader:
    """Blocks and attributes from the token list; expressions are reduced to the literals inside them."""

    def __init__(self, tokens: list[Token], text: str, limits: ScanLimits) -> None:
        self.tokens = tokens
        self.text = text
        self.limits = limits
        self.starts = [0] + [match.end() for match in re.finditer(r"\n", text)]
        self.index = 0

    def body(self, depth: int, closer: str | None) -> Mapping:
        """Attributes in place; blocks of one type grouped where the first one stands (see `_group`)."""
        self._check_depth(depth)
        first = self.index
        slots: list[tuple[Scalar, Node] | str] = []
        blocks: dict[str, list[_Block]] = {}
        while True:
            token = self._skip_newlines()
            if token is None or (closer and token.text == closer and token.kind == "punct"):
                break
            if token.kind != "ident" and token.kind != "string":
                raise self._unexpected(token)
            entry = self._statement(token, depth)
            if isinstance(entry, _Block):
                kind = str(entry.key.value)
                if kind not in blocks:
                    slots.append(kind)
                blocks.setdefault(kind, []).append(entry)
            else:
                slots.append(entry)
        if closer is not None:
            self._expect(closer)
        items = [
            (blocks[slot][0].key, _group(blocks[slot])) if isinstance(slot, str) else slot for slot in slots
        ]
        return Mapping(tuple(items), self._start(first), self._end_of_previous())

    def _statement(self, name: Token, depth: int) -> tuple[Scalar, Node] | _Block:
        key = self._scalar(name, name.text)
        self.index += 1
        after = self._peek()
        if after is not None and after.kind == "punct" and after.text in ("=", ":"):
            self.index += 1
            return key, self.expression(depth + 1, ("\n", "}"))
        labels: list[Scalar] = []
        while (token := self._peek()) is not None and token.kind in ("ident", "string"):
            labels.append(self._scalar(token, token.text))
            self.index += 1
        if token is None or token.text != "{":
            raise self._unexpected(token)
        self.index += 1
        return _Block(key, tuple(labels), self.body(depth + 1, "}"))

    def expression(self, depth: int, stops: tuple[str, ...]) -> Node:
        """The literal an expression is, or a sequence of the literals written inside it."""
        self._check_depth(depth)
        first = self.index
        nodes: list[Node] = []
        operators = False
        while (token := self._peek()) is not None and not self._is_stop(token, stops):
            self.index += 1
            if token.kind == "punct" and token.text in _CLOSERS:
                nodes.append(self._bracketed(token, depth))
            elif token.kind in ("string", "heredoc", "number") or (
                token.kind == "ident" and token.text in _KEYWORDS
            ):
                nodes.append(self._literal(token))
            elif token.kind == "punct" and token.text in ("}", "]", ")"):
                raise self._unexpected(token)
            else:
                operators = True
        if len(nodes) == 1 and not operators:
            return nodes[0]
        if self.index == first:
            position = self._start(first)
            return Scalar(None, position, position)
        return Sequence(tuple(nodes), self._start(first), self._end_of_previous(), tag="expression")

    def _bracketed(self, opening: Token, depth: int) -> Node:
        """`{...}` as a mapping, `[...]` and `(...)` (call arguments) as sequences, placed at the brackets."""
        closer = _CLOSERS[opening.text]
        if opening.text == "{":
            pairs = self._object(depth + 1)
            self._expect(closer)
            return Mapping(pairs, self._start_of(opening), self._end_of_previous())
        nodes = self._items(depth + 1, closer)
        self._expect(closer)
        return Sequence(nodes, self._start_of(opening), self._end_of_previous())

    def _object(self, depth: int) -> tuple[tuple[Scalar, Node], ...]:
        """`key = value` / `"key": value` pairs; an entry of any other shape (a `for`) is kept unnamed."""
        items: list[tuple[Scalar, Node]] = []
        while (token := self._skip_separators()) is not None and token.text != "}":
            after = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else None
            if token.kind in ("ident", "string") and after is not None and after.text in ("=", ":"):
                self.index += 2
                items.append((self._scalar(token, token.text), self.expression(depth, ("\n", ",", "}"))))
            else:
                position = self._start_of(token)
                items.append((Scalar("", position, position), self.expression(depth, ("\n", ",", "}"))))
        return tuple(items)

    def _items(self, depth: int, closer: str) -> tuple[Node, ...]:
        nodes: list[Node] = []
        while (token := self._skip_separators()) is not None and token.text != closer:
            nodes.append(self.expression(depth, ("\n", ",", closer)))
        return tuple(nodes)

    def _literal(self, token: Token) -> Scalar:
        if token.kind == "string":
            return self._scalar(token, token.text, Style.DOUBLE)
        if token.kind == "heredoc":
            return self._scalar(token, token.text, Style.MULTILINE)
        if token.kind == "number":
            number = float(token.text) if any(c in token.text for c in ".eE") else int(token.text)
            return self._scalar(token, number)
        return self._scalar(token, _KEYWORDS[token.text])

    def _scalar(
        self, token: Token, value: str | int | float | bool | None, style: Style = Style.PLAIN
    ) -> Scalar:
        style = Style.DOUBLE if token.kind == "string" else style
        return Scalar(value, self._start_of(token), self._pos(token.end), style)

    def _is_stop(self, token: Token, stops: tuple[str, ...]) -> bool:
        return (token.kind == "newline" and "\n" in stops) or (token.kind == "punct" and token.text in stops)

    def _skip_newlines(self) -> Token | None:
        while (token := self._peek()) is not None and token.kind == "newline":
            self.index += 1
        return token

    def _skip_separators(self) -> Token | None:
        while (token := self._peek()) is not None and (token.kind == "newline" or token.text == ","):
            self.index += 1
        return token

    def _expect(self, closer: str) -> None:
        token = self._peek()
        if token is None or token.text != closer:
            raise self._unexpected(token, f"'{closer}'")
        self.index += 1

    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _unexpected(self, token: Token | None, wanted: str = "") -> ManifestError:
        place = token.start if token is not None else len(self.text)
        what = (
            "the end of the file"
            if token is None
            else repr(token.text[:20])
            if token.kind != "string"
            else "a string"
        )
        return hcl_error(self.text, place, f"unexpected {what}" + (f", expected {wanted}" if wanted else ""))

    def _check_depth(self, depth: int) -> None:
        if depth > self.limits.max_depth:
            line = self._start(self.index).line
            raise ManifestError(
                NoticeKind.DEPTH_LIMIT, f"HCL nesting deeper than {self.limits.max_depth}", line
            )

    def _pos(self, offset: int) -> Pos:
        line = bisect_right(self.starts, offset)
        return Pos(line, offset - self.starts[line - 1] + 1)

    def _start_of(self, token: Token) -> Pos:
        return self._pos(token.start)

    def _start(self, index: int) -> Pos:
        return self._pos(self.tokens[index].start if index < len(self.tokens) else len(self.text))

    def _end_of_previous(self) -> Pos:
        return self._pos(self.tokens[self.index - 1].end) if self.index else Pos(1, 1)


def _group(blocks: list[_Block]) -> Node:
    """Blocks of one type as Terraform's JSON syntax has them: labels become nested keys
    (`resource.aws_lambda_function.api`), and unlabelled repeats (`env {}` `env {}`) a sequence."""
    if len(blocks) == 1 and not blocks[0].labels:
        return blocks[0].body
    if not all(block.labels for block in blocks):
        return Sequence(tuple(_group([block]) for block in blocks), blocks[0].key.start, blocks[-1].body.end)
    by_label: dict[object, list[_Block]] = {}
    for block in blocks:
        by_label.setdefault(block.labels[0].value, []).append(block)
    items = tuple(
        (group[0].labels[0], _group([_Block(block.key, block.labels[1:], block.body) for block in group]))
        for group in by_label.values()
    )
    return Mapping(items, blocks[0].key.start, blocks[-1].body.end)
