"""What a repository asked us not to report: inline ignore comments, allowlists and path globs.

Allowlist value patterns and path globs come from repositories we do not control, so both are compiled with
RE2, whose matching time is linear in the input: a hostile pattern cannot hang the scanner. Our own fixed
patterns (the ignore comment) use the standard library. An ignore marker counts only inside a real comment
of the file's format (`Comments`), never inside a string value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import re2

from bot.core.config import ScanConfig
from bot.core.linear import LinearPattern, encodable

# `# secrets-bot: ignore`, `// secrets-bot: ignore[rule-a, rule-b]`; the comment may trail the value.
_IGNORE_COMMENT = LinearPattern(
    r"(?:#|//)\s*secrets-bot:\s*ignore\b(?:\[(?P<ids>[^\]]*)\])?", ignore_case=True, needs=("secrets-bot:",)
)
_RE2_MAX_MEM = 8 << 20  # bytes of RE2 program memory per pattern; a pattern that needs more fails to compile
# In a `#` format a quote opens a string only where a value starts (after these, or at the line's start):
# the apostrophe in `note: it's` is text, and the `#` after it still starts a comment.
_VALUE_STARTS = frozenset(("", ":", "-", "[", "{", ",", "=", "("))


class Comments(StrEnum):
    """How a format writes comments: the only place an ignore marker counts."""

    HASH = "hash"  # YAML, TOML, dotenv, HCL: `#` outside quotes, at the line's start or after a blank
    # JSON(C), JavaScript / TypeScript: `//` outside strings. Strict JSON has no comments, so a JSON file
    # without any has no inline suppression at all.
    SLASH = "slash"


def ignore_comment_line(lines: Sequence[str], line: int, rule_id: str, comments: Comments) -> int | None:
    """The line (1-based) of the ignore comment that covers a finding on `line`: a comment on that line, or
    a line above that is only a comment; None when the finding is not suppressed inline."""
    if 1 <= line <= len(lines) and _ignores(_comment(lines[line - 1], comments), rule_id):
        return line
    above = line - 1
    if not 1 <= above <= len(lines):
        return None
    text = lines[above - 1]
    comment = _comment(text, comments)
    return above if comment and comment == text.lstrip() and _ignores(comment, rule_id) else None


@functools.lru_cache(maxsize=8)  # a long line holding many findings is read once, not once per finding
def _comment(text: str, comments: Comments) -> str:
    """The line's comment, from its opening mark on; "" when it has none outside a string. Read line by
    line: a marker inside a string value (even in a one-line minified file) is part of the value."""
    if "secrets-bot" not in text.lower():
        return ""
    hash_ = comments is Comments.HASH
    quote, last, index = "", "", 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\" and (quote == '"' or not hash_):
                index += 1
            elif char == quote:
                quote, last = "", char
        elif char in "\"'" or (char == "`" and not hash_):
            if not hash_ or last in _VALUE_STARTS:
                quote = char
            last = char
        elif _opens_comment(text, index, hash_):
            return text[index:]
        elif not char.isspace():
            last = char
        index += 1
    return ""


def _opens_comment(text: str, index: int, hash_: bool) -> bool:
    if hash_:
        return text[index] == "#" and (index == 0 or text[index - 1] in " \t")
    return text.startswith("//", index)


def _ignores(text: str, rule_id: str) -> bool:
    ignored = _ignored_rules(text)
    return ignored is not None and (not ignored or rule_id in ignored)


@functools.lru_cache(maxsize=8)  # a line holding many findings is read once, not once per finding
def _ignored_rules(text: str) -> frozenset[str] | None:
    """The rules the line's ignore comments name; empty when one names none (all rules); None without one."""
    named: set[str] = set()
    for match in _IGNORE_COMMENT.finditer(text):
        ids = match.group("ids")
        wanted = {part.strip() for part in ids.split(",")} - {""} if ids is not None else set()
        if not wanted:
            return frozenset()
        named |= wanted
    return frozenset(named) if named else None


def is_allowlisted(*, value: str, fingerprint: str, config: ScanConfig) -> bool:
    """True when the repository allowlisted this finding by fingerprint or by a value pattern."""
    allowlist = config.allowlist
    if fingerprint in allowlist.fingerprints:
        return True
    patterns = _compiled_values(allowlist.value_patterns)
    return any(pattern.search(encodable(value)) is not None for pattern in patterns)


def compile_value_pattern(pattern: str) -> Any:
    """Compile one allowlist value pattern with RE2; raises `re2.error` when RE2 rejects it."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEM
    return re2.compile(pattern, options)


@functools.lru_cache(maxsize=64)
def _compiled_values(patterns: tuple[str, ...]) -> tuple[Any, ...]:
    """Patterns that RE2 rejects are skipped here; `load_repo_config` has already reported them."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(compile_value_pattern(pattern))
        except re2.error:
            continue
    return tuple(compiled)


def is_path_ignored(path: str, config: ScanConfig) -> bool:
    """True for a path the repository excluded, allowlisted, or left out of a non-empty `include`."""
    if any(matches_glob(path, glob) for glob in (*config.allowlist.paths, *config.exclude)):
        return True
    return bool(config.include) and not any(matches_glob(path, glob) for glob in config.include)


def matches_glob(path: str, pattern: str) -> bool:
    """Gitignore-like matching on a relative POSIX path.

    `*` and `?` stay within one path segment, `**` crosses segments. A pattern without a slash matches any
    single segment (`*.template`, `node_modules`); a pattern with one is anchored at the root. A pattern
    that matches a directory matches everything under it.
    """
    path = path.strip("/")
    pattern = pattern.strip()
    pattern = pattern.removeprefix("./").strip("/")
    if not pattern or not path:
        return False
    segments = path.split("/")
    regex = _glob_regex(pattern)
    if "/" not in pattern:
        return any(regex.fullmatch(segment) is not None for segment in segments)
    prefixes = ("/".join(segments[: end + 1]) for end in range(len(segments)))
    return any(regex.fullmatch(prefix) is not None for prefix in prefixes)


@functools.lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False
    return re2.compile(glob_to_regex(pattern), options)


def glob_to_regex(pattern: str) -> str:
    """Translate a glob into an RE2-compatible regular expression (without anchors)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append("[^/]*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[" and (close := pattern.find("]", index + 2)) != -1:
            out.append(_char_class(pattern[index + 1 : close]))
            index = close + 1
        else:
            out.append(re.escape(char))
            index += 1
    return "".join(out)


def _char_class(body: str) -> str:
    negate = body.startswith("!")
    body = body[1:] if negate else body
    escaped = body.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("^", "\\^")
    return f"[^/{escaped}]" if negate else f"[{escaped}]"
