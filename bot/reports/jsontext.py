"""`json.dumps(document, indent=2, ensure_ascii=False)`, byte for byte, without Python's pure encoder.

With `indent` set, the standard library encodes in Python, one generator step per value: on a large scan's
report that is most of the report's time, and it runs in the parent after every worker is done, on the
critical path of a parallel scan (issue 16). Here strings go through the same C function the encoder uses
(`json.encoder.encode_basestring`) and the indentation is written around them. Only plain JSON types are
written so (`dict` with `str` keys, `list`, `str`, `int`, `bool`, None); a document holding anything else
(a float, a tuple, a subclass, a non-string key) is handed to `json.dumps` whole, and so is one nested
deeper than this writer's recursion allows (it takes about three frames a level, the encoder one) or
circular, so that every output, and every error, is the standard library's. tests/reports/test_jsontext.py
compares the two.
"""

from __future__ import annotations

import json
from typing import Any

_STRING = json.encoder.encode_basestring  # the encoder's own choice for ensure_ascii=False
_INDENT = 2


class _NotPlain(Exception):
    """A value of a type this writer leaves to `json.dumps`."""


def dumps_indented(document: Any) -> str:
    """The text `json.dumps(document, indent=2, ensure_ascii=False)` returns."""
    try:
        return _value(document, 0, {})
    except (_NotPlain, RecursionError):  # deep or circular: the encoder's own answer, or its own error
        return json.dumps(document, indent=_INDENT, ensure_ascii=False)


def _value(value: Any, level: int, memo: dict[str, str]) -> str:
    """`memo`: strings already encoded in this document (a report repeats its paths, rule ids and advice)."""
    kind = type(value)
    if kind is str:
        return _string(value, memo)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is dict:
        return _object(value, level, memo)
    if kind is list:
        return _array(value, level, memo)
    raise _NotPlain


def _string(value: str, memo: dict[str, str]) -> str:
    encoded = memo.get(value)
    if encoded is None:
        encoded = memo[value] = _STRING(value)
    return encoded


def _object(members: dict[Any, Any], level: int, memo: dict[str, str]) -> str:
    if not members:
        return "{}"
    inner = _newline(level + 1)
    parts = []
    for key, value in members.items():
        if type(key) is not str:
            raise _NotPlain
        kind = type(value)  # the common leaves inline: a call per value is most of the cost
        if kind is str:
            text = memo.get(value) or _string(value, memo)
        elif value is None:
            text = "null"
        else:
            text = _value(value, level + 1, memo)
        parts.append(f"{memo.get(key) or _string(key, memo)}: {text}")
    return f"{{{inner}{(',' + inner).join(parts)}{_newline(level)}}}"


def _array(items: list[Any], level: int, memo: dict[str, str]) -> str:
    if not items:
        return "[]"
    inner = _newline(level + 1)
    parts = [_value(item, level + 1, memo) for item in items]
    return f"[{inner}{(',' + inner).join(parts)}{_newline(level)}]"


def _newline(level: int) -> str:
    return "\n" + " " * (_INDENT * level)
