"""What a fresh `secrets-bot scan` process imports (issue 16: start-up time of a one-file scan).

Readers and helpers that only some files need are imported on first use; these tests run the command in a
new interpreter, where nothing else has imported them, so that a module-level import added back, or a
reader that is no longer found when its file type comes along, shows here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEY = "ab" * 32
GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
# Imported by a scan of one YAML manifest before issue 16's fourth session; none is needed for it.
NOT_FOR_YAML = (
    "tomllib",
    "bot.core.tomlpos",
    "bot.core.jsonpos",
    "bot.core.manifests.hcl",
    "bot.core.manifests.hcllex",
    "random",
    "tempfile",
    "multiprocessing",
)
_PROBE = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _scan(path: Path) -> tuple[dict[str, object], set[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SECRETS_BOT_FINGERPRINT_KEY": KEY}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "scan", str(path), "--format", "json", "--fail-on", "never"],
        capture_output=True,
        text=True,
        env=env,
        cwd=path.parent,
        check=False,
    )
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, done.stderr
    return json.loads(done.stdout), set(probe["modules"])


def test_a_yaml_scan_imports_no_reader_it_does_not_need(tmp_path: Path) -> None:
    manifest = tmp_path / "serverless.yml"
    manifest.write_text(
        f"service: orders\nprovider:\n  name: aws\n  environment:\n    GH: {GITHUB}\n", encoding="utf-8"
    )
    report, modules = _scan(manifest)
    assert "github-pat" in {finding["rule"] for finding in report["findings"]}
    assert not modules & set(NOT_FOR_YAML), sorted(modules & set(NOT_FOR_YAML))


@pytest.mark.parametrize(
    ("name", "text", "reader"),
    [
        (
            "main.tf",
            f'resource "aws_lambda_function" "f" {{\n  token = "{GITHUB}"\n}}\n',
            "bot.core.manifests.hcl",
        ),
        ("samconfig.toml", f'[default.deploy.parameters]\ntoken = "{GITHUB}"\n', "bot.core.tomlpos"),
        ("local.settings.json", f'{{"Values": {{"GH": "{GITHUB}"}}}}\n', "bot.core.jsonpos"),
    ],
)
def test_a_reader_imported_on_first_use_still_reads_its_files(
    tmp_path: Path, name: str, text: str, reader: str
) -> None:
    manifest = tmp_path / name
    manifest.write_text(text, encoding="utf-8")
    report, modules = _scan(manifest)
    assert reader in modules
    assert "github-pat" in {finding["rule"] for finding in report["findings"]}
    assert not report["notices"]


def test_the_entry_point_returns_the_commands_exit_code_and_leaves_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bot.launch.run` only keeps the collector out of start-up and a one-shot command's exit: the
    command's result, and the collector of a command that is not one-shot, are as they would be without it."""
    import gc

    from bot.launch import run

    freezes: list[str] = []  # the entry point's own calls (a scan's batch freezes its heap too)
    counting = SimpleNamespace(disable=gc.disable, enable=gc.enable, freeze=lambda: freezes.append("freeze"))
    monkeypatch.setattr("bot.launch.gc", counting)
    manifest = tmp_path / "serverless.yml"
    manifest.write_text(f"provider:\n  environment:\n    GH: {GITHUB}\n", encoding="utf-8")
    monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", KEY)
    monkeypatch.setattr("sys.argv", ["secrets-bot", "scan", str(manifest), "--format", "json"])
    assert run() == 1  # a finding at or above the default threshold
    assert gc.isenabled() and len(freezes) == 2  # after the imports, and before the scan's exit
    assert "github-pat" in capsys.readouterr().out
    monkeypatch.setattr("sys.argv", ["secrets-bot", "no-such-command"])
    assert run() == 2
    assert gc.isenabled() and len(freezes) == 3  # after the imports only: `serve` and `worker` too
