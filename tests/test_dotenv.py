"""Writing `.env`: only the keys set change, the file is swapped in whole, and only its owner can read it."""

from __future__ import annotations

import stat
from pathlib import Path

from bot.dotenv import dotenv_entries, parse_dotenv, update_dotenv

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIE" + "k" * 40 + "\n-----END RSA PRIVATE KEY-----\n"


def test_update_keeps_other_lines_and_replaces_a_multiline_value(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        '# local settings\nexport LOG_LEVEL=DEBUG\nPRIVATE_KEY="-----BEGIN OLD\nold lines\n-----END OLD"\n'
        "PORT=4000  # comment kept\nPRIVATE_KEY=duplicate\n",
        encoding="utf-8",
    )
    path.chmod(0o644)
    update_dotenv(path, {"PRIVATE_KEY": PEM, "APP_ID": "42", "WEBHOOK_SECRET": 'q"uo\\te$'})
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:2] == ["# local settings", "export LOG_LEVEL=DEBUG"]
    assert lines[3] == "PORT=4000  # comment kept"
    assert "old lines" not in text and "duplicate" not in text
    assert parse_dotenv(text) == {
        "LOG_LEVEL": "DEBUG",
        "PRIVATE_KEY": PEM,
        "PORT": "4000",
        "APP_ID": "42",
        "WEBHOOK_SECRET": 'q"uo\\te$',
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_update_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    update_dotenv(path, {"APP_ID": "7"})
    assert path.read_text(encoding="utf-8") == 'APP_ID="7"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_entries_know_the_lines_they_span() -> None:
    entries = dotenv_entries('A=1\n\nB="x\ny"\nC=3\n')
    assert [(e.name, e.first_line, e.end_line) for e in entries] == [("A", 0, 1), ("B", 2, 4), ("C", 4, 5)]
