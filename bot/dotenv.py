"""A `.env` reader and writer, so that settings need no python-dotenv dependency.

Accepted: `KEY=value` lines, an optional `export ` prefix, `#` comment lines and ` #` trailing comments on
unquoted values, single quotes taken literally, double quotes with `\\n`-style escapes; quoted values may
span lines (a PEM key pasted as is). Errors name the line, never its content, since it may hold a secret.

`update_dotenv` is how the setup page saves a new App: it replaces only the keys it sets, keeps every other
line as it was, and swaps the file in atomically with mode 0600, so a crash never leaves half a key behind
and no other local user can read it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    value: str
    first_line: int  # 0-based index of the line where the entry starts
    end_line: int  # 0-based index after its last line


def parse_dotenv(text: str) -> dict[str, str]:
    """`KEY=value` pairs of a `.env` file; `ValueError` (naming the line, not the value) when malformed."""
    return {entry.name: entry.value for entry in dotenv_entries(text)}


def dotenv_entries(text: str) -> list[Entry]:
    """Every assignment in order, with the lines it spans."""
    entries: list[Entry] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        start = index
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.removeprefix("export ").partition("=")
        name = name.strip()
        if not sep or not name.replace("_", "").isalnum() or name[0].isdigit():
            raise ValueError(f"line {index} is not KEY=value")
        value, index = _dotenv_value(rest.strip(), lines, index)
        entries.append(Entry(name, value, start, index))
    return entries


def update_dotenv(path: Path, values: Mapping[str, str]) -> None:
    """Set `values` in the `.env` file at `path` (created if missing), keeping every other line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = text.splitlines()
    replaced: dict[int, str] = {}
    dropped: set[int] = set()
    for entry in dotenv_entries(text):
        if entry.name not in values:
            continue
        dropped.update(range(entry.first_line, entry.end_line))
        replaced.setdefault(entry.first_line, entry.name)
    kept: list[str] = []
    for number, line in enumerate(lines):
        if number in replaced:
            kept.append(format_assignment(replaced[number], values[replaced[number]]))
        elif number not in dropped:
            kept.append(line)
    kept += [
        format_assignment(name, value) for name, value in values.items() if name not in replaced.values()
    ]
    write_private(path, "\n".join(kept) + "\n")


def format_assignment(name: str, value: str) -> str:
    """`NAME="value"` on one line, escaped so that `parse_dotenv` reads back exactly `value`."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'{name}="{escaped}"'


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically, readable by its owner only (0600), and durably."""
    directory = path.parent if str(path.parent) else Path()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """The rename itself must reach the disk too, or a power cut could bring the old file back."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _dotenv_value(rest: str, lines: list[str], index: int) -> tuple[str, int]:
    """The value starting at `rest`; quoted values may continue on the following lines."""
    if not rest or rest[0] not in "'\"":
        return rest.split(" #", 1)[0].strip(), index
    quote = rest[0]
    body = rest[1:]
    start = index
    while _closing_at(body, quote) < 0:
        if index >= len(lines):
            raise ValueError(f"line {start}: unterminated quoted value")
        body += "\n" + lines[index]
        index += 1
    body = body[: _closing_at(body, quote)]
    return (body if quote == "'" else _unescape(body)), index


def _closing_at(body: str, quote: str) -> int:
    position = 0
    while position < len(body):
        if quote == '"' and body[position] == "\\":
            position += 2
            continue
        if body[position] == quote:
            return position
        position += 1
    return -1


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def _unescape(body: str) -> str:
    out: list[str] = []
    position = 0
    while position < len(body):
        char = body[position]
        if char == "\\" and position + 1 < len(body) and body[position + 1] in _ESCAPES:
            out.append(_ESCAPES[body[position + 1]])
            position += 2
        else:
            out.append(char)
            position += 1
    return "".join(out)
