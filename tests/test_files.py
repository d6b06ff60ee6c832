from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.batch import read_manifest
from bot.core.config import Allowlist, ScanConfig, ScanLimits
from bot.core.findings import Notice, NoticeKind
from bot.files import SKIPPED_DIRECTORIES, Target, iter_manifest_paths, repository_root

SERVERLESS = "service: demo\nprovider:\n  name: aws\n"


def make_tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SERVERLESS)


def relative_paths(root: Path, config: ScanConfig | None = None) -> list[str]:
    return [target.relative for target in iter_manifest_paths([root], config or ScanConfig())]


def test_walks_directories_and_keeps_manifests_in_order(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "serverless.yml",
            "services/b/template.yaml",
            "services/a/serverless.yml",
            "services/a/handler.py",
            "README.md",
            "az/local.settings.json",
        ],
    )
    assert relative_paths(tmp_path) == [
        "serverless.yml",
        "az/local.settings.json",
        "services/a/serverless.yml",
        "services/b/template.yaml",
    ]


def test_yields_absolute_paths(tmp_path: Path) -> None:
    make_tree(tmp_path, ["serverless.yml"])
    [(absolute, relative, named)] = iter_manifest_paths([tmp_path], ScanConfig())
    assert not named
    assert Path(absolute).is_absolute()
    assert absolute == str(tmp_path / "serverless.yml")
    assert relative == "serverless.yml"


@pytest.mark.parametrize("directory", sorted(SKIPPED_DIRECTORIES))
def test_skips_dependency_and_build_directories(tmp_path: Path, directory: str) -> None:
    make_tree(tmp_path, [f"{directory}/serverless.yml", f"a/{directory}/serverless.yml", "serverless.yml"])
    assert relative_paths(tmp_path) == ["serverless.yml"]


def test_keeps_cdk_out_templates(tmp_path: Path) -> None:
    make_tree(tmp_path, ["cdk.out/Stack.template.json"])
    assert relative_paths(tmp_path) == ["cdk.out/Stack.template.json"]


def test_include_exclude_and_allowlisted_paths(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "services/a/serverless.yml",
            "services/legacy/serverless.yml",
            "tools/serverless.yml",
            "fx/serverless.yml",
        ],
    )
    config = ScanConfig(
        include=("services/**", "fx/**"),
        exclude=("legacy",),
        allowlist=Allowlist(paths=("fx/**",)),
    )
    assert relative_paths(tmp_path, config) == ["services/a/serverless.yml"]


def test_extra_manifest_patterns(tmp_path: Path) -> None:
    make_tree(tmp_path, ["deploy/prod.settings", "deploy/notes.txt"])
    assert relative_paths(tmp_path) == []
    config = ScanConfig(extra_manifests=("deploy/*.settings",))
    assert relative_paths(tmp_path, config) == ["deploy/prod.settings"]


def test_a_file_argument_is_always_scanned(tmp_path: Path) -> None:
    make_tree(tmp_path, ["notes.txt"])
    config = ScanConfig(exclude=("*.txt",))
    assert list(iter_manifest_paths([tmp_path / "notes.txt"], config)) == [
        Target(str(tmp_path / "notes.txt"), "notes.txt", named=True)
    ]


def test_relative_file_argument_is_relative_to_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, ["sub/serverless.yml"])
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    [(absolute, relative, named)] = iter_manifest_paths([Path("../sub/./serverless.yml")], ScanConfig())
    assert (relative, named) == ("sub/serverless.yml", True)
    assert absolute == str(tmp_path / "sub" / "serverless.yml")


class TestRepositoryRoot:
    """Paths are relative to the git work tree's top level wherever the walk starts (see bot.files)."""

    @pytest.fixture
    def work_tree(self, tmp_path: Path) -> Path:
        make_tree(tmp_path / "repo", ["serverless.yml", "services/api/serverless.yml"])
        (tmp_path / "repo" / ".git").mkdir()
        return tmp_path / "repo"

    @pytest.mark.parametrize("start", [".", "services", "services/api", "services/api/.."])
    def test_any_argument_inside_a_work_tree_gives_repository_paths(
        self, work_tree: Path, start: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(work_tree / "services")
        argument = Path(os.path.relpath(work_tree / start))
        assert repository_root(argument) == work_tree
        found = [target.relative for target in iter_manifest_paths([argument], ScanConfig())]
        assert "services/api/serverless.yml" in found

    def test_absolute_and_dotdot_arguments(self, work_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(work_tree / "services" / "api")
        for argument in (work_tree, Path(".."), Path("../.."), work_tree / "services" / "api" / ".."):
            found = [target.relative for target in iter_manifest_paths([argument], ScanConfig())]
            assert found[-1] == "services/api/serverless.yml", argument

    def test_a_git_file_marks_a_linked_work_tree(self, tmp_path: Path) -> None:
        make_tree(tmp_path, ["a/b/serverless.yml"])
        (tmp_path / "a" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/a\n")
        assert repository_root(tmp_path / "a" / "b" / "serverless.yml") == tmp_path / "a"

    def test_outside_a_work_tree_the_directory_named_is_the_root(self, tmp_path: Path) -> None:
        make_tree(tmp_path, ["services/api/serverless.yml"])
        assert relative_paths(tmp_path / "services") == ["api/serverless.yml"]
        assert (
            repository_root(tmp_path / "services" / "api" / "serverless.yml") == tmp_path / "services" / "api"
        )


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make_tree(outside, ["serverless.yml", "dir/serverless.yml"])
    root = tmp_path / "repo"
    make_tree(root, ["real/serverless.yml"])
    (root / "serverless.yml").symlink_to(outside / "serverless.yml")
    (root / "linked-dir").symlink_to(outside / "dir")
    (root / "inner").mkdir()
    (root / "inner" / "serverless.yml").symlink_to(root / "real" / "serverless.yml")
    skipped: list[tuple[str, str]] = []
    found = [
        target.relative
        for target in iter_manifest_paths([root], ScanConfig(), on_skip=lambda *a: skipped.append(a))
    ]
    assert found == ["inner/serverless.yml", "real/serverless.yml"]
    assert skipped == [("serverless.yml", "symlink points outside the scanned directory; not followed")]


def test_dangling_symlink_inside_the_tree_is_yielded_for_the_reader_to_report(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").symlink_to(tmp_path / "gone.yml")
    assert relative_paths(tmp_path) == ["serverless.yml"]


def refuse_to_list(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Root can list any directory, so the refusal is simulated where the walker lists one."""
    real_scandir = os.scandir

    def scandir(path: Path) -> Any:
        if Path(path).name == name:
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("bot.files.os.scandir", scandir)


def test_unlistable_directory_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, ["locked/serverless.yml", "serverless.yml"])
    refuse_to_list(monkeypatch, "locked")
    skipped: list[tuple[str, str]] = []
    found = [
        target.relative
        for target in iter_manifest_paths([tmp_path], ScanConfig(), on_skip=lambda *a: skipped.append(a))
    ]
    assert found == ["serverless.yml"]
    assert skipped == [("locked", "cannot list directory (Permission denied)")]


class TestReadManifest:
    def test_reads_a_file_within_the_limit(self, tmp_path: Path) -> None:
        (tmp_path / "serverless.yml").write_bytes(b"x" * 100)
        assert (
            read_manifest(tmp_path / "serverless.yml", "serverless.yml", ScanLimits(max_bytes=100))
            == b"x" * 100
        )

    def test_one_byte_over_the_limit_is_a_notice(self, tmp_path: Path) -> None:
        (tmp_path / "serverless.yml").write_bytes(b"x" * 101)
        notice = read_manifest(tmp_path / "serverless.yml", "serverless.yml", ScanLimits(max_bytes=100))
        assert isinstance(notice, Notice)
        assert (notice.kind, notice.path) == (NoticeKind.TOO_LARGE, "serverless.yml")
        assert notice.message.startswith("file is 101 bytes, over the 100-byte limit")

    def test_a_fifo_is_never_opened(self, tmp_path: Path) -> None:
        os.mkfifo(tmp_path / "serverless.yml")
        notice = read_manifest(tmp_path / "serverless.yml", "serverless.yml", ScanLimits())
        assert notice == Notice("serverless.yml", NoticeKind.UNREADABLE, "not a regular file; not scanned")

    def test_a_missing_file_is_a_notice(self, tmp_path: Path) -> None:
        notice = read_manifest(tmp_path / "gone.yml", "gone.yml", ScanLimits())
        assert notice == Notice(
            "gone.yml", NoticeKind.UNREADABLE, "cannot read file (No such file or directory)"
        )
