"""YAML to position-carrying trees, with hard limits and every tag kept opaque.

We compose nodes ourselves from ruamel.yaml's event stream instead of letting ruamel construct Python
objects, because:
- no tag needs a constructor: CloudFormation short forms (`!Ref`, `!Sub`, ...) and any custom tag are
  kept as a plain string on the node, so nothing in a repository can make us instantiate anything;
- an alias re-uses the node built for its anchor, and its size is added to a per-document budget, so a
  "billion laughs" file fails after a few events instead of expanding;
- the composer is iterative and stops at the depth limit, so pathological nesting cannot exhaust the stack;
- the events come from libyaml through `ruamel.yaml.clib` when it is installed: a 30 KB serverless.yml
  yields its events in about 3 ms, against about 55 ms for ruamel's pure-Python parser (the fallback).
  Building the nodes costs about twice that again, so the composer's scalar path is written for speed
  (`bot.core.yamlcompose`); `quick_check` answers "would this parse?" from libyaml alone, ten times faster.

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
from collections.abc import Iterator
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
from bot.core.tree import Document
from bot.core.yamlcompose import COLON_STAND_IN, Composer

# The C parser from ruamel.yaml.clib when it is installed, else None.
_CPARSER: Any = getattr(ruamel.yaml.main, "CParser", None)
_PURE_FALLBACK_MAX_CHARS = 64_000
# A colon between two plain-scalar characters: never a mapping indicator in YAML 1.2.
_INNER_COLON = re.compile(r":(?<=[^\s'\"\[\]{},]:)(?=[^\s\[\]{},])")  # led by the colon: fast to find
# A colon that `_INNER_COLON` masks right after a `?` that starts a token, which a flow collection reads as
# its key indicator: the one colon that libyaml reads without error both as written and masked, but
# differently (`_may_need_stand_in`). Led by the `?`: fast to find; `(?:` in a regex is no such `?`.
_KEY_INDICATOR_COLON = re.compile(r"\?(?<![^\s\[{,]\?):(?=[^\s\[\]{},])")
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
        if error.problem != "found unexpected ':'" or COLON_STAND_IN in text:
            return False
        try:
            _CPARSER(_INNER_COLON.sub(COLON_STAND_IN, text)).raw_parse()
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
        return Composer(text, limits).documents(_pure_events(text))
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
    and its own error reported, as if no stand-in had been tried.

    When no colon seems to be in a flow scalar (`_may_need_stand_in`), the original is read first and the
    masking (a regex over the whole text, then a look for the stand-in in every value) is left for when it
    fails (issue 16). The result is the same whichever is read first: the two event streams agree as far
    as both go, since a colon and the stand-in are read alike everywhere except where one of them is a
    syntax error (the colon in a flow scalar; the stand-in in an anchor, alias, tag or directive) and
    right after a flow `?` (read both ways, differently: `_may_need_stand_in` sends such a text to the
    masked reading first). So whenever the original parses, the masked text either gives the same
    documents or fails; a limit crossed in one is crossed at the same event in the other unless that one
    fails first; and when the original fails, the masked text's outcome is taken, as before, with the
    original's error if both fail."""
    if COLON_STAND_IN in text:
        return Composer(text, limits).documents(_c_events(text))
    if _may_need_stand_in(text):
        masked = _INNER_COLON.sub(COLON_STAND_IN, text)
        if masked != text:
            try:
                return Composer(text, limits, stand_in=True).documents(_c_events(masked))
            except YAMLError:
                pass
        return Composer(text, limits).documents(_c_events(text))
    try:
        return Composer(text, limits).documents(_c_events(text))
    except YAMLError as error:
        masked = _INNER_COLON.sub(COLON_STAND_IN, text)
        if masked == text:
            raise
        try:
            return Composer(text, limits, stand_in=True).documents(_c_events(masked))
        except YAMLError:
            raise error from None


def _may_need_stand_in(text: str) -> bool:
    """Whether a colon may be in a flow scalar: after a `[` or a `{` not led by `$` (`${self:x}` is no flow
    collection) on the same line, or after one that ends its line (the collection may go on below). A
    wrong guess costs time, not correctness: either text may be read first (see `_compose_c`).

    Except after a `?`: in a flow collection libyaml reads `?:b` as the value `b` under an empty key, and
    the masked `?<stand-in>b` as the key `:b`, both without error. The masked reading is the scanner's, so
    a text with such a colon, wherever it is (the line of a multi-line collection after its bracket's),
    is read masked first, as before the original was read first."""
    if _KEY_INDICATOR_COLON.search(text) is not None:
        return True
    for opener in "[{":
        index = text.find(opener)
        while index >= 0:
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            if (opener == "[" or text[index - 1 : index] != "$") and (
                not text[index + 1 : end].strip() or _INNER_COLON.search(text, index, end)
            ):
                return True
            index = text.find(opener, end)
    return False


def _c_events(text: str) -> Iterator[Any]:
    """libyaml's events; `get_event` returns None after the stream end."""
    return iter(_CPARSER(text).get_event, None)


def _pure_events(text: str) -> Iterator[Any]:
    """The pure-Python parser raises bare IndexError or AssertionError (`%YAML 1.3`) on some malformed
    input; report it as invalid YAML like any other syntax error. Only this parser lets `\\ud800`-style
    escapes through (libyaml rejects them), so only its scalars need their surrogates paired."""
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if type(event) is ev.ScalarEvent and event.style == '"' and SURROGATE.search(event.value):
                event.value = paired_surrogates(event.value)
            yield event
    except (AssertionError, IndexError, KeyError, TypeError, ValueError):
        raise YAMLError("invalid YAML") from None


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
