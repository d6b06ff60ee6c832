"""The setup code a real `secrets-bot serve` printed in its log, read as an operator would."""

from __future__ import annotations

import re
from pathlib import Path

_SETUP_LINK = re.compile(r"open (http://\S+)/\?code=([A-Za-z0-9_-]+) to register one")


def logged_setup_link(log: Path) -> tuple[str, str]:
    """(the address, the setup code) from the start-up line."""
    found = _SETUP_LINK.search(log.read_text(encoding="utf-8"))
    assert found is not None, "serve did not log the setup link"
    return found.group(1), found.group(2)
