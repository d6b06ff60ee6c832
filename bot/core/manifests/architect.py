"""Architect (arc.codes): `app.arc`, and the local preferences `prefs.arc` / `preferences.arc` / `.arc-env`.

The `.arc` format is a list of `@pragma` sections whose lines are space-separated words, optionally
indented under a parent word; `#` starts a comment and quotes allow spaces. `arc env --add` stores each
environment variable as an SSM SecureString `/<app>/<environment>/<NAME>` and also rewrites the `@env`
pragma of the preferences file with the values in clear: that file is for the local sandbox and must not
be committed. The fix removes the literal and stores it with `arc env`, reading it from the shell.
"""

from __future__ import annotations

import re

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.manifests.base import Format, Role, Site
from bot.core.manifests.kit import ANY_KEY, VariableNamedPlatform, local_file_note, map_site
from bot.core.tree import Document, KeyPath, Mapping, Node, Pos, Scalar, Style

_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|`[^`]*`|#.*|[^\s\"'`#]+")
_QUOTES = {'"': Style.DOUBLE, "'": Style.SINGLE, "`": Style.DOUBLE}
_ENVIRONMENTS = ("testing", "staging", "production")
_ENV_BLOCKS = (("env", ANY_KEY, ANY_KEY), *((environment, ANY_KEY) for environment in _ENVIRONMENTS))
_DOCS = "https://arc.codes/docs/en/reference/cli/env"


def load_arc(text: str) -> Document:
    """`@pragma` -> mapping of its top-level lines; a line `word rest` maps word -> rest, and an indented
    block under a word maps that word -> mapping of the block's lines."""
    root: list[tuple[Scalar, Node]] = []
    section: list[tuple[Scalar, Node]] | None = None
    pragma: Scalar | None = None
    parent: tuple[Scalar, list[tuple[Scalar, Node]]] | None = None
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        words = _words(raw.removesuffix("\r"), number)
        if not words:
            continue
        first = words[0]
        if raw[: first.start.column - 1].strip() == "" and str(first.value).startswith("@"):
            _close_section(root, pragma, section, parent)
            pragma = Scalar(str(first.value)[1:], first.start, first.end)
            section, parent = [], None
            continue
        if section is None:
            raise ManifestError(
                NoticeKind.PARSE_ERROR, f"invalid .arc at line {number}: text before any @pragma", number
            )
        entry = (first, _rest(words))
        if first.start.column > 1 and parent is not None:
            parent[1].append(entry)
            continue
        _close_parent(section, parent)
        parent = (first, []) if len(words) == 1 else None
        if parent is None:
            section.append(entry)
    _close_section(root, pragma, section, parent)
    end = Pos(max(len(lines), 1), 1)
    return Document.of(Mapping(tuple(root), Pos(1, 1), end), text)


def _words(line: str, number: int) -> list[Scalar]:
    words: list[Scalar] = []
    for match in _TOKEN.finditer(line):
        token = match.group()
        if token.startswith("#"):
            break
        start, end = Pos(number, match.start() + 1), Pos(number, match.end() + 1)
        style = _QUOTES.get(token[0])
        words.append(Scalar(token[1:-1], start, end, style) if style else Scalar(token, start, end))
    return words


def _rest(words: list[Scalar]) -> Scalar:
    """The words after the first as one scalar: the value of a `NAME value` line."""
    if len(words) == 1:
        return Scalar(None, words[0].end, words[0].end)
    if len(words) == 2:
        return words[1]
    text = " ".join(str(word.value) for word in words[1:])
    return Scalar(text, words[1].start, words[-1].end)


def _close_parent(
    section: list[tuple[Scalar, Node]], parent: tuple[Scalar, list[tuple[Scalar, Node]]] | None
) -> None:
    if parent is None:
        return
    key, children = parent
    if children:
        last = children[-1][1]
        section.append((key, Mapping(tuple(children), key.start, last.end)))
    else:
        section.append((key, Scalar(None, key.end, key.end)))


def _close_section(
    root: list[tuple[Scalar, Node]],
    pragma: Scalar | None,
    section: list[tuple[Scalar, Node]] | None,
    parent: tuple[Scalar, list[tuple[Scalar, Node]]] | None,
) -> None:
    if pragma is None or section is None:
        return
    _close_parent(section, parent)
    end = section[-1][1].end if section else pragma.end
    root.append((pragma, Mapping(tuple(section), pragma.start, end)))


class ArchitectPlatform(VariableNamedPlatform):
    id = "architect"
    docs = _DOCS

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if name in ("app.arc", ".arc") else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        return [load_arc(text)]

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _ENV_BLOCKS) or super().site(doc, path)

    def store_command(self, secret_name: str, env: str) -> str:
        return f'npx arc env --add --env production {secret_name} "${secret_name}"'

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value and store the new one with arc env for each environment that uses "
            f"{site.key} (testing, staging, production): Architect keeps it as an SSM SecureString and "
            "passes it to the deployed functions."
        )


class ArchitectPrefsPlatform(ArchitectPlatform):
    """`prefs.arc` / `preferences.arc` / `.arc-env`: the sandbox's local environment, never committed."""

    id = "architect-prefs"
    note = local_file_note("the Architect preferences file")

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.TOML if name in ("prefs.arc", "preferences.arc", ".arc-env") else None

    def site(self, doc: Document, path: KeyPath) -> Site:
        site = map_site(path, _ENV_BLOCKS)
        return site if site is not None else Site(super().site(doc, path).key, Role.SETTING)


PLATFORM = ArchitectPlatform()
PREFS = ArchitectPrefsPlatform()
