"""`secrets-bot scan` on a directory whose serverless.yml reads `${file()}` targets: scanned with the
Serverless fix, once, never outside the scanned tree or through a symlink; what was not read is said."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.core.platforms.support import GITHUB_TOKEN, PASSWORD

_REFERENCES = {
    "secrets": "${file(./secrets.json)}",
    "db": "${file(./secrets.json):dbPassword}",
    "local": "${file(./local.yml)}",
    "gone": "${file(./gitignored.yml):x}",
    "outside": "${file(../../outside.yml)}",
}
MANIFEST = (
    "service: api\nprovider:\n  name: aws\n  stage: prod\n  environment: ${file(./env.${opt:stage}.yml)}\n"
    + "custom:\n"
    + "".join(f"  {key}: {value}\n" for key, value in _REFERENCES.items())
    + "functions:\n  hello:\n    handler: h.main\n"
)


def scan(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["scan", str(path), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "svc").mkdir(parents=True)
    (root / "svc" / "serverless.yml").write_text(MANIFEST)
    (root / "svc" / "secrets.json").write_text(
        f'{{\n  "dbPassword": "{PASSWORD}",\n  "GITHUB_TOKEN": "{GITHUB_TOKEN}"\n}}\n'
    )
    (root / "svc" / "env.prod.yml").write_text(f"GITHUB_TOKEN: {GITHUB_TOKEN}\n")
    (root / "svc" / "env.dev.yml").write_text("LOG_LEVEL: debug\n")
    (tmp_path / "outside.yml").write_text(f"token: {GITHUB_TOKEN}\n")  # beside the tree, never read
    secret_elsewhere = tmp_path / "elsewhere.yml"
    secret_elsewhere.write_text(f"token: {GITHUB_TOKEN}\n")
    (root / "svc" / "local.yml").symlink_to(secret_elsewhere)
    return root


def test_targets_are_scanned_with_the_serverless_fix(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = scan(tree, capsys)
    assert code == 2  # the findings fail it, and local.yml, a symlink out of the tree, was not read
    found = {(f["path"], f["line"], f["rule"]) for f in document["findings"] if f["severity"] != "low"}
    assert found == {
        ("svc/secrets.json", 2, "generic-password"),
        ("svc/secrets.json", 3, "github-pat"),
        ("svc/env.prod.yml", 1, "github-pat"),
    }
    for finding in document["findings"]:
        fix = finding["remediation"]
        assert "gcloud" not in json.dumps(fix)  # env.prod.yml is not a Google Cloud env-vars file here
        if finding["severity"] != "low":
            assert "${ssm:/api/prod/" in fix["replacement"]
            assert fix["store_command"].startswith("aws ssm put-parameter --name /api/prod/")
    assert all(GITHUB_TOKEN not in json.dumps(f) for f in document["findings"])


def test_a_target_also_scanned_as_a_manifest_is_reported_once(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, document = scan(tree, capsys)
    at = [(f["line"], f["rule"]) for f in document["findings"] if f["path"] == "svc/env.prod.yml"]
    assert sorted(at) == [(1, "env-provider-wide"), (1, "github-pat")]


def test_what_was_not_followed_is_said(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = scan(tree, capsys)
    notices = {(n["path"], n["kind"], n["message"]) for n in document["notices"]}
    messages = " | ".join(message for _, _, message in notices)
    assert "${file(../../outside.yml)}: outside the repository; not followed" in messages
    assert "svc/gitignored.yml is not in the repository" in messages
    assert (
        "svc/local.yml",
        "unreadable",
        "a symlink: ${file()} targets are not followed through one",
    ) in notices
    assert not any(f["path"].endswith(("outside.yml", "local.yml")) for f in document["findings"])


def test_a_target_outside_the_scanned_directory_is_never_read_even_when_the_scan_starts_deeper(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "svc" / "serverless.yml").write_text(
        "service: api\nprovider:\n  name: aws\ncustom:\n  s: ${file(../secrets.yml)}\n"
    )
    (tree / "secrets.yml").write_text(f"token: {GITHUB_TOKEN}\n")
    _, document = scan(tree / "svc", capsys)
    assert not any("secrets" in f["path"] for f in document["findings"])
    assert any("outside the repository" in n["message"] for n in document["notices"])
    _, document = scan(tree, capsys)
    found = [(f["path"], f["rule"]) for f in document["findings"] if "secrets" in f["path"]]
    assert found == [("secrets.yml", "github-pat")]
