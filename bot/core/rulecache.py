"""The built-in rule table as it is read at start-up: default.toml's tables, kept beside it as JSON.

TOML is the source (commented, reviewed); tomllib is pure Python, and parsing default.toml cost about 7 % of
the instructions of a one-file `scan` (issue 16), where json's C parser reads the same tables in under 2 %
of that. The JSON copy carries the SHA-256 of the TOML text it was made from and is used only while that
still matches, so an edited table is never shadowed by a stale copy: it is then parsed from TOML, as before,
only slower. `tests/core/test_rule_cache.py` fails until the copy is made again with
`python -m bot.core.rulecache`; the copy is a pure function of the TOML text, so anyone can rebuild it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

RULES = Path(__file__).parents[1] / "rules"
SOURCE = RULES / "default.toml"
COPY = RULES / "default.json"


def stamp(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def render(source: str) -> str:
    """The JSON copy of the TOML text `source` (deterministic: same text, same bytes)."""
    return json.dumps({"source_sha256": stamp(source), "table": _parse_toml(source)}, indent=1) + "\n"


def read_table(source: str, copy: str | None) -> dict[str, Any]:
    """The parsed TOML text `source`, from its JSON `copy` when that was made from this very text."""
    if copy is not None:
        try:
            stored = json.loads(copy)
        except ValueError:  # a damaged copy (a cut-off write) is no copy: the TOML is the source
            stored = None
        if isinstance(stored, dict) and stored.get("source_sha256") == stamp(source):
            table: dict[str, Any] = stored["table"]
            return table
    return _parse_toml(source)


def _parse_toml(source: str) -> dict[str, Any]:
    import tomllib  # only when the copy is stale or being made: its import is start-up time too

    return tomllib.loads(source)


def main() -> None:
    """Write default.json from default.toml."""
    COPY.write_text(render(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
