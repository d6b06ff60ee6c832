"""The Serverless Framework variable grammar (v3 and v4), parsed into spans and never resolved.

`${source(params):address, fallback, ...}`: a source is a lowercase word (`self`, `env`, `opt`, `sls`,
`param`, `file`, `ssm`, `aws`, `cf`, `s3`, `vault`, `terraform`, `doppler`, `strToBool`, `git`, `output`, or
any custom resolver key); params and address may hold nested variables; commas outside quotes, parentheses
and braces separate fallbacks, which are quoted literals, bare scalars, or further sources with or without
`${}`. `${AWS::Region}` and `${MyParam}` do not start with a lowercase letter: Serverless leaves them to
CloudFormation (`Fn::Sub`), so they come back as foreign variables with an empty source. `\\${` and
`${!Literal}` are escapes, not variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# These stay on `re` because the readers below call them at positions (`search(text, index, stop)`), which
# google-re2 cannot do without re-encoding the text. Each is linear: single-character classes, or one
# repetition followed by literals, matched at most once per event while `index` only moves forward.
_SOURCE = re.compile(r"[a-z][a-zA-Z0-9]*")
_BARE_SOURCE = re.compile(r"[a-z][a-zA-Z0-9]*(?:\(.*\))?:", re.DOTALL)
_BARE_SCALAR = re.compile(r"(?:true|false|null|-?\d+(?:\.\d+)?)")
_SHELL_DEFAULT = re.compile(r"[A-Za-z_]\w*:?[-=?+]")
_QUOTES = "'\""
_BRACE_EVENTS = re.compile(r"[{}'\"]")
_SPLIT_EVENTS = re.compile(r"[(){},'\"]")
_PAREN_EVENTS = re.compile(r"[()]")
_MAX_NESTING = 32


class Fallback(NamedTuple):
    start: int  # offsets into the analysed text; for quoted literals, of the content without its quotes
    end: int
    value: str
    is_literal: bool
    variables: tuple[Variable, ...] = ()


class Variable(NamedTuple):
    start: int  # offset of `$`
    end: int  # offset just past the closing `}`
    source: str  # empty for a foreign (CloudFormation) variable
    params: tuple[str, ...]
    address: str
    fallbacks: tuple[Fallback, ...]
    nested: tuple[Variable, ...]  # variables inside the params and the address

    def literal_fallbacks(self) -> Iterator[Fallback]:
        """Every literal fallback in this variable and in the variables nested in it."""
        for fallback in self.fallbacks:
            if fallback.is_literal:
                yield fallback
            for variable in fallback.variables:
                yield from variable.literal_fallbacks()
        for variable in self.nested:
            yield from variable.literal_fallbacks()

    def walk(self) -> Iterator[Variable]:
        """This variable and every variable nested in it or in its fallbacks."""
        yield self
        for variable in self.nested:
            yield from variable.walk()
        for fallback in self.fallbacks:
            for variable in fallback.variables:
                yield from variable.walk()


def parse_variables(
    text: str, start: int = 0, end: int | None = None, depth: int = 0
) -> tuple[Variable, ...]:
    """The top-level variables in text[start:end], in order. Unterminated `${` is literal text."""
    stop = len(text) if end is None else end
    found: list[Variable] = []
    index = start
    while depth < _MAX_NESTING:
        opening = text.find("${", index, stop)
        if opening < 0:
            break
        if opening > 0 and text[opening - 1] == "\\":
            index = opening + 2
            continue
        closing = _closing_brace(text, opening + 2, stop)
        if closing < 0:
            break
        variable = _variable(text, opening, closing, depth)
        if variable is not None:
            found.append(variable)
        index = closing + 1
    return tuple(found)


def _closing_brace(text: str, index: int, stop: int) -> int:
    depth = 1
    while True:
        event = _BRACE_EVENTS.search(text, index, stop)
        if event is None:
            return -1
        char = event.group()
        index = event.end()
        if char in _QUOTES:
            quote_end = text.find(char, index, stop)
            if quote_end > 0:
                index = quote_end + 1
        elif char == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return event.start()


def _variable(text: str, opening: int, closing: int, depth: int) -> Variable | None:
    body_start = opening + 2
    body = text[body_start:closing]
    if body.startswith("!") or _SHELL_DEFAULT.match(body):
        return None  # `${!Literal}` escape, or a shell `${VAR:-default}` handled by the shell analyser
    parts = _split_top_level(text, body_start, closing)
    first_start, first_end = _strip(text, *parts[0])
    source = _SOURCE.match(text, first_start, first_end)
    if source is None:
        return Variable(opening, closing + 1, "", (), body.strip(), (), ())
    params, address, nested = _primary(text, source.end(), first_end, depth)
    fallbacks = tuple(_fallback(text, *_strip(text, s, e), depth) for s, e in parts[1:])
    return Variable(opening, closing + 1, source.group(), params, address, fallbacks, nested)


def _primary(
    text: str, index: int, end: int, depth: int
) -> tuple[tuple[str, ...], str, tuple[Variable, ...]]:
    params: tuple[str, ...] = ()
    nested: list[Variable] = []
    if index < end and text[index] == "(":
        close = _closing_paren(text, index + 1, end)
        params = tuple(_unquote(text[s:e].strip()) for s, e in _split_top_level(text, index + 1, close))
        nested.extend(parse_variables(text, index + 1, close, depth + 1))
        index = close + 1
    address = ""
    if index < end and text[index] == ":":
        address = text[index + 1 : end]
        nested.extend(parse_variables(text, index + 1, end, depth + 1))
    return params, address, tuple(nested)


def _fallback(text: str, start: int, end: int, depth: int) -> Fallback:
    value = text[start:end]
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] == value[0]:
        return Fallback(start + 1, end - 1, value[1:-1], True)
    if value.startswith("${"):
        return Fallback(start, end, value, False, parse_variables(text, start, end, depth + 1))
    if _BARE_SOURCE.match(value):
        return Fallback(start, end, value, False, _bare_variable(text, start, end, depth + 1))
    is_scalar = _BARE_SCALAR.fullmatch(value) is not None
    return Fallback(start, end, value, is_scalar or bool(value))


def _bare_variable(text: str, start: int, end: int, depth: int) -> tuple[Variable, ...]:
    """`self:custom.key` written as a fallback without `${}`: a variable all the same."""
    source = _SOURCE.match(text, start, end)
    if source is None or depth >= _MAX_NESTING:
        return ()
    params, address, nested = _primary(text, source.end(), end, depth)
    return (Variable(start, end, source.group(), params, address, (), nested),)


def _closing_paren(text: str, index: int, stop: int) -> int:
    """The `)` closing the `(` before `index`, or `stop`: found from parenthesis to parenthesis rather than
    character by character (issue 16; tests/core/test_variables_parens.py compares the two)."""
    depth = 1
    while True:
        event = _PAREN_EVENTS.search(text, index, stop)
        if event is None:
            return stop
        index = event.end()
        if event.group() == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return event.start()


def _split_top_level(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated spans of text[start:end], ignoring commas in quotes, parentheses and braces."""
    spans: list[tuple[int, int]] = []
    depth = 0
    piece = start
    index = start
    while True:
        event = _SPLIT_EVENTS.search(text, index, end)
        if event is None:
            break
        char = event.group()
        index = event.end()
        if char in _QUOTES:
            quote_end = text.find(char, index, end)
            if quote_end > 0:
                index = quote_end + 1
        elif char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif depth == 0:
            spans.append((piece, event.start()))
            piece = index
    spans.append((piece, end))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] == value[0]:
        return value[1:-1]
    return value
