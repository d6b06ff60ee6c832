"""Function code written inside a manifest (CloudFormation `ZipFile: |`, SAM `InlineCode:`): what in it is
an expression rather than a literal.

Inline code builds connection strings from variables (`f"...;Pwd={creds['password']};"`,
`connect(host=h, password=password, ...)`, `password = event.password`), and a password pattern reads the
expression after `password=` as the password. In code a literal is quoted, so a password slot filled by a
subscript, a call, an attribute, a keyword argument or a variable is an expression; a quoted literal or a
provider token in the code is still reported.
"""

from __future__ import annotations

from bot.core.linear import LinearPattern

# Keys whose value is function source on the platforms that accept it inline.
_CODE_KEYS = frozenset({"zipfile", "inlinecode"})
# A line that only source code starts with, for code under other keys.
_CODE_LINE = LinearPattern(
    r"^[ \t]*(?:def [A-Za-z_]\w*\(|import [A-Za-z_][\w.]*|from [\w.]+ import |(?:async )?function\b"
    r"|exports\.\w+ *=|module\.exports *=|(?:const|let|var) \w+ *= *(?:require\(|async|\())",
    multiline=True,
)
_BRACKETS = LinearPattern(r"[()\[\]{}]")
_NAME = LinearPattern(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")


def is_inline_code(key: str, text: str) -> bool:
    """Whether a value is function source: under a key that holds code, or multi-line with a line that only
    code starts with (`def handler(`, `import os`, `exports.handler =`)."""
    if key.rsplit(".", 1)[-1].lower() in _CODE_KEYS:
        return True
    return "\n" in text.strip() and _CODE_LINE.search(text) is not None


def is_expression(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a value read after `password=` in code, is an expression: it holds a
    bracket (subscript, call, template field), or it is a name or dotted name that a `,`/`)` closes (a
    keyword argument) or that follows ` = ` (an assignment)."""
    value = text[start:end]
    if _BRACKETS.search(value) is not None:
        return True
    name = value.rstrip(",);")
    if not name or _NAME.match(name) is None:
        return False
    closed = len(name) < len(value) or text[end : end + 1] in (",", ")")
    before = text[max(0, start - 3) : start]
    return closed or "." in name or before.endswith((" = ", " =", "= "))
