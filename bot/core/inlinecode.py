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

# Keys whose value is function source on the platforms that accept it inline; code under any other key (a
# UserData script that happens to `import`) is read as text.
_CODE_KEYS = frozenset({"zipfile", "inlinecode"})
# Expression shapes: a call or subscript of a name (`creds['password']`, `get_secret()`), a template field
# (`{password}`, `${process.env.PWD}`), a name or dotted name.
_CALL_OR_SUBSCRIPT = LinearPattern(r"^[A-Za-z_$][\w$.]*[(\[]")
_TEMPLATE_FIELD = LinearPattern(r"^\$?\{[A-Za-z_$]")
_NAME = LinearPattern(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_QUOTES = frozenset("\"'`")


def is_inline_code(key: str) -> bool:
    """Whether a value is function source: it sits under a key that holds code (`ZipFile`, `InlineCode`);
    the key decides, as a shell script with an `import` line is not function code."""
    return key.rsplit(".", 1)[-1].lower() in _CODE_KEYS


def is_expression(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a value read after `password=` in code, is an expression. Inside a string
    literal only a template field is (`"...;Pwd={pwd};"`); outside one, a call or subscript of a name, a
    template field, or a name or dotted name that a `,`/`)` closes (a keyword argument) or that follows
    ` = ` (an assignment)."""
    value = text[start:end]
    if _TEMPLATE_FIELD.match(value) is not None or text[max(0, start - 1) : start] == "{":
        return True  # a template field, or the expression inside one
    if _in_string(text, start):
        return False
    if _CALL_OR_SUBSCRIPT.match(value) is not None:
        return True
    name = value.rstrip(",);")
    if not name or _NAME.match(name) is None:
        return False
    closed = len(name) < len(value) or text[end : end + 1] in (",", ")")
    before = text[max(0, start - 3) : start]
    return closed or "." in name or before.endswith((" = ", " =", "= "))


def _in_string(text: str, position: int) -> bool:
    """Whether `position` falls inside a string literal of its line: a quote opened before it and not
    closed (escaped quotes and the other quote characters inside a string do not count)."""
    line_start = text.rfind("\n", 0, position) + 1
    quote = ""
    escaped = False
    for char in text[line_start:position]:
        if escaped:
            escaped = False
        elif char == "\\" and quote:
            escaped = True
        elif quote and char == quote:
            quote = ""
        elif not quote and char in _QUOTES:
            quote = char
    return bool(quote)
