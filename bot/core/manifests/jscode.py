"""`serverless.ts` / `serverless.js`: configuration written as code, which we never run.

A small tokenizer finds the string literals ('...', "...", `...`) outside comments and turns each into a
scalar keyed by the property or variable name in front of it (`GITHUB_API_KEY: 'ghp_...'`), so the same
judging and the same `${ssm:...}` fix apply as for `serverless.yml`. Nothing is evaluated: `${...}` inside
a template literal is a JavaScript expression and stays a reference.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from bot.core.linear import LinearPattern
from bot.core.manifests.base import Format, Naming, Site, kebab
from bot.core.manifests.kit import BasePlatform
from bot.core.manifests.serverless import PLATFORM as SERVERLESS
from bot.core.tree import Document, KeyPath, Mapping, Pos, Scalar, Style

_NAMES = frozenset(f"serverless.{ext}" for ext in ("ts", "js", "mjs", "cjs", "mts", "cts"))
# On RE2: with `re`, an unterminated string such as `\\'\\'\\'...` was rescanned from each of its quotes.
_TOKENS = LinearPattern(
    r"""//[^\n]*|/\*.*?(?:\*/|\z)|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`""", dotall=True
)
# Searched only in the `_LOOKBEHIND` characters before a string: constant work per string.
_KEY_BEFORE = re.compile(r"""(?:([A-Za-z_$][\w$]*)|'([^'\n]*)'|"([^"\n]*)")\s*(?::|=|\?\?|\|\|)\s*$""")
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
    "\n": "",
    "\r\n": "",
}
_SERVICE = re.compile(r"""\bservice\s*:\s*['"`]([\w-]+)['"`]""")
_STYLES = {"'": Style.SINGLE, '"': Style.DOUBLE, "`": Style.PLAIN}
_LOOKBEHIND = 200


class ServerlessCodePlatform(BasePlatform):
    id = "serverless-code"
    serverless_variables = True
    lambda_env = True
    docs = SERVERLESS.docs

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.CODE if name in _NAMES else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        return Site(str(path[0]) if path else "")

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        match = _SERVICE.search(docs[0].text) if docs else None
        return Naming(service=kebab(match.group(1)) if match else "")

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return SERVERLESS.reference(secret_name, env, site)

    def secret_name(self, naming: Naming, key: str) -> str:
        return SERVERLESS.secret_name(naming, key)

    def store_command(self, secret_name: str, env: str) -> str:
        return SERVERLESS.store_command(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return SERVERLESS.hint(secret_name, env, site)


def load_code(text: str) -> Document:
    """The string literals of a JS/TS file as a flat mapping from the name in front of each to the string."""
    starts = [0] + [match.end() for match in re.finditer(r"\n", text)]
    items: list[tuple[Scalar, Scalar]] = []
    for match in _TOKENS.finditer(text):
        literal = match.group()
        if literal[0] == "/":
            continue
        start, end = _pos(starts, match.start()), _pos(starts, match.end())
        value = Scalar(_unescape(literal[1:-1]), start, end, _STYLES[literal[0]])
        key = _key_before(text, match.start())
        items.append((Scalar(key, start, start), value))
    origin = Pos(1, 1)
    return Document.of(Mapping(tuple(items), origin, _pos(starts, len(text))), text)


def _key_before(text: str, index: int) -> str:
    found = _KEY_BEFORE.search(text, max(0, index - _LOOKBEHIND), index)
    if found is None:
        return "string"
    return next(group for group in found.groups() if group is not None)


def _pos(starts: list[int], offset: int) -> Pos:
    line = bisect_right(starts, offset)
    return Pos(line, offset - starts[line - 1] + 1)


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body
    return _ESCAPE.sub(_escape_value, body)


def _escape_value(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[code]
    if code.startswith("u{"):
        return chr(int(code[2:-1], 16)) if int(code[2:-1], 16) <= 0x10FFFF else ""
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return code


PLATFORM = ServerlessCodePlatform()
