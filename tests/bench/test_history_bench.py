"""bench/history.py: the generated repository holds what it says it planted, and the scan finds it all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.history import build, import_repository, score_bot
from bot.cli import main


def test_a_small_generated_history_is_found_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", "ef" * 32)
    history = build(300, seed=3)
    commit_of = import_repository(history, tmp_path / "repo")
    assert len(commit_of) == 300
    in_manifests = [plant for plant in history.plants if plant.path.endswith("serverless.yml")]
    assert len(in_manifests) >= 10
    assert main(["scan", "--history", str(tmp_path / "repo"), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["commits_scanned"] == 300
    score = score_bot(document, in_manifests, commit_of)
    assert (score.found, score.missed, score.other) == (len(in_manifests), 0, 0)
