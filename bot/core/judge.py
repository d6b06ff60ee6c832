"""Judging one value: which parts of it are literal secrets, and in what role.

The detectors (`RuleSet.find_tokens`, `RuleSet.judge_keyed`) only ever see what is really written in the
file: token matches that fall inside a reference (`${ssm:/path}`) are dropped, keyed judgement applies to
whole literals, to each `Key=value` pair of a connection string and to literal fallbacks, and a value that
another key consumes through `${self:...}` or `!Ref` is judged under that key's name too. A `Hit` holds
offsets into the value, never a copy of it, and its repr shows neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.detectors import Detectors
from bot.core.manifests.base import Site, Target
from bot.core.references import Analysis, LiteralFallback
from bot.core.rules import Rule
from bot.core.tree import KeyPath, Scalar


class Context(StrEnum):
    LITERAL = "literal"  # the whole value
    FRAGMENT = "fragment"  # part of a literal (a password in a URL, a key in a connection string)
    FALLBACK = "fallback"  # a literal default inside a reference
    PAIR = "pair"  # the value of one Key=value pair


@dataclass(frozen=True, slots=True, repr=False)
class Candidate:
    doc_index: int
    path: KeyPath
    scalar: Scalar
    site: Site
    consumers: tuple[Target, ...] = ()

    def __repr__(self) -> str:
        return f"Candidate({self.path!r}, line {self.scalar.start.line})"

    @property
    def text(self) -> str:
        return self.scalar.value if isinstance(self.scalar.value, str) else ""


@dataclass(frozen=True, slots=True, repr=False)
class Hit:
    candidate: Candidate
    rule: Rule
    start: int  # offsets of the secret in the candidate's text
    end: int
    context: Context
    fallback: LiteralFallback | None = None
    name: str = ""  # the key the secret is named after; a pair's own key for PAIR hits
    keyed: bool = False

    @property
    def value(self) -> str:
        return self.candidate.text[self.start : self.end]

    def __repr__(self) -> str:
        return f"Hit({self.rule.id}, {self.candidate.path!r}, {self.context.value})"


_PAIR_TOKEN = re.compile(
    r"""(?P<key>[A-Za-z_][\w.-]*)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']*))"""
)
_SPACE_PAIRS = re.compile(r"""\s*(?:[A-Za-z_][\w.-]*=(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']*)\s*)+""")


def judge(
    candidate: Candidate, analysis: Analysis, detectors: Detectors, *, tokens: bool = True, keyed: bool = True
) -> list[Hit]:
    """Every secret in one value, overlapping reports merged (a provider format beats a key-name guess).

    `tokens=False` skips provider formats (the caller knows none can be in this value); `keyed=False` skips
    judgement by key name (a fragment of a `!Join` says nothing about its key)."""
    hits = _token_hits(candidate, analysis, detectors) if tokens else []
    if analysis.is_literal:
        hits.extend(_keyed_pairs(candidate, detectors))
    if keyed:
        keys = (candidate.site.key, *(target.consumer for target in candidate.consumers if target.whole))
        if analysis.is_literal:
            hits.extend(_keyed_whole(candidate, keys, detectors))
        hits.extend(_keyed_fallbacks(candidate, analysis, keys, detectors))
    return _merge(hits) if len(hits) > 1 else hits


def _keyed_fallbacks(
    candidate: Candidate, analysis: Analysis, keys: tuple[str, ...], detectors: Detectors
) -> list[Hit]:
    hits: list[Hit] = []
    for fallback in analysis.fallbacks:
        for key in keys:
            match = detectors.judge_keyed(key, fallback.value)
            if match is not None:
                start, end = fallback.start, fallback.end
                hits.append(Hit(candidate, match.rule, start, end, Context.FALLBACK, fallback, keyed=True))
                break
    return hits


def _token_hits(candidate: Candidate, analysis: Analysis, detectors: Detectors) -> list[Hit]:
    text = candidate.text
    hits: list[Hit] = []
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    for match in detectors.find_tokens(text):
        if not analysis.is_literal_span(match.start, match.end):
            continue
        fallback = analysis.fallback_at(match.start, match.end)
        if fallback is not None:
            context = Context.FALLBACK
        elif match.start <= lead and match.end >= tail:
            context = Context.LITERAL
        else:
            context = Context.FRAGMENT
        hits.append(Hit(candidate, match.rule, match.start, match.end, context, fallback))
    return hits


def _keyed_whole(candidate: Candidate, keys: tuple[str, ...], detectors: Detectors) -> list[Hit]:
    text = candidate.text
    if not text.strip() or candidate.site.pairs:
        return []
    for key in keys:
        match = detectors.judge_keyed(key, text)
        if match is not None:
            return [Hit(candidate, match.rule, 0, len(text), Context.LITERAL, keyed=True)]
    return []


def _keyed_pairs(candidate: Candidate, detectors: Detectors) -> list[Hit]:
    hits: list[Hit] = []
    for key, start, end in pairs(candidate.text, expected=candidate.site.pairs):
        match = detectors.judge_keyed(key, candidate.text[start:end])
        if match is not None:
            hits.append(Hit(candidate, match.rule, start, end, Context.PAIR, name=key, keyed=True))
    return hits


def pairs(text: str, *, expected: bool = False) -> list[tuple[str, int, int]]:
    """`Key=value` pairs as (key, value start, value end): `;`-separated connection strings, or
    space-separated lists with optionally quoted values (samconfig overrides, libpq strings)."""
    if text.count("=") < (1 if expected else 2):
        return []
    if ";" in text and not expected:
        return _semicolon_pairs(text)
    if not _SPACE_PAIRS.fullmatch(text):
        return []
    found: list[tuple[str, int, int]] = []
    for match in _PAIR_TOKEN.finditer(text):
        group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
        found.append((match["key"], match.start(group), match.end(group)))
    return found if expected or len(found) >= 2 else []


def _semicolon_pairs(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    offset = 0
    for part in text.split(";"):
        equals = part.find("=")
        if equals > 0:
            key = part[:equals].strip()
            start = offset + equals + 1
            end = offset + len(part)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if key and end > start:
                found.append((key, start, end))
        offset += len(part) + 1
    return found if len(found) >= 2 else []


def _merge(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that overlaps one already kept; token matches are kept before key-name matches."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.keyed, h.start, -(h.end - h.start))):
        if all(hit.end <= other.start or other.end <= hit.start for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
