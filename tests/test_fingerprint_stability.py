"""What a fingerprint survives (docs/configuration.md, "What a fingerprint survives").

The fingerprint is keyed over (repository-relative path, key path, rule, value): it does not depend on the
directory `scan` runs from, nor on the line, indentation or quoting; a file or key rename changes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core.rules import RuleSet
from bot.jobs.scanning import scan_target
from bot.jobs.targets import Target
from tests.conftest import FakeGitHub

KEY = bytes(range(32))
PASSWORD = "correct-" + "horse-battery"
MANIFEST_PATH = "services/api/serverless.yml"
ENTRY = f"      DB_PASSWORD: {PASSWORD}\n"


def manifest(entry: str = ENTRY, *, before: str = "") -> str:
    return (
        f"service: api\nprovider:\n  name: aws\n{before}functions:\n  hello:\n    handler: h.hello\n"
        f"    environment:\n{entry}"
    )


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "fingerprint.key"
    path.write_text(KEY.hex())
    return path


@pytest.fixture
def work_tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, MANIFEST_PATH, manifest())
    return root


def write(root: Path, relative: str, text: str) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text)


def fingerprints(argv: list[str], key_file: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """(path, rule) -> fingerprint, for every finding of one `scan --format json` run."""
    assert main(["scan", *argv, "--format", "json", "--fingerprint-key-file", str(key_file)]) == 1
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return {f"{f['path']} {f['rule']}": f["fingerprint"] for f in document["findings"]}


def password_fingerprint(root: Path, key_file: Path, capsys: pytest.CaptureFixture[str]) -> str:
    found = fingerprints([str(root)], key_file, capsys)
    [fingerprint] = [fingerprint for where, fingerprint in found.items() if "generic-password" in where]
    return fingerprint


class TestWhereTheScanStarts:
    def test_root_subdirectory_absolute_and_dotdot_give_the_same_fingerprints(
        self,
        work_tree: Path,
        key_file: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.chdir(work_tree)
        from_root = fingerprints(["."], key_file, capsys)
        assert f"{MANIFEST_PATH} generic-password" in from_root
        monkeypatch.chdir(work_tree / "services")
        assert fingerprints(["."], key_file, capsys) == from_root
        assert fingerprints(["api/serverless.yml"], key_file, capsys) == from_root
        monkeypatch.chdir(work_tree / "services" / "api")
        assert fingerprints([".."], key_file, capsys) == from_root
        assert fingerprints(["../.."], key_file, capsys) == from_root
        monkeypatch.chdir(work_tree.parent)
        assert fingerprints([str(work_tree)], key_file, capsys) == from_root
        assert fingerprints([str(work_tree / MANIFEST_PATH)], key_file, capsys) == from_root

    def test_the_bot_gives_the_same_fingerprints_with_the_same_key(
        self, work_tree: Path, key_file: Path, capsys: pytest.CaptureFixture[str], fake_github: FakeGitHub
    ) -> None:
        fake_github.push_files(
            "acme/api", base="b" * 40, head="h" * 40, files={MANIFEST_PATH: manifest().encode()}
        )
        target = Target("acme/api", "h" * 40, None, "b" * 40, "b" * 40, leaked=False)
        report = scan_target(target, fake_github, RuleSet.default(), KEY)
        from_bot = {f"{f.path} {f.rule}": f.fingerprint for f in report.findings}
        assert from_bot == fingerprints([str(work_tree / "services")], key_file, capsys)
        assert f"{MANIFEST_PATH} generic-password" in from_bot


class TestWhatItSurvives:
    @pytest.mark.parametrize(
        ("edited", "why"),
        [
            (manifest(before="custom:\n  stage: dev\n  region: eu-west-1\n"), "the line moves down"),
            (manifest(f"      DB_PASSWORD: '{PASSWORD}'\n"), "single quotes"),
            (manifest(f'      DB_PASSWORD: "{PASSWORD}"\n'), "double quotes"),
            (manifest(f"      DB_PASSWORD:     {PASSWORD}   # old\n"), "spacing and a comment"),
            (manifest().replace("\n  ", "\n    "), "indentation (four spaces instead of two)"),
            (manifest("      OTHER: x\n" + ENTRY), "another entry added above"),
        ],
    )
    def test_unchanged(
        self, work_tree: Path, key_file: Path, capsys: pytest.CaptureFixture[str], edited: str, why: str
    ) -> None:
        before = password_fingerprint(work_tree, key_file, capsys)
        write(work_tree, MANIFEST_PATH, edited)
        assert password_fingerprint(work_tree, key_file, capsys) == before, why

    @pytest.mark.parametrize(
        ("relative", "edited", "why"),
        [
            ("services/billing/serverless.yml", manifest(), "the file is renamed"),
            (MANIFEST_PATH, manifest(f"      DATABASE_PASSWORD: {PASSWORD}\n"), "the key is renamed"),
            (MANIFEST_PATH, manifest(f"      DB_PASSWORD: {PASSWORD}2\n"), "the value changes"),
        ],
    )
    def test_changed(
        self,
        work_tree: Path,
        key_file: Path,
        capsys: pytest.CaptureFixture[str],
        relative: str,
        edited: str,
        why: str,
    ) -> None:
        before = password_fingerprint(work_tree, key_file, capsys)
        (work_tree / MANIFEST_PATH).unlink()
        write(work_tree, relative, edited)
        assert password_fingerprint(work_tree, key_file, capsys) != before, why

    def test_a_rename_unhides_a_fingerprint_entry_but_not_a_value_pattern(
        self, work_tree: Path, key_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The documented alternative to a fingerprint for findings that move between files."""
        config = work_tree / ".github" / "secrets-bot.yml"
        config.parent.mkdir()
        config.write_text(
            f"allowlist:\n  fingerprints: ['{password_fingerprint(work_tree, key_file, capsys)}']\n"
        )
        assert rules_found(work_tree, key_file, capsys) == []
        renamed = work_tree / "services" / "billing" / "serverless.yml"
        renamed.parent.mkdir()
        (work_tree / MANIFEST_PATH).rename(renamed)
        assert rules_found(work_tree, key_file, capsys) == ["generic-password"]
        config.write_text("allowlist:\n  values: ['^correct-horse-battery$']\n")
        assert rules_found(work_tree, key_file, capsys) == []


def rules_found(root: Path, key_file: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(["scan", str(root), "--format", "json", "--fingerprint-key-file", str(key_file)])
    return [finding["rule"] for finding in json.loads(capsys.readouterr().out)["findings"]]
