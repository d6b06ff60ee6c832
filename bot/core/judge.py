"""Judging one value: which parts of it are literal secrets, and in what role.

The detectors (`RuleSet.find_tokens`, `RuleSet.judge_keyed`) only ever see what is really written in the
file: token matches that fall inside a reference (`${ssm:/path}`) are dropped, keyed judgement applies to
whole literals, to each `Key=value` pair of a connection string and to literal fallbacks, and a value that
another key consumes through `${self:...}` or `!Ref` is judged under that key's name too. A `Hit` holds
offsets into the value, never a copy of it, and its repr shows neither.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import NamedTuple

from bot.core.assignments import assignments
from bot.core.detectors import Detectors
from bot.core.heuristics import SecretKind
from bot.core.inlinecode import Code, is_expression, is_inline_code
from bot.core.linear import LinearPattern
from bot.core.manifests.base import Site, Target
from bot.core.references import Analysis, LiteralFallback
from bot.core.rules import Rule
from bot.core.spans import DisjointSpans
from bot.core.tree import KeyPath, Scalar


class Context(StrEnum):
    LITERAL = "literal"  # the whole value
    FRAGMENT = "fragment"  # part of a literal (a password in a URL, a key in a connection string)
    FALLBACK = "fallback"  # a literal default inside a reference
    PAIR = "pair"  # the value of one Key=value pair
    FIELD = "field"  # the string value of one field of an inline JSON object


class Candidate(NamedTuple):
    doc_index: int
    path: KeyPath
    scalar: Scalar
    site: Site
    consumers: tuple[Target, ...] = ()
    sample_host: bool = False  # a documentation host beside the value speaks for it (`bot.core.hosts`)

    def __repr__(self) -> str:
        return f"Candidate({self.path!r}, line {self.scalar.start.line})"

    @property
    def text(self) -> str:
        return self.scalar.value if isinstance(self.scalar.value, str) else ""


class Hit(NamedTuple):
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


# One `NAME=value` assignment with nothing around it (a dotenv line, an entry of an `env` list).
# On RE2 (`bot.core.linear`): with `re`, `_SPACE_PAIRS` on `a=a=a=...a="` tried every way of cutting the
# text into keys and bare values, exponential in the number of pairs.
_SINGLE_ASSIGNMENT = LinearPattern(r"(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>\S+)")
_JSON_FIELD = LinearPattern(r'"(?P<key>(?:[^"\\]|\\.)*)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')
_PAIR_TOKEN = LinearPattern(
    r"""(?P<key>[A-Za-z_][\w.-]*)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']*))"""
)
_SPACE_PAIRS = LinearPattern(r"""\s*(?:[A-Za-z_][\w.-]*=(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']*)\s*)+""")


def judge(
    candidate: Candidate, analysis: Analysis, detectors: Detectors, *, tokens: bool = True, keyed: bool = True
) -> list[Hit]:
    """Every secret in one value, overlapping reports merged (a provider format beats a key-name guess).

    `tokens=False` skips provider formats (the caller knows none can be in this value); `keyed=False` skips
    judgement by key name (a fragment of a `!Join` says nothing about its key)."""
    hits = _token_hits(candidate, analysis, detectors) if tokens else []
    if analysis.is_literal:
        hits.extend(_keyed_pairs(candidate, detectors))
    if not candidate.site.pairs:
        hits.extend(_embedded_assignments(candidate, analysis, detectors))
    hits.extend(_json_fields(candidate, analysis, detectors))
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
            match = detectors.judge_keyed(key, fallback.value, sample_host=candidate.sample_host)
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
    asked = False  # whether the value is function code: asked once, and only of a value with a password match
    code: Code | None = None
    for match in detectors.find_tokens(text):
        if not analysis.is_literal_span(match.start, match.end):
            continue
        if match.rule.secret_kind is SecretKind.PASSWORD:
            if not asked:
                asked, code = True, Code(text) if is_inline_code(candidate.site.key) else None
            if code is not None and is_expression(code, match.start, match.end):
                continue  # a variable in a password slot of function code (`bot.core.inlinecode`)
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
        match = detectors.judge_keyed(key, text, sample_host=candidate.sample_host)
        if match is not None:
            return [Hit(candidate, match.rule, 0, len(text), Context.LITERAL, keyed=True)]
    return []


def _keyed_pairs(candidate: Candidate, detectors: Detectors) -> list[Hit]:
    hits: list[Hit] = []
    asked = False  # whether the value is function code: asked once, before `is_expression` (issue 16)
    code: Code | None = None
    for key, start, end in pairs(candidate.text, expected=candidate.site.pairs):
        if not asked:
            asked, code = True, Code(candidate.text) if is_inline_code(candidate.site.key) else None
        if code is not None and is_expression(code, start, end):
            continue  # `Pwd={creds['password']}` in function code: an expression (`bot.core.inlinecode`)
        match = detectors.judge_keyed(key, candidate.text[start:end])
        if match is not None:
            hits.append(Hit(candidate, match.rule, start, end, Context.PAIR, name=key, keyed=True))
    return hits


def _embedded_assignments(candidate: Candidate, analysis: Analysis, detectors: Detectors) -> list[Hit]:
    """Assignment lines inside the value (`bot.core.assignments`), each judged under its own key name."""
    hits: list[Hit] = []
    for key, start, end, judged_as in assignments(candidate.text):
        if not analysis.is_literal_span(start, end):
            continue
        match = detectors.judge_keyed(judged_as, candidate.text[start:end])
        if match is not None:
            hits.append(Hit(candidate, match.rule, start, end, Context.PAIR, name=key, keyed=True))
    return hits


def may_hold_pairs(text: str) -> bool:
    """Cheap necessary condition for `pairs`, `assignments` or `json_fields` to find anything in `text`."""
    equals = text.count("=")
    if not equals:  # most values: the questions below that need a `=` are not asked (issue 16)
        return (
            ("\n" in text and ": " in text and "\n" in text.strip())
            or " --" in text
            or text.startswith("--")
            or ('":' in text and text.lstrip().startswith("{"))
        )
    if equals >= 2 or (equals == 1 and _SINGLE_ASSIGNMENT.fullmatch(text.strip()) is not None):
        return True
    if " =" in text or "= " in text or ("\n" in text.strip() and (equals or ": " in text)):
        return True
    if ("?" in text and equals) or " --" in text or text.startswith("--"):
        return True  # a URL's query string, a command line's options
    return text.lstrip().startswith("{") and '":' in text


def _json_fields(candidate: Candidate, analysis: Analysis, detectors: Detectors) -> list[Hit]:
    hits: list[Hit] = []
    for key, start, end in json_fields(candidate.text):
        if not analysis.is_literal_span(start, end):
            continue
        match = detectors.judge_keyed(key, _json_string(candidate.text[start:end]))
        if match is not None:
            hits.append(Hit(candidate, match.rule, start, end, Context.FIELD, name=key, keyed=True))
    return hits


def json_fields(text: str) -> list[tuple[str, int, int]]:
    """String fields of an inline JSON object (`SecretString: '{"password": "..."}'`) as (key, value start,
    value end), at any depth; empty when the text is not a JSON object."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return []
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):  # a hostile value may nest deeper than the interpreter allows
        return []
    if not isinstance(document, dict):
        return []
    return [
        (_json_string(match["key"]), match.start("value"), match.end("value"))
        for match in _JSON_FIELD.finditer(text)
    ]


def _json_string(body: str) -> str:
    """The value of a JSON string body (escapes resolved); the body itself if it is not valid JSON."""
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return body
    return value if isinstance(value, str) else body


def pairs(text: str, *, expected: bool = False) -> list[tuple[str, int, int]]:
    """`Key=value` pairs as (key, value start, value end): `;`-separated connection strings, space-separated
    lists with optionally quoted values (samconfig overrides, libpq strings), or one `NAME=value`."""
    if not expected and text.count("=") == 1:
        return _single_assignment(text)
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


def _single_assignment(text: str) -> list[tuple[str, int, int]]:
    lead = len(text) - len(text.lstrip())
    match = _SINGLE_ASSIGNMENT.fullmatch(text.strip())
    if match is None:
        return []
    return [(match["key"], lead + match.start("value"), lead + match.end("value"))]


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
            if end - start > 2 and text[start] == "{" and text[end - 1] == "}":
                start, end = start + 1, end - 1  # ODBC quotes a value in braces: `Pwd={...}`
            if key and end > start:
                found.append((key, start, end))
        offset += len(part) + 1
    return found if len(found) >= 2 else []


def _merge(hits: list[Hit]) -> list[Hit]:
    """Drop a hit that overlaps one already kept; token matches are kept before key-name matches."""
    spans = DisjointSpans()
    ordered = sorted(hits, key=lambda h: (h.keyed, h.start, -(h.end - h.start)))
    kept = [hit for hit in ordered if spans.add(hit.start, hit.end)]
    return sorted(kept, key=lambda h: h.start)
