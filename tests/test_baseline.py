"""`scan --write-baseline` and `scan --baseline`: adopt the scanner on a repository with known findings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.baselinefile import VERSION
from tests.test_cli import PASSWORD, TOKEN, run, scan_json, serverless

KEY = "ef" * 32
OTHER_TOKEN = "ghp_" + TOKEN[4:][::-1]


@pytest.fixture(autouse=True)
def fingerprint_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", KEY)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "serverless.yml").write_text(serverless({"DB_PASSWORD": PASSWORD}, service="web"))
    return tmp_path


def test_write_baseline_holds_fingerprints_and_previews_only_sorted_and_exits_0(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = repo / "baseline.json"
    code, out, _ = run(["scan", str(repo), "--write-baseline", str(baseline)], capsys)
    assert code == 0
    assert "github-pat" in out  # the report still shows what was recorded
    text = baseline.read_text()
    assert TOKEN not in text and TOKEN[4:12] not in text and PASSWORD not in text
    document = json.loads(text)
    assert document["version"] == VERSION and len(document["key_id"]) == 16
    entries = document["findings"]
    assert [e["path"] for e in entries] == ["api/serverless.yml", "web/serverless.yml"]
    assert set(entries[0]) == {"fingerprint", "path", "rule", "redacted"}
    assert entries[0]["redacted"].startswith("ghp_") and "*" in entries[0]["redacted"]
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"
    again = repo / "again.json"
    run(["scan", str(repo), "--write-baseline", str(again)], capsys)
    assert again.read_text() == text  # stable: the same bytes for the same findings


def test_baseline_reports_only_new_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = repo / "baseline.json"
    run(["scan", str(repo), "--write-baseline", str(baseline)], capsys)

    code, document, err = scan_json([str(repo), "--baseline", str(baseline)], capsys)
    assert code == 0 and document["findings"] == []
    assert "2 known finding(s) in the baseline" in err

    (repo / "new").mkdir()
    (repo / "new" / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": OTHER_TOKEN}, service="new"))
    code, document, _ = scan_json([str(repo), "--baseline", str(baseline)], capsys)
    assert code == 1
    assert [f["path"] for f in document["findings"]] == ["new/serverless.yml"]


def test_baseline_applies_to_staged_scans_and_to_sarif(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    baseline = tmp_path / "baseline.json"
    assert run(["scan", "--staged", str(root), "--write-baseline", str(baseline)], capsys)[0] == 0
    code, out, err = run(
        ["scan", "--staged", str(root), "--baseline", str(baseline), "--format", "sarif"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["runs"][0]["results"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ('{"version": 99}', "not a version 1 secrets-bot baseline"),
        ('{"version": 1, "key_id": "0000000000000000", "findings": []}', "another fingerprint key"),
        ("[]", "not a version 1"),
    ],
)
def test_a_bad_baseline_exits_2_before_scanning(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    baseline = repo / "baseline.json"
    baseline.write_text(content)
    code, out, err = run(["scan", str(repo), "--baseline", str(baseline)], capsys)
    assert code == 2 and out == ""
    assert message in err


def test_a_baseline_with_malformed_entries_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = repo / "baseline.json"
    run(["scan", str(repo), "--write-baseline", str(baseline)], capsys)
    document = json.loads(baseline.read_text())
    document["findings"] = [{"path": "x"}]
    baseline.write_text(json.dumps(document))
    code, _, err = run(["scan", str(repo), "--baseline", str(baseline)], capsys)
    assert code == 2 and "must be a list of objects with a fingerprint" in err


def test_a_missing_baseline_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", str(repo), "--baseline", str(repo / "nope.json")], capsys)
    assert code == 2 and "cannot read baseline" in err
