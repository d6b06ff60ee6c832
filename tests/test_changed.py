"""`scan --changed-since REV`: only the manifests a change touched, read from the work tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import TOKEN, run, serverless
from tests.test_history import Repo, quiet_git  # noqa: F401 - autouse: no machine git config, the key

OLD_TOKEN = "ghp_" + TOKEN[4:][::-1]


@pytest.fixture
def change(tmp_path: Path) -> tuple[Repo, str]:
    repo = Repo(tmp_path / "repo")
    base = repo.commit("base", {"legacy/serverless.yml": serverless({"GITHUB_API_KEY": OLD_TOKEN})})
    repo.commit(
        "change",
        {
            "api/serverless.yml": serverless({"GITHUB_API_KEY": TOKEN}),
            "NOTES.md": f"not a manifest: {TOKEN}\n",
        },
    )
    return repo, base


def paths(out: str) -> list[str]:
    return sorted(finding["path"] for finding in json.loads(out)["findings"])


def test_only_the_changed_manifests_are_scanned(
    change: tuple[Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base = change
    code, out, _ = run(["scan", "--changed-since", base, str(repo.root), "--format", "json"], capsys)
    assert code == 1 and paths(out) == ["api/serverless.yml"]
    assert json.loads(out)["files_scanned"] == 1


def test_nothing_changed_is_clean(change: tuple[Repo, str], capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = change
    code, out, _ = run(["scan", "--changed-since", "HEAD", str(repo.root), "--format", "json"], capsys)
    assert code == 0 and paths(out) == []


def test_a_deleted_or_symlinked_manifest_is_not_read(
    change: tuple[Repo, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = change
    head = repo.git("rev-parse", "HEAD")
    (repo.root / "legacy" / "serverless.yml").unlink()
    (repo.root / "web").mkdir()
    (repo.root / "web" / "serverless.yml").symlink_to("/etc/hostname")
    repo.commit("delete and link")
    code, out, _ = run(["scan", "--changed-since", head, str(repo.root), "--format", "json"], capsys)
    assert code == 0 and paths(out) == []


def test_a_bad_revision_exits_2(change: tuple[Repo, str], capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = change
    for revision in ("nope", "--output=x"):
        code, _, err = run(["scan", f"--changed-since={revision}", str(repo.root)], capsys)
        assert code == 2 and "revision" in err
