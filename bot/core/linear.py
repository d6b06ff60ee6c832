"""Regular expressions whose matching time is linear in the text, for every pattern that reads repository
content.

Python's `re` backtracks: a pattern with nested or adjacent repetitions that can share characters
(`(?:\\w+=[^\\s]*)+` on `a=a=a=...`) takes exponential or quadratic time, and it holds the interpreter
while it does. RE2 runs in time linear in the text for any pattern it accepts. The patterns are written in
Python's dialect and translated so that they keep Python's meaning on non-ASCII text: RE2's `\\w`, `\\s` and
`\\d` are ASCII-only, Python's are Unicode. (Tokenizers that call `match(text, pos)` in a loop stay on `re`:
google-re2 re-encodes the whole text on each call. Their patterns are single tokens without nested
repetition, noted where they are defined.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import re2

from bot.core.decoding import SURROGATE

_UNANCHORED = re2._Anchor.UNANCHORED
_ANCHOR_START = re2._Anchor.ANCHOR_START
_ANCHOR_BOTH = re2._Anchor.ANCHOR_BOTH
_RE2_MAX_MEM = 8 << 20  # bytes of program memory per pattern; a pattern that needs more fails to compile


def re2_options() -> Any:
    """Options every pattern compiles with: quiet, and bounded in program memory."""
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MAX_MEM
    return options


# Python's Unicode classes, as RE2 class contents (`\p{L}\p{N}` is what `str.isalnum` accepts).
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t-\r\x1c-\x1f\x85\p{Z}"
_DIGIT = r"\p{Nd}"
_CLASSES = {"w": _WORD, "s": _SPACE, "d": _DIGIT}
# The same classes on ASCII text: of `\p{L}\p{N}` only letters and digits, of `\x85\p{Z}` only the space.
_ASCII_CLASSES = {"w": "A-Za-z0-9_", "s": r"\t-\r\x1c-\x1f ", "d": "0-9"}


def translate(pattern: str, *, multiline: bool = False, ascii_only: bool = False) -> str:
    """`pattern` with Python's Unicode `\\w \\s \\d \\W \\S \\D` spelled out for RE2, and Python's `$` (end of
    text, or before a final newline) kept when the pattern is not multi-line. `ascii_only`: the classes as
    they are on ASCII text, for a program that only ever reads ASCII (`LinearPattern`)."""
    classes = _ASCII_CLASSES if ascii_only else _CLASSES
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            index += 2
            if escaped.lower() in classes:
                body = classes[escaped.lower()]
                if escaped.islower():
                    out.append(body if in_class else f"[{body}]")
                elif in_class:
                    raise ValueError(f"\\{escaped} inside a character class has no RE2 spelling")
                else:
                    out.append(f"[^{body}]")
            else:
                out.append(char + escaped)
            continue
        if in_class and char == "]" and out[-1] not in ("[", "[^"):
            in_class = False
        elif not in_class and char == "[":
            in_class = True
            out.append("[^" if pattern.startswith("[^", index) else "[")
            index += 2 if pattern.startswith("[^", index) else 1
            continue
        elif not in_class and char == "$" and not multiline:
            out.append(r"(?:\n?\z)")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


class LinearMatch:
    """The parts of `re.Match` the scanner uses, by group name or number."""

    __slots__ = ("_names", "_spans", "_text")

    def __init__(self, spans: Sequence[tuple[int, int]], names: dict[str, int], text: str) -> None:
        self._spans = spans  # (start, end) in characters of `text` per group; (-1, -1) for a group not taken
        self._names = names
        self._text = text  # the text as given: groups are sliced from it, never from its encodable copy

    def _index(self, group: int | str) -> int:
        return self._names[group] if isinstance(group, str) else group

    def group(self, group: int | str = 0) -> Any:  # like `re.Match`: str, or None for a group not taken
        start, end = self._spans[self._index(group)]
        return None if start < 0 else self._text[start:end]

    def __getitem__(self, group: int | str) -> Any:
        return self.group(group)

    def start(self, group: int | str = 0) -> int:
        return self._spans[self._index(group)][0]

    def end(self, group: int | str = 0) -> int:
        return self._spans[self._index(group)][1]

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._spans[self._index(group)]


class LinearPattern:
    """A pattern compiled with RE2 (see the module docstring); `multiline`, `dotall` and `ignore_case` are the
    `re` flags of the same names.

    Compiled on first use, not when the module defining it is imported: RE2 takes about a millisecond per
    pattern with Unicode classes, the scanner defines dozens at module level, and a one-file scan uses few of
    them (start-up time, issue 16). tests/core/test_linear.py compiles every built-in pattern.

    `needs`: literals of which every match holds at least one (in lower case with `ignore_case`). A text
    holding none of them cannot match, and is answered without running, or first compiling, the pattern:
    most values hold no `{{` or `%`, so a one-file scan compiles a dozen fewer patterns (issue 16). With
    `ignore_case` only ASCII text is answered so, since RE2 folds case the Unicode way
    (U+017F, the long s, matches `s`).

    ASCII text, most of what a scan reads, is matched by a second program: the pattern with its classes as
    they are on ASCII text (`translate(ascii_only=True)`), compiled for Latin-1. On ASCII text it accepts
    what the full program accepts, with the same groups (tests/core/test_linear_ascii.py compares them),
    and compiling it costs a sixth as much: `\\w` spelled `\\p{L}\\p{N}_`, and every negated class,
    is a large program over UTF-8. The full program is compiled on the first non-ASCII text (issue 16)."""

    __slots__ = ("_flags", "_folded", "_groups", "_names", "_needs", "_raw", "_regexp", "pattern")

    def __init__(
        self,
        pattern: str,
        *,
        ignore_case: bool = False,
        multiline: bool = False,
        dotall: bool = False,
        needs: tuple[str, ...] = (),
    ) -> None:
        self.pattern = pattern
        on = (("i", ignore_case), ("m", multiline), ("s", dotall))
        self._flags = "".join(flag for flag, wanted in on if wanted)
        self._raw: Any = None
        self._regexp: Any = None
        self._needs = tuple(literal.lower() for literal in needs) if ignore_case else needs
        self._folded = ignore_case

    def cannot_match(self, text: str) -> bool:
        """True when `text` holds none of the literals every match needs (False when unsure)."""
        if not self._needs:
            return False
        if self._folded:
            if not text.isascii():
                return False
            text = text.lower()
        # A loop, not `all` over a generator: asked of most values (issue 16).
        for literal in self._needs:  # noqa: SIM110
            if literal in text:
                return False
        return True

    def compile(self) -> None:
        """Compile the full program now (idempotent); raises `re2.error` for a pattern RE2 rejects,
        ValueError for one that has no RE2 spelling (translating is deferred too: it is Python, character by
        character)."""
        if self._regexp is not None:
            return
        regexp = re2.compile(self._source(ascii_only=False), re2_options())
        self._names: dict[str, int] = dict(regexp.groupindex)
        self._groups: int = regexp.groups
        self._regexp = regexp  # last: a caller that finds it set finds the groups set too

    def _source(self, *, ascii_only: bool) -> str:
        """The pattern in RE2's spelling, flags included (`translate`)."""
        translated = translate(self.pattern, multiline="m" in self._flags, ascii_only=ascii_only)
        return f"(?{self._flags}){translated}" if self._flags else translated

    def _ascii_program(self) -> Any:
        """google-re2's program for ASCII text (see the class docstring), called directly: byte offsets are
        character offsets, and the wrapper's per-call offset bookkeeping was most of the cost on short
        values. The full program serves if the ASCII one cannot be built."""
        if self._raw is None:
            options = re2_options()
            options.encoding = re2.Options.Encoding.LATIN1
            try:
                regexp = re2.compile(self._source(ascii_only=True).encode("latin-1"), options)
                names = {name.decode("latin-1"): index for name, index in regexp.groupindex.items()}
            except (re2.error, UnicodeEncodeError):
                self.compile()
                regexp, names = self._regexp, self._names
            self._names, self._groups = names, regexp.groups
            self._raw = regexp._regexp
        return self._raw

    def _matches(self, anchor: Any, text: str) -> Iterator[LinearMatch]:
        if self._needs and self.cannot_match(text):
            return
        if not text.isascii():
            yield from self._unicode_matches(anchor, text)
            return
        program = self._ascii_program()
        encoded = text.encode("ascii")
        pos, end = 0, len(encoded)
        while True:
            spans = program.Match(anchor, encoded, pos, end)
            if spans[0][0] < 0:
                return
            yield LinearMatch(spans, self._names, text)
            if pos == end:
                return
            pos = spans[0][1] if spans[0][1] > pos else pos + 1  # past an empty match, as `re` does

    def _unicode_matches(self, anchor: Any, text: str) -> Iterator[LinearMatch]:
        """Matches in a non-ASCII text, through google-re2's wrapper (it maps byte offsets to characters)."""
        self.compile()
        for match in self._regexp._match(anchor, encodable(text)):
            spans = [match.span(index) for index in range(self._groups + 1)]
            yield LinearMatch(spans, self._names, text)

    def _first(self, anchor: Any, text: str) -> LinearMatch | None:
        """The first match of `_matches`, without a generator: `match`, `search` and `fullmatch` are asked
        of most values, most often with no match (issue 16)."""
        if self._needs and self.cannot_match(text):
            return None
        if not text.isascii():
            return next(self._unicode_matches(anchor, text), None)
        encoded = text.encode("ascii")
        program = self._raw if self._raw is not None else self._ascii_program()  # a call less (issue 16)
        spans = program.Match(anchor, encoded, 0, len(encoded))
        return None if spans[0][0] < 0 else LinearMatch(spans, self._names, text)

    def match(self, text: str) -> LinearMatch | None:
        return self._first(_ANCHOR_START, text)

    def search(self, text: str) -> LinearMatch | None:
        return self._first(_UNANCHORED, text)

    def fullmatch(self, text: str) -> LinearMatch | None:
        return self._first(_ANCHOR_BOTH, text)

    def finditer(self, text: str) -> Iterator[LinearMatch]:
        return self._matches(_UNANCHORED, text)

    def findall(self, text: str) -> list[Any]:
        """Like `re.findall`: each match's first group, or the whole match in a pattern without groups."""
        return [match.group(1 if len(match._spans) > 1 else 0) for match in self.finditer(text)]

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        """`text` with matches replaced by the literal `replacement` (no group references)."""
        pieces: list[str] = []
        done = 0
        for number, match in enumerate(self.finditer(text), start=1):
            pieces += [text[done : match.start()], replacement]
            done = match.end()
            if number == count:
                break
        pieces.append(text[done:])
        return "".join(pieces)

    def split(self, text: str) -> list[str]:
        """`text` cut at each match (patterns without groups only)."""
        pieces: list[str] = []
        done = 0
        for match in self.finditer(text):
            if match.end() > match.start():
                pieces.append(text[done : match.start()])
                done = match.end()
        pieces.append(text[done:])
        return pieces


def encodable(text: str) -> str:
    """`text` with each lone surrogate (a JSON or YAML `\\ud800` escape decodes to one) as U+FFFD: RE2 reads
    UTF-8, which cannot carry them. One character for one, so every offset stays the same."""
    if text.isascii() or SURROGATE.search(text) is None:
        return text
    return SURROGATE.sub("\ufffd", text)
