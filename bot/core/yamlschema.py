"""What YAML's core schema says a composed node means: typed scalars and merge keys.

Kept apart from `bot.core.yamlsafe` (which turns parser events into positioned nodes) because these rules
are pure functions of values: YAML 1.2 core-schema resolution of plain scalars (`true`, `123`, `null` are
not strings; `yes`/`on` are, as in YAML 1.2) and `<<` merge keys.
"""

from __future__ import annotations

import math
import re

from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.tree import Mapping, Node, Scalar, Sequence, Style

MERGE_KEY = "<<"
_STANDARD_TAG = "tag:yaml.org,2002:"
_KEYWORDS: dict[str, bool | None] = {"~": None, "null": None, "Null": None, "NULL": None}
_KEYWORDS |= {word: True for word in ("true", "True", "TRUE")}
_KEYWORDS |= {word: False for word in ("false", "False", "FALSE")}
_INFINITIES = ("inf", "Inf", "INF")
_SPECIAL_FLOATS = {f"{sign}.{word}": float(f"{sign}inf") for sign in ("", "+", "-") for word in _INFINITIES}
_SPECIAL_FLOATS |= {f".{word}": math.nan for word in ("nan", "NaN", "NAN")}
_NUMBER_START = frozenset("0123456789+-.")
# First characters of the plain scalars that may resolve to something other than a string.
MAY_BE_TYPED = _NUMBER_START | {word[0] for word in _KEYWORDS}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_RADIX_INT = re.compile(r"0(?:x[0-9a-fA-F]+|o[0-7]+)")


def custom_tag(tag: str | None) -> str | None:
    """Keep application tags (`!If`); standard `!!map`/`!!seq` and the bare `!` carry no information."""
    if tag is None or tag == "!" or tag.startswith(_STANDARD_TAG):
        return None
    return tag


def mapping_items(children: list[Node]) -> tuple[tuple[Scalar, Node], ...]:
    """Key/value pairs from a mapping's alternating children, with `<<` merge keys resolved.

    Duplicate keys are all kept, in order, so that no value is hidden from the scanner. Merged items come
    after the explicit ones; explicit keys win, and earlier merge sources win over later ones.
    """
    keys = children[0::2]
    try:  # the common case, all keys scalars and none a merge key, in one pass
        names: list[object] | None = [key.value for key in keys]  # type: ignore[union-attr]
    except AttributeError:  # a collection as a key: reported below
        names = None
    if names is not None and MERGE_KEY not in names:
        return tuple(zip(keys, children[1::2], strict=True))  # type: ignore[arg-type]  # all are scalars
    items: list[tuple[Scalar, Node]] = []
    merges: list[Node] = []
    for index in range(0, len(children), 2):
        key, value = children[index], children[index + 1]
        if not isinstance(key, Scalar):
            line = key.start.line
            message = f"mapping key at line {line} is a collection; only scalar keys are supported"
            raise ManifestError(NoticeKind.PARSE_ERROR, message, line)
        if _is_merge(key, value):
            merges.append(value)
        else:
            items.append((key, value))
    if merges:
        items.extend(_merged_items(items, merges))
    return tuple(items)


def _is_merge(key: Scalar, value: Node) -> bool:
    if key.value != MERGE_KEY or key.style is not Style.PLAIN or key.tag is not None:
        return False
    if isinstance(value, Sequence):
        return all(isinstance(item, Mapping) for item in value.items)
    return isinstance(value, Mapping)


def _merged_items(explicit: list[tuple[Scalar, Node]], merges: list[Node]) -> list[tuple[Scalar, Node]]:
    seen = {key.value for key, _ in explicit}
    merged: list[tuple[Scalar, Node]] = []
    for source in merges:
        for mapping in source.items if isinstance(source, Sequence) else (source,):
            assert isinstance(mapping, Mapping)
            for key, value in mapping.items:
                if key.value not in seen:
                    seen.add(key.value)
                    merged.append((key, value))
    return merged


def typed_value(
    raw: str, *, plain: bool, tag: str | None
) -> tuple[str | int | float | bool | None, str | None]:
    """The YAML 1.2 core-schema value; a custom tag is returned as is and leaves the text a string."""
    if tag is None:
        return (resolve_plain(raw) if plain else raw), None
    if tag == "!":
        return raw, None
    if tag.startswith(_STANDARD_TAG):
        kind = tag[len(_STANDARD_TAG) :]
        return (resolve_plain(raw) if kind in ("int", "float", "bool", "null") else raw), None
    return raw, tag


def resolve_plain(raw: str) -> str | int | float | bool | None:
    """Core schema: null, booleans, decimal/octal/hex integers and floats; anything else is a string."""
    if not raw:
        return None
    if raw in _KEYWORDS:
        return _KEYWORDS[raw]
    if raw[0] not in _NUMBER_START:
        return raw
    try:
        if _INT.fullmatch(raw):
            return int(raw)
        if _RADIX_INT.fullmatch(raw):
            return int(raw[2:], 16 if raw[1] == "x" else 8)
        if _FLOAT.fullmatch(raw):
            return float(raw)
    except ValueError:  # more digits than Python converts: keep the text
        return raw
    return _SPECIAL_FLOATS.get(raw, raw)
