"""The tokens of HCL: identifiers, numbers, template strings, heredocs, punctuation and newlines.

Newlines matter in HCL (they end an attribute), comments do not. A template string is one token even when
its `${...}` interpolations hold strings of their own; its value keeps the interpolations verbatim, since
they are references to resolve elsewhere, and decodes the escapes around them. Offsets are kept so that
the reader can place every token exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")
_SPACE = re.compile(r"[ \t\r]+")
_PUNCT = ("=>", "==", "!=", "<=", ">=", "&&", "||", "...")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ident, number, string, heredoc, punct, newline
    text: str  # the source text (for strings and heredocs: the decoded value)
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return _Lexer(text).tokens()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.out: list[Token] = []

    def tokens(self) -> list[Token]:
        text = self.text
        while self.index < len(text):
            char = text[self.index]
            if char in " \t\r":
                self.index = _SPACE.match(text, self.index).end()  # type: ignore[union-attr]
            elif char == "\n":
                self._emit("newline", "\n", self.index + 1)
            elif char == "#" or text.startswith("//", self.index):
                end = text.find("\n", self.index)
                self.index = len(text) if end < 0 else end
            elif text.startswith("/*", self.index):
                self._block_comment()
            elif char == '"':
                self._string()
            elif text.startswith("<<", self.index) and _HEREDOC.match(text, self.index):
                self._heredoc()
            else:
                self._word()
        return self.out

    def _emit(self, kind: str, value: str, end: int) -> None:
        self.out.append(Token(kind, value, self.index, end))
        self.index = end

    def _block_comment(self) -> None:
        end = self.text.find("*/", self.index + 2)
        if end < 0:
            raise hcl_error(self.text, self.index, "unclosed /* comment")
        if "\n" in self.text[self.index : end]:
            self.out.append(Token("newline", "\n", end, end))
        self.index = end + 2

    def _string(self) -> None:
        end = _template_end(self.text, self.index + 1, '"')
        self._emit("string", _decode(self.text[self.index + 1 : end - 1]), end)

    def _heredoc(self) -> None:
        match = _HEREDOC.match(self.text, self.index)
        assert match is not None
        indented, marker = match.group(1) == "-", match.group(2)
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.MULTILINE)
        found = closing.search(self.text, match.end())
        if found is None:
            raise hcl_error(self.text, self.index, f"heredoc {marker} is never closed")
        body = self.text[match.end() : found.start()].removesuffix("\n").removesuffix("\r")
        end = found.start() + found.group().index(marker) + len(marker)
        self._emit("heredoc", _dedent(body) if indented else body, end)

    def _word(self) -> None:
        text, index = self.text, self.index
        for pattern, kind in ((_IDENT, "ident"), (_NUMBER, "number")):
            match = pattern.match(text, index)
            if match:
                self._emit(kind, match.group(), match.end())
                return
        punct = next((p for p in _PUNCT if text.startswith(p, index)), text[index])
        self._emit("punct", punct, index + len(punct))


def _template_end(text: str, index: int, closer: str) -> int:
    """The offset just past `closer`, skipping escapes, `${...}`/`%{...}` and the strings inside them."""
    while index < len(text):
        char = text[index]
        if char == "\\" and closer == '"':
            index += 2
        elif text.startswith(("$${", "%%{"), index):
            index += 3
        elif text.startswith(("${", "%{"), index):
            index = _template_end(text, index + 2, "}")
        elif char == '"' and closer == "}":
            index = _template_end(text, index + 1, '"')
        elif char == "{" and closer == "}":
            index = _template_end(text, index + 1, "}")
        elif char == closer:
            return index + 1
        elif char == "\n" and closer == '"':
            break
        else:
            index += 1
    raise hcl_error(text, index, "unterminated string")


def _decode(body: str) -> str:
    """Escapes decoded; interpolations kept verbatim, since they are references and not literal text."""
    if "\\" not in body and "$${" not in body and "%%{" not in body:
        return body
    out: list[str] = []
    index = 0
    while index < len(body):
        if body.startswith(("${", "%{"), index):
            end = _template_end(body + '"', index + 2, "}")
            out.append(body[index:end])
            index = end
        elif body.startswith(("$${", "%%{"), index):
            out.append(body[index + 1 : index + 3])
            index += 3
        elif body[index] == "\\" and index + 1 < len(body):
            out.append(_ESCAPES.get(body[index + 1], body[index : index + 2]))
            index += 2
        else:
            out.append(body[index])
            index += 1
    return "".join(out)


def _dedent(body: str) -> str:
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


def hcl_error(text: str, index: int, problem: str) -> ManifestError:
    line = text.count("\n", 0, index) + 1
    return ManifestError(NoticeKind.PARSE_ERROR, f"invalid HCL at line {line}: {problem}", line)
