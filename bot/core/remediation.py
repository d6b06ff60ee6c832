"""One-click fixes: the replacement line, the command that stores the value, and where to read more.

A fix rewrites the lines a value occupies into one line that keeps the key, the indentation, the quoting
style and whatever follows the value (a JSON comma, a comment). All secrets in one value are fixed by the
same line, so applying every finding's replacement leaves no literal behind: a whole literal becomes the
platform's reference (`${ssm:/svc/key}`, `'{{resolve:secretsmanager:svc/key}}'`); a literal fallback is
swapped for a reference; a `Key=value` pair is dropped; where the platform's fix is to remove the entry
(env-vars files) the line becomes a comment. Store commands read the value from an environment variable or
stdin; no string built here ever contains the secret.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from bot.core.findings import Remediation
from bot.core.judge import Context, Hit
from bot.core.linear import LinearPattern
from bot.core.manifests import awskeys
from bot.core.manifests.base import Format, Naming, Platform, Role, env_name
from bot.core.newlines import newline_offsets
from bot.core.references import RefKind
from bot.core.spans import DisjointSpans
from bot.core.tree import Scalar, Style

_PLAIN_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_KEYWORDS = LinearPattern(
    r"^(?:true|false|null|~|yes|no|on|off|[-+]?[0-9][0-9_.eE+-]*)$", ignore_case=True
)
_KEY_PREFIX = LinearPattern(r"^(?P<indent>\s*)(?P<item>-\s+)?(?P<key>[^\s#{}\[\],][^#{}\[\]]*?)\s*[:=]\s*$")
# A replacement line longer than this is no one-click fix (a minified one-line file): it gets text advice
# only, and a file of many values on one such line does not cost one copy of the line per value.
MAX_FIX_LINE = 20_000
_SHELL_OPERATORS = ":-=?+"
_ENTRY_PREFIX = LinearPattern(r"^\s*[\"']?[\w.-]+[\"']?(?:\s*[:=]\s*|\s+)$")
_JSON_MEMBER_PREFIX = LinearPattern(r'^\s*"(?:[^"\\]|\\.)*"\s*:\s*$')
# Secrets that are one part of a value: the part is edited and the rest of the value stays.
_PAIR_QUOTES = ("''", '""', "{}")  # quoted values, and ODBC's braces (`Pwd={...}`)
_IN_PLACE_CONTEXTS = (Context.PAIR, Context.FALLBACK, Context.FIELD)


class FixContext(NamedTuple):
    platform: Platform
    fmt: Format
    lines: Sequence[str]
    naming: Naming


def fix_scalar(ctx: FixContext, hits: Sequence[Hit], *, whole_literal: bool) -> list[Remediation]:
    """One remediation per hit, all sharing the replacement line that fixes every hit in this value."""
    candidate = hits[0].candidate
    scalar, text, site = candidate.scalar, candidate.text, candidate.site
    if any(_is_lambda_key(ctx, hit) for hit in hits):
        return [_lambda_key_fix(ctx, hit) for hit in hits]
    if _written_length(ctx.lines, scalar) > MAX_FIX_LINE:
        return [_remediation(ctx, hit, _plan(ctx, hit, partial=False), None) for hit in hits]
    edits: list[tuple[int, int, str]] = []
    plans: list[tuple[str, str]] = []
    remove_entry = False
    for hit in hits:
        partial = hit.context is Context.FRAGMENT and not whole_literal
        secret_name, env = _plan(ctx, hit, partial=partial)
        plans.append((secret_name, env))
        reference = ctx.platform.reference(secret_name, env, site)
        if reference is None and hit.context not in _IN_PLACE_CONTEXTS:
            remove_entry = True
        edits.append(_edit(hit, reference, partial))
    fixed = _apply(text, edits)
    if remove_entry:
        replacement = _removed_line(ctx, scalar, site.key, plans[0][0])
    elif site.role is Role.PARAM_DEFAULT and not fixed and _is_deletable_entry(ctx, scalar):
        replacement = ""  # a parameter without a Default must be given one at deploy time
    else:
        replacement = rewrite_line(ctx.lines, scalar, fixed, ctx.fmt)
    return [_remediation(ctx, hit, plan, replacement) for hit, plan in zip(hits, plans, strict=True)]


def _written_length(lines: Sequence[str], scalar: Scalar) -> int:
    """Characters of the lines the scalar is written on (0 when its position is outside them)."""
    if not (1 <= scalar.start.line <= scalar.end.line <= len(lines)):
        return 0
    return sum(len(line) for line in lines[scalar.start.line - 1 : scalar.end.line])


def _plan(ctx: FixContext, hit: Hit, *, partial: bool) -> tuple[str, str]:
    """The name to store the secret under, and the environment variable to read it from."""
    name_key = _name_key(hit, partial)
    return ctx.platform.secret_name(ctx.naming, name_key), env_name(name_key)


def _remediation(ctx: FixContext, hit: Hit, plan: tuple[str, str], replacement: str | None) -> Remediation:
    secret_name, env = plan
    return Remediation(
        replacement=replacement,
        store_command=ctx.platform.store_command(secret_name, env),
        docs=hit.rule.docs or ctx.platform.docs,
        runtime_hint=ctx.platform.hint(secret_name, env, hit.candidate.site),
    )


def _is_lambda_key(ctx: FixContext, hit: Hit) -> bool:
    candidate = hit.candidate
    return awskeys.is_lambda_key(
        ctx.platform.id, candidate.site, candidate.path, hit.rule.id, hit.value, ctx.lines,
        candidate.scalar.start.line,
    )  # fmt: skip


def _lambda_key_fix(ctx: FixContext, hit: Hit) -> Remediation:
    """An IAM user's key in a Lambda environment: the variable goes (the line is deleted where the entry
    stands alone on it), the key is revoked, and nothing is stored: the execution role replaces it."""
    scalar = hit.candidate.scalar
    replacement = "" if _is_deletable_entry(ctx, scalar) or _is_assignment_line(ctx, scalar) else None
    return Remediation(
        replacement=replacement,
        store_command=awskeys.DEACTIVATE,
        docs=awskeys.DOCS,
        runtime_hint=awskeys.hint(ctx.platform.id, hit.candidate.site.key),
    )


def _name_key(hit: Hit, partial: bool) -> str:
    site_key = hit.candidate.site.key
    if hit.context is Context.FIELD and site_key:
        return f"{site_key}-{hit.name}"  # `password` alone would name every JSON secret in the file alike
    key = hit.name or site_key
    if partial:
        suffix = "password" if "://" in hit.candidate.text else "secret"
        return f"{key}-{suffix}"
    return key


def _edit(hit: Hit, reference: str | None, partial: bool) -> tuple[int, int, str]:
    text = hit.candidate.text
    if hit.context is Context.FALLBACK and hit.fallback is not None:
        return _fallback_edit(text, hit, reference)
    if hit.context is Context.PAIR:
        return _pair_edit(text, hit, reference)
    if hit.context is Context.FIELD:
        return hit.start, hit.end, json.dumps(reference or "")[1:-1]
    if partial:
        return hit.start, hit.end, reference or ""
    return 0, len(text), reference or ""


def _fallback_edit(text: str, hit: Hit, reference: str | None) -> tuple[int, int, str]:
    assert hit.fallback is not None
    start, end = hit.fallback.start, hit.fallback.end
    if hit.fallback.reference.kind is RefKind.SHELL:
        while start > hit.fallback.reference.start + 2 and text[start - 1] in _SHELL_OPERATORS:
            start -= 1
        return start, end, ""
    if start > 0 and end < len(text) and text[start - 1] == text[end] and text[end] in "'\"":
        start, end = start - 1, end + 1
    if reference is None:
        comma = text.rfind(",", hit.fallback.reference.start, start)
        return (comma if comma >= 0 else start), end, ""
    return start, end, reference


def _pair_edit(text: str, hit: Hit, reference: str | None) -> tuple[int, int, str]:
    start, end = hit.start, hit.end
    if start > 0 and end < len(text) and text[start - 1] + text[end] in _PAIR_QUOTES:
        start, end = start - 1, end + 1
    if reference is not None:
        return start, end, reference
    key_start = start - 1 - len(hit.name)
    if end < len(text) and text[end] == ";":
        end += 1
    while end < len(text) and text[end].isspace():
        end += 1
    if end == len(text):
        while key_start > 0 and text[key_start - 1] in " \t;":
            key_start -= 1
    return key_start, end, ""


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping edits; an edit that overlaps a wider one already applied is dropped."""
    spans = DisjointSpans()
    kept = [edit for edit in sorted(edits, key=lambda e: (e[0] - e[1], e[0])) if spans.add(edit[0], edit[1])]
    pieces: list[str] = []
    done = 0
    for start, end, new in sorted(kept):  # one pass: splicing edit by edit copied the text once per edit
        pieces += [text[done:start], new]
        done = end
    pieces.append(text[done:])
    fixed = "".join(pieces)
    return fixed.strip() if any(not new for _, _, new in kept) else fixed


def rewrite_line(lines: Sequence[str], scalar: Scalar, value: str, fmt: Format) -> str | None:
    """The lines scalar.start..scalar.end as one line with the value replaced, quoted like the original."""
    if not (1 <= scalar.start.line <= scalar.end.line <= len(lines)):
        return None
    prefix = lines[scalar.start.line - 1][: scalar.start.column - 1]
    suffix = lines[scalar.end.line - 1][scalar.end.column - 1 :]
    if len(prefix) + len(value) + len(suffix) > MAX_FIX_LINE:
        return None
    return prefix + quote(value, scalar.style, fmt) + suffix


def _is_deletable_entry(ctx: FixContext, scalar: Scalar) -> bool:
    """Whether the lines of `key: value` hold that entry alone, so deleting them leaves a valid file: a YAML
    block entry, or a JSON member followed by its comma (the last member's comma is on the line before)."""
    if not (1 <= scalar.start.line <= scalar.end.line <= len(ctx.lines)):
        return False
    prefix = ctx.lines[scalar.start.line - 1][: scalar.start.column - 1]
    suffix = ctx.lines[scalar.end.line - 1][scalar.end.column - 1 :].strip()
    if ctx.fmt is Format.JSON:
        return _JSON_MEMBER_PREFIX.match(prefix) is not None and suffix == ","
    if ctx.fmt is Format.YAML:
        shape = _KEY_PREFIX.match(prefix)
        return shape is not None and not shape["item"] and (not suffix or suffix.startswith("#"))
    return False


def _is_assignment_line(ctx: FixContext, scalar: Scalar) -> bool:
    """A `KEY = value` / `KEY value` line of a TOML, HCL or `.arc` file, or a `KEY: 'value',` member of a
    code object, holding that entry alone: deleting the line deletes the entry."""
    if ctx.fmt in (Format.JSON, Format.YAML) or not (
        1 <= scalar.start.line == scalar.end.line <= len(ctx.lines)
    ):
        return False
    line = ctx.lines[scalar.start.line - 1]
    prefix, suffix = line[: scalar.start.column - 1], line[scalar.end.column - 1 :].strip()
    quoted = suffix[:1] in "'\"`" and prefix[-1:] == suffix[:1]
    if quoted:
        prefix, suffix = prefix[:-1], suffix[1:].strip()
    trailing = suffix in ("", ",") or suffix.startswith(("#", "//"))
    return _ENTRY_PREFIX.match(prefix) is not None and trailing


def _removed_line(ctx: FixContext, scalar: Scalar, key: str, secret_name: str) -> str | None:
    """Comment the entry out where the syntax allows it (YAML/TOML block entries), else empty the value.
    An empty replacement deletes the line."""
    if ctx.fmt in (Format.YAML, Format.TOML) and 1 <= scalar.start.line <= scalar.end.line <= len(ctx.lines):
        prefix = ctx.lines[scalar.start.line - 1][: scalar.start.column - 1]
        suffix = ctx.lines[scalar.end.line - 1][scalar.end.column - 1 :].strip()
        shape = _KEY_PREFIX.match(prefix)
        if shape and (not suffix or suffix.startswith("#")):
            if ctx.fmt is Format.YAML and prefix.rstrip().endswith("="):
                return ""  # dotenv lines in a YAML file: a comment would end YAML's reading, a blank line not
            return f"{shape['indent']}# {key}: removed; its new value is secret {secret_name}"
    return rewrite_line(ctx.lines, scalar, "", ctx.fmt)


def quote(value: str, style: Style, fmt: Format) -> str:
    """`value` written as a scalar of the same quoting style, in the file's syntax."""
    if fmt is Format.JSON or style is Style.DOUBLE or style is Style.MULTILINE:
        return json.dumps(value, ensure_ascii=False)
    if fmt is Format.CODE:
        return _code_string(value, style)
    if style is Style.SINGLE:
        if fmt is Format.TOML:
            return f"'{value}'" if "'" not in value and "\n" not in value else json.dumps(value)
        return "'" + value.replace("'", "''") + "'"
    if fmt is Format.TOML:
        return json.dumps(value, ensure_ascii=False)
    return value if _plain_ok(value) else "'" + value.replace("'", "''") + "'"


def _plain_ok(value: str) -> bool:
    return (
        bool(value)
        and value[0] not in _PLAIN_UNSAFE_START
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and "\n" not in value
        and not _PLAIN_KEYWORDS.match(value)
    )


def _code_string(value: str, style: Style) -> str:
    escaped = value.replace("\\", "\\\\")
    if style is Style.SINGLE:
        return "'" + escaped.replace("'", "\\'") + "'"
    return "`" + escaped.replace("`", "\\`").replace("${", "\\${") + "`"


class LineBreaks:
    """The offsets of a value's newlines, found once, on first use: each hit in a literal block counted the
    newlines before it from the block's start, quadratic over a block of many hits (640 KB: 21 s)."""

    __slots__ = ("_offsets", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets: list[int] | None = None

    def before(self, index: int) -> int:
        """`text.count("\\n", 0, index)`."""
        if self._offsets is None:
            self._offsets = newline_offsets(self.text)
        return bisect_left(self._offsets, index)

    def last_before(self, index: int) -> int:
        """`text.rfind("\\n", 0, index)`."""
        count = self.before(index)
        return self._offsets[count - 1] if count and self._offsets is not None else -1


def locate(hit: Hit, lines: Sequence[str], breaks: LineBreaks | None = None) -> tuple[int, int, int]:
    """(line, column, end line) of a hit. A whole multi-line value spans all its lines, so that its fix
    replaces them all; a token inside a literal block scalar is placed on its own lines. `breaks`, shared by
    the hits of one value, finds its newlines once."""
    scalar, text = hit.candidate.scalar, hit.candidate.text
    start, end = scalar.start, scalar.end
    if start.line == end.line:
        return start.line, start.column + _offset_in_source(hit, lines), end.line
    whole = hit.start <= len(text) - len(text.lstrip()) and hit.end >= len(text.rstrip())
    if whole or scalar.style is not Style.LITERAL:
        return start.line, start.column, end.line
    if breaks is None or breaks.text is not text:
        breaks = LineBreaks(text)
    first = start.line + 1 + breaks.before(hit.start)
    last = start.line + 1 + breaks.before(max(hit.start, hit.end - 1))
    if not (1 <= first <= len(lines)):
        return start.line, start.column, end.line
    source = lines[first - 1]
    in_line = hit.start - (breaks.last_before(hit.start) + 1)
    return first, len(source) - len(source.lstrip()) + in_line + 1, min(last, end.line)


def _offset_in_source(hit: Hit, lines: Sequence[str]) -> int:
    """Columns from the scalar's start to the secret, when the source shows the value verbatim."""
    scalar, text = hit.candidate.scalar, hit.candidate.text
    if not (1 <= scalar.start.line <= len(lines)):
        return 0
    raw = lines[scalar.start.line - 1][scalar.start.column - 1 : scalar.end.column - 1]
    if raw == text:
        return hit.start
    if len(raw) >= 2 and raw[0] in "'\"`" and raw[1:-1] == text:
        return 1 + hit.start
    return 0
