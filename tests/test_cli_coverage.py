"""The CLI on files the scanner could not list or finish: a truncated file still fails, and a file scanned
only in part is said in the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import scanner
from tests.test_cli import PASSWORD, TOKEN, run, serverless


def test_a_file_with_more_findings_than_the_cap_exits_1_and_says_how_many_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "secrets-bot.yml").write_text("max_findings_per_file: 1\n")
    env = {f"DB_PASSWORD_{i}": f"{PASSWORD}{i}" for i in range(4)}
    (tmp_path / "serverless.yml").write_text(serverless({"GITHUB_TOKEN": TOKEN, **env}))
    code, out, err = run(["scan", str(tmp_path), "--jobs", "1"], capsys)
    assert code == 1
    assert "truncated" in err and "more findings not listed" in err
    assert TOKEN not in out + err and PASSWORD not in out + err


def test_an_internal_error_is_said_and_the_line_scan_findings_still_fail_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RecursionError

    monkeypatch.setattr(scanner, "parse", broken)
    (tmp_path / "serverless.yml").write_text(serverless({"GITHUB_TOKEN": TOKEN}))
    code, out, err = run(["scan", str(tmp_path), "--jobs", "1"], capsys)
    assert code == 2  # the findings fail it, and so does a file not judged in full
    assert "internal-error" in err and "RecursionError" in err and "line by line" in err
    assert TOKEN not in out + err
