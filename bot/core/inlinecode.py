"""Function code written inside a manifest (CloudFormation `ZipFile: |`, SAM `InlineCode:`): what in it is
an expression rather than a literal.

Inline code builds connection strings from variables (`f"...;Pwd={creds['password']};"`,
`connect(host=h, password=password, ...)`, `password = event.password`), and a password pattern reads the
expression after `password=` as the password. In code a literal is quoted, so a password slot filled by a
subscript, a call, an attribute, a keyword argument or a variable is an expression; a quoted literal or a
provider token in the code is still reported.
"""

from __future__ import annotations

from bisect import bisect_left

from bot.core.linear import LinearPattern
from bot.core.newlines import newline_offsets

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


class Code:
    """Function source, whose string literals are found one line at a time, when a position on that line is
    first asked about, and then remembered: a value with many password slots on one long line asks about
    each of them, and reading the line up to each again was quadratic (64 KB of `password=a, `: 27 s)."""

    __slots__ = ("_literals", "_newlines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None
        self._literals: dict[int, tuple[list[int], list[int]]] = {}  # by line start: opening, closing offsets

    def in_string(self, position: int) -> bool:
        """Whether `position` falls inside a string literal of its line: a quote opened before it and not
        closed (escaped quotes and the other quote characters inside a string do not count)."""
        text = self.text
        if self._newlines is None:
            self._newlines = newline_offsets(text)
        index = bisect_left(self._newlines, position)
        line_start = self._newlines[index - 1] + 1 if index else 0
        literals = self._literals.get(line_start)
        if literals is None:
            line_end = self._newlines[index] if index < len(self._newlines) else len(text)
            literals = self._literals[line_start] = _string_literals(text, line_start, line_end)
        opens, closes = literals
        last = bisect_left(opens, position) - 1  # the last literal opened before `position`
        return last >= 0 and position <= closes[last]


def is_expression(code: Code, start: int, end: int) -> bool:
    """Whether text[start:end], a value read after `password=` in code, is an expression. Inside a string
    literal only a template field is (`"...;Pwd={pwd};"`); outside one, a call or subscript of a name, a
    template field, or a name or dotted name that a `,`/`)` closes (a keyword argument) or that follows
    ` = ` (an assignment)."""
    text = code.text
    value = text[start:end]
    if _TEMPLATE_FIELD.match(value) is not None or text[max(0, start - 1) : start] == "{":
        return True  # a template field, or the expression inside one
    if code.in_string(start):
        return False
    if _CALL_OR_SUBSCRIPT.match(value) is not None:
        return True
    name = value.rstrip(",);")
    if not name or _NAME.match(name) is None:
        return False
    closed = len(name) < len(value) or text[end : end + 1] in (",", ")")
    before = text[max(0, start - 3) : start]
    return closed or "." in name or before.endswith((" = ", " =", "= "))


def _string_literals(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """The offsets of the opening quotes of the string literals in text[start:end], one line, and of their
    closing quotes (`end` for a literal still open at the end of the line)."""
    opens: list[int] = []
    closes: list[int] = []
    quote = ""
    escaped = False
    for index in range(start, end):
        char = text[index]
        if escaped:
            escaped = False
        elif char == "\\" and quote:
            escaped = True
        elif quote and char == quote:
            quote = ""
            closes.append(index)
        elif not quote and char in _QUOTES:
            quote = char
            opens.append(index)
    if quote:
        closes.append(end)
    return opens, closes
