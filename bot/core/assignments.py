"""Settings written inside a string: a `.env` block in a YAML literal, `KEY = value` lines of an INI or
shell snippet, a `KEY: value` line of an embedded YAML document.

Manifests carry whole configuration files as strings (a `|` block handed to a container, a `user_data`
script, a ConfigMap-like value), and the parser sees only one string. Each line that is one assignment is
read here as (key, value start, value end), so that the value is judged under its own key name like any
other. A line counts only when it is exactly one assignment: an optional `export`/`set` (or a declaration,
`const`/`let`/`var`, in inline function code, whose value counts only quoted), a name, `=` (with
or without spaces) or `: ` (multi-line text only, where it reads as YAML), and one value: quoted, or one
bare token (after an optional `Bearer `/`Basic ` scheme), then at most a comment. Prose (`Note: the key is
rotated monthly`) and commands (`curl -H ...`) are not assignments. Within any value, the parameters of a
URL's query string and the options of a command line are settings too.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.core.linear import LinearPattern
from bot.core.queryparams import QUERY_PARAMETER, judged_name, judged_value

_LINE = LinearPattern(
    r"^[ \t]*(?:(?:export|set)[ \t]+)?(?:(?P<decl>const|let|var)[ \t]+)?"
    r"(?P<key>[A-Za-z_][\w.-]*)[ \t]*(?P<sep>=|:[ \t])[ \t]*"
    r"""(?:"(?P<dq>(?:[^"\\\n]|\\.)*)"|'(?P<sq>[^'\n]*)'"""
    r"""|(?P<bare>(?:(?:Bearer|Basic|Token)[ \t]+)?[^\s"'#][^\s]*?))"""
    r"[ \t]*[,;]?[ \t]*(?:[ \t]#[^\n]*)?\r?$",
    multiline=True,
    needs=("=", ": ", ":\t"),  # the separator: `${ssm:/path}` alone is not an assignment line (issue 16)
)


# Settings inside one line: the parameters of a URL's query (`bot.core.queryparams`) and the options of a
# command line (`--api-key=...`, `--password ...`), anywhere in the value.
_OPTION = LinearPattern(
    r"(?:^|\s)--?(?P<key>[A-Za-z][\w-]*)(?:=|[ \t]+)"
    r"(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s\"'-][^\s]*))",
    needs=("-",),
)


# A bare value that is code, not a literal: a call or subscript (`event['token']`, `getToken()`) or a dotted
# name (`req.headers.authorization`, `config.API_KEY`), as in inline Lambda code (`ZipFile: |`).
_CODE = LinearPattern(
    r"[()\[\]{}]|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$", needs=("(", ")", "[", "]", "{", "}", ".")
)


class Setting(NamedTuple):
    """One setting found inside a value: its key as written, the value's offsets, and the key name the
    value is judged under (the key itself, or for a query parameter its conventional meaning)."""

    key: str
    start: int
    end: int
    judged_as: str


def assignments(text: str, *, multi_line: bool | None = None) -> list[Setting]:
    """The assignments of `text`, one per line, as `Setting`s: every line of a
    multi-line text, or the whole of a one-line text written `KEY = value` (a bare `KEY=value` is left to
    `judge.pairs`, which reads it already). `multi_line=True` reads one line as a line of a block."""
    if multi_line is None:
        multi_line = "\n" in text.strip()
    found: list[Setting] = []
    for match in _LINE.finditer(text):  # `needs`: a value without a separator (most) costs no RE2 call
        if not multi_line and match["sep"] != "=":
            continue
        group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
        start, end = match.span(group)
        # In a declaration a literal is quoted: `const signingKey = keyMaterial;` assigns a variable.
        bare_code = group == "bare" and (
            match["decl"] is not None or _CODE.search(text[start:end]) is not None
        )
        if end > start and not bare_code:
            found.append(Setting(match["key"], start, end, match["key"]))
    if "?" in text or "-" in text:
        found.extend(_inline_settings(text))
    return found


# Options that select a key by its public id or fingerprint (`gpg --recv-keys <fingerprint>`, `apt-key adv
# --recv-key`, `--default-key`, `--trusted-key`): the value identifies a public key, it unlocks nothing.
_KEY_SELECTING_OPTIONS = frozenset(
    {"recv-key", "recv-keys", "receive-keys", "fetch-keys", "default-key", "trusted-key", "sign-key",
     "lsign-key", "edit-key", "delete-key", "delete-keys", "export-key", "keyserver", "keyid", "key-id"}
)  # fmt: skip


def _inline_settings(text: str) -> list[Setting]:
    found = [
        Setting(match["key"], *match.span("value"), judged_name(match["key"]))
        for match in QUERY_PARAMETER.finditer(text)
        if judged_value(match["key"], match["value"])
    ]
    if not _may_hold_option(text):
        return found
    for match in _OPTION.finditer(text):
        group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
        start, end = match.span(group)
        if end > start and match["key"].lower() not in _KEY_SELECTING_OPTIONS:
            found.append(Setting(match["key"], start, end, match["key"]))
    return found


def _may_hold_option(text: str) -> bool:
    """Whether a `-` starts `text` or follows a blank, as in each `_OPTION` match: most values with a `-` hold
    it inside a word (`my-service-prod`), and are answered without the pattern (issue 16). A non-ASCII
    character before it is left to the pattern, whose `\\s` reads Unicode's own tables; so is a text with
    more than `_DASHES_CHECKED` dashes, so that a hostile one costs no Python step per character."""
    index = text.find("-")
    for _ in range(_DASHES_CHECKED):
        if index < 0:
            return False
        before = text[index - 1 : index]
        if not before or before.isspace() or not before.isascii():
            return True
        index = text.find("-", index + 1)
    return True


_DASHES_CHECKED = 32
