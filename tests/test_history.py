"""`secrets-bot scan --history` and `--staged` on real git repositories built here with the `git` program."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from jsonschema import Draft4Validator

import bot.history
from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.gitrepo import (
    BlobReader,
    Change,
    Commit,
    GitError,
    Missing,
    StartedLog,
    TooLarge,
    log_changes,
    public_url,
    start_log,
)
from bot.history import _sharing, scan_history
from tests.test_cli import ALNUM, PASSWORD, SARIF_SCHEMA, TOKEN, run, serverless

OTHER_TOKEN = "ghp_" + "".join(reversed(TOKEN[4:]))
KEY = "ab" * 32


class Repo:
    """A git repository in a temporary directory, driven by git commands with a fixed identity and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_700_000_000
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        self.clock += 60
        stamp = f"{self.clock} +0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        done = subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.strip()

    def write(self, path: str, text: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | bytes] | None = None) -> str:
        for path, text in (files or {}).items():
            self.write(path, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture(autouse=True)
def quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither the machine's nor the user's git configuration; a fixed identity; the CLI's key."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    for variable in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{variable}_NAME", "Ann Dev")
        monkeypatch.setenv(f"GIT_{variable}_EMAIL", "ann@example.com")
    monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", KEY)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def history(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(["scan", "--history", *argv, "--format", "json"], capsys)
    return code, json.loads(out), err


def found(document: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(f["path"], f["rule"], f["commit"], f["in_head"]) for f in document["findings"]]


class TestIntroducingCommit:
    def test_a_secret_deleted_in_the_next_commit_is_reported_with_the_first(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.commit("remove", {"serverless.yml": serverless({"GITHUB_API_KEY": "${ssm:/gh}"})})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 1
        assert found(document) == [("serverless.yml", "github-pat", first, False)]
        finding = document["findings"][0]
        assert finding["author"] == "Ann Dev" and finding["author_date"].startswith("2023-11-14T")
        assert document["commits_scanned"] == 2
        assert document["files_scanned"] == 2  # two versions of the file

    def test_text_names_the_short_commit_and_that_it_was_deleted(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.git("rm", "-q", "serverless.yml")
        repo.commit("delete the file")
        code, out, err = run(["scan", "--history", str(repo.root)], capsys)
        assert code == 1
        assert f"{first[:7]} by Ann Dev" in out and "(deleted since" in out
        assert "    fix |" not in out and "  store |" in out  # no line left to fix; store the new value
        assert first not in out  # the short id only
        assert TOKEN not in out + err

    def test_a_secret_still_present_is_reported_once_at_heads_line(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        for number in range(3):
            env = {f"VAR{index}": "x" for index in range(number + 1)} | {"GITHUB_API_KEY": TOKEN}
            repo.commit(f"more variables {number}", {"serverless.yml": serverless(env)})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 1
        assert found(document) == [("serverless.yml", "github-pat", first, True)]
        assert document["findings"][0]["line"] == 12  # where it is at HEAD, after three new lines
        code, out, _ = run(["scan", "--history", str(repo.root)], capsys)
        assert "(still in HEAD)" in out and out.count("github-pat") == 1

    def test_a_changed_value_is_a_second_finding(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        second = repo.commit("rotate", {"serverless.yml": serverless({"GITHUB_API_KEY": OTHER_TOKEN})})
        _, document, _ = history([str(repo.root)], capsys)
        assert sorted(found(document), key=lambda row: row[3]) == [
            ("serverless.yml", "github-pat", first, False),
            ("serverless.yml", "github-pat", second, True),
        ]


class TestBranchesAndMerges:
    def test_a_branch_that_head_never_reached_is_scanned(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("base", {"serverless.yml": serverless({"STAGE": "dev"})})
        repo.git("checkout", "-q", "-b", "experiment")
        leak = repo.commit("try", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.git("checkout", "-q", "main")
        repo.commit("unrelated", {"README.md": "hello\n"})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 1
        assert found(document) == [("serverless.yml", "github-pat", leak, False)]

    def test_a_merged_secret_is_reported_once_with_the_branch_commit(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("base", {"serverless.yml": serverless({"STAGE": "dev"})})
        repo.git("checkout", "-q", "-b", "feature")
        leak = repo.commit("leak", {"api/serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.git("checkout", "-q", "main")
        repo.commit("main moves", {"README.md": "hello\n"})
        repo.git("merge", "-q", "--no-ff", "feature", "-m", "merge feature")
        repo.git("checkout", "-q", "-b", "later")
        repo.git("merge", "-q", "--no-ff", "main", "-m", "merge again")
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 1
        assert found(document) == [("api/serverless.yml", "github-pat", leak, True)]

    def test_a_secret_written_in_a_merge_resolution_is_the_merges(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("base", {"serverless.yml": serverless({"STAGE": "dev"})})
        repo.git("checkout", "-q", "-b", "feature")
        repo.commit("feature", {"serverless.yml": serverless({"STAGE": "feature"})})
        repo.git("checkout", "-q", "main")
        repo.commit("main", {"serverless.yml": serverless({"STAGE": "main"})})
        subprocess.run(["git", "-C", str(repo.root), "merge", "-q", "feature"], capture_output=True)
        repo.write("serverless.yml", serverless({"STAGE": "both", "DB_PASSWORD": PASSWORD}))
        merge = repo.commit("resolve")
        assert len(repo.git("show", "-s", "--format=%P", merge).split()) == 2
        _, document, _ = history([str(repo.root)], capsys)
        assert found(document) == [("serverless.yml", "generic-password", merge, True)]


class TestBlobsAreReadOnce:
    def test_the_same_blob_in_many_commits_and_paths_is_read_once(self, repo: Repo) -> None:
        leaking, clean = serverless({"GITHUB_API_KEY": TOKEN}), serverless({"STAGE": "dev"})
        for number in range(6):
            repo.commit(f"flip {number}", {"serverless.yml": leaking if number % 2 else clean})
        repo.commit("copy", {"copy/serverless.yml": leaking})
        config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
        with BlobReader(repo.root, config.limits.max_bytes) as reader:
            requested: list[str] = []

            class Counting:
                def read_many(self, blobs: Iterable[str]) -> Iterator[bytes | TooLarge | Missing]:
                    wanted = list(blobs)
                    requested.extend(wanted)
                    return reader.read_many(wanted)

            scan = scan_history(repo.root, config, RuleSet.default(), reader=Counting())
        assert len(requested) == len(set(requested)) == 2  # two contents, whatever the commits and paths
        assert scan.files_scanned == 3  # the leaking blob is scanned at both of its paths
        assert sorted(f.path for f in scan.provenance) == ["copy/serverless.yml", "serverless.yml"]
        assert scan.commits == 7

    def test_forked_workers_report_what_one_process_does(
        self, repo: Repo, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("bot.history._SLICE_JOBS", 3)  # several slices, sent as they are found
        for number in range(8):
            env = {"STAGE": str(number), "GITHUB_API_KEY": TOKEN if number % 3 else OTHER_TOKEN}
            repo.commit(f"service {number}", {f"svc{number % 4}/serverless.yml": serverless(env)})
        config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
        alone = scan_history(repo.root, config, RuleSet.default(), jobs=1)
        forked = scan_history(repo.root, config, RuleSet.default(), jobs=2)
        assert forked.provenance == alone.provenance
        assert forked.files_scanned == alone.files_scanned == 8
        # (service, token) pairs: svc1 had the same token twice, the others two different ones
        assert len(alone.provenance) == 7
        assert sum(origin.in_head for origin in alone.provenance.values()) == 4


_WHOLE_SLICE = bot.history._scan_slice


def _dies_on_the_second_service(jobs: list[tuple[str, Any]]) -> list[Any]:
    """A worker's slice that is killed (as the kernel kills for memory) when it holds svc1's manifest."""
    if any(path.startswith("svc1/") for path, _ in jobs):
        os.kill(os.getpid(), signal.SIGKILL)
    return _WHOLE_SLICE(jobs)


def test_a_worker_killed_mid_history_ends_the_scan_with_an_error_and_no_report(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`multiprocessing.Pool` waited for ever for a killed worker's answer; the scan now fails closed."""
    monkeypatch.setattr("bot.history._SLICE_JOBS", 1)
    for number in range(4):
        repo.commit(f"service {number}", {f"svc{number}/serverless.yml": serverless({"STAGE": str(number)})})
    monkeypatch.setattr("bot.history._scan_slice", _dies_on_the_second_service)
    code, out, err = run(["scan", "--history", "--jobs", "2", "--format", "json", str(repo.root)], capsys)
    assert code == 2 and out == ""
    assert "worker process stopped before it answered" in err and "no report was written" in err


class TestScanningWhileWalking:
    """Workers scan the slices found so far while the log is still being read, within a bound of bytes."""

    def _history(self, repo: Repo, versions: int) -> None:
        for number in range(versions):
            env = {"STAGE": str(number), "GITHUB_API_KEY": TOKEN if number % 2 else OTHER_TOKEN}
            repo.commit(f"version {number}", {f"svc{number % 3}/serverless.yml": serverless(env)})

    @pytest.mark.parametrize("jobs", [1, 2])
    def test_the_first_slice_is_scanned_long_before_the_walk_ends(
        self, repo: Repo, monkeypatch: pytest.MonkeyPatch, jobs: int
    ) -> None:
        """In forked workers, or here: a long history is never read whole before its scan starts."""
        monkeypatch.setattr("bot.history._SLICE_JOBS", 4)
        self._history(repo, 24)
        walked: list[int] = []  # commits read from the log when each slice was sent

        class CountingLog:
            def changes(self) -> Iterator[tuple[Commit, list[Change]]]:
                for number, item in enumerate(log_changes(repo.root), start=1):
                    walked.append(number)
                    yield item

        sent: list[int] = []
        send = bot.history._Scheduler._scan

        def counting_send(self: Any, *args: Any) -> None:
            sent.append(walked[-1] if walked else 0)
            send(self, *args)

        monkeypatch.setattr("bot.history._Scheduler._scan", counting_send)
        config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
        log = cast(StartedLog, CountingLog())
        streamed = scan_history(repo.root, config, RuleSet.default(), log=log, jobs=jobs)
        assert sent[0] <= 4 < 24 == walked[-1]  # the first versions went out as soon as a slice was found
        assert streamed.provenance == scan_history(repo.root, config, RuleSet.default(), jobs=1).provenance

    def test_unanswered_slices_stay_within_the_byte_bound(
        self, repo: Repo, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("bot.history._SLICE_JOBS", 2)
        monkeypatch.setattr("bot.history._IN_FLIGHT_BYTES", 1)  # any slice is over it: one at a time
        self._history(repo, 12)
        first = serverless({"STAGE": "0", "GITHUB_API_KEY": OTHER_TOKEN})  # version 0, written again
        repo.commit("revert", {"svc0/serverless.yml": first})
        held: list[int] = []
        scanned: list[tuple[str, str]] = []
        send = bot.history._Scheduler._scan

        def watching_send(self: Any, keys: list[tuple[str, str]], *args: Any) -> None:
            scanned.extend(keys)
            send(self, keys, *args)
            held.append(len(self._in_flight))

        config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
        alone = scan_history(repo.root, config, RuleSet.default(), jobs=1)
        monkeypatch.setattr("bot.history._Scheduler._scan", watching_send)
        bounded = scan_history(repo.root, config, RuleSet.default(), jobs=2)
        assert held and max(held) == 1
        assert bounded.provenance == alone.provenance
        # the reverted version and HEAD's versions, found again while their first scan was in flight,
        # are not scanned again
        assert len(scanned) == len(set(scanned)) == bounded.files_scanned == 12


def _padded(repo: Repo, versions: int) -> int:
    """`versions` versions of about 1 KB each; the largest one's size."""
    texts = [serverless({"STAGE": str(number), "NOTES": "n" * 900}) for number in range(versions)]
    for number, text in enumerate(texts):
        repo.commit(f"padded {number}", {f"svc{number % 3}/serverless.yml": text})
    return max(len(text) for text in texts)


def test_one_process_holds_no_more_blob_bytes_than_the_bound(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    largest = _padded(repo, 12)
    monkeypatch.setattr("bot.history._IN_FLIGHT_BYTES", 3 * largest)
    config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
    held = [0]  # bytes read and not yet scanned, now and at most
    most = [0]
    with BlobReader(repo.root, config.limits.max_bytes) as reader:

        class Counting:
            def read_many(self, blobs: Iterable[str]) -> Iterator[bytes | TooLarge | Missing]:
                for data in reader.read_many(blobs):
                    held[0] += len(data) if isinstance(data, bytes) else 0
                    most[0] = max(most[0], held[0])
                    yield data

        scan_one = bot.history._scan_one

        def counting_scan(path: str, data: bytes | TooLarge | Missing, *args: Any) -> Any:
            held[0] -= len(data) if isinstance(data, bytes) else 0
            return scan_one(path, data, *args)

        monkeypatch.setattr("bot.history._scan_one", counting_scan)
        scan = scan_history(repo.root, config, RuleSet.default(), reader=Counting(), jobs=1)
    assert scan.files_scanned == 12
    assert most[0] <= 3 * largest + largest


def test_workers_all_get_slices_when_versions_are_large(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.history._SLICE_JOBS", 8)
    largest = _padded(repo, 40)
    monkeypatch.setattr("bot.history._IN_FLIGHT_BYTES", 12 * largest)  # a slice is 2/3 of it
    held: list[int] = []
    send = bot.history._Scheduler._scan

    def watching_send(scheduler: Any, *args: Any) -> None:
        send(scheduler, *args)
        held.append(len(scheduler._in_flight))

    monkeypatch.setattr("bot.history._Scheduler._scan", watching_send)
    config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
    scan = scan_history(repo.root, config, RuleSet.default(), jobs=2)
    assert scan.files_scanned == 40
    assert max(held) >= 2  # a slice for each worker at once


class TestRememberedAnswers:
    @pytest.mark.parametrize("jobs", [1, 2])
    def test_renames_deletions_and_re_added_secrets_report_as_without_memory(
        self, repo: Repo, monkeypatch: pytest.MonkeyPatch, jobs: int
    ) -> None:
        """The rule set and the reference analyses that remember answers across versions
        (`bot.core.memorules`, `bot.core.versionmemo`) change nothing: the same findings, first commits,
        HEAD locations and notices as without them."""
        leaking = serverless({"GITHUB_API_KEY": TOKEN, "DB_PASSWORD": PASSWORD})
        repo.commit("one", {"a/serverless.yml": leaking, "b/serverless.yml": leaking})
        repo.git("mv", "a", "c")
        repo.commit("rename a to c")
        repo.commit("rotate in b", {"b/serverless.yml": serverless({"GITHUB_API_KEY": OTHER_TOKEN})})
        repo.git("rm", "-q", "c/serverless.yml")
        repo.commit("delete c")
        repo.git("checkout", "-q", "-b", "side")
        repo.commit("side", {"d/serverless.yml": serverless({"API_TOKEN": TOKEN, "STAGE": "x"})})
        repo.git("checkout", "-q", "main")
        repo.commit("re-add", {"b/serverless.yml": leaking, "e/serverless.yml": "{ broken"})
        repo.git("merge", "-q", "--no-edit", "side")
        config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
        remembered = scan_history(repo.root, config, RuleSet.default(), jobs=jobs)
        monkeypatch.setattr("bot.history.MemoisedRuleSet", lambda rules: rules)
        monkeypatch.setattr("bot.core.references.current", lambda: None)  # no answers across versions
        plain = scan_history(repo.root, config, RuleSet.default(), jobs=jobs)
        assert remembered == plain
        assert len(plain.provenance) >= 4 and any(result.notices for result in plain.results)


def test_a_worker_returns_an_equal_finding_as_the_object_it_returned_before() -> None:
    """Pickle then sends a finding that successive versions repeat once per chunk of results."""
    config = ScanConfig(fingerprint_key=bytes.fromhex(KEY))
    text = serverless({"GITHUB_API_KEY": TOKEN})
    first = _sharing(scan_file("serverless.yml", text.encode(), ruleset=RuleSet.default(), config=config))
    later = scan_file("serverless.yml", (text + "# v2\n").encode(), ruleset=RuleSet.default(), config=config)
    assert later.findings == first.findings and later.findings[0] is not first.findings[0]
    shared = _sharing(later)
    assert shared == later and shared.findings[0] is first.findings[0]


class TestSince:
    def test_only_commits_after_the_revision(self, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
        repo.commit("old leak", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        base = repo.commit("clean", {"serverless.yml": serverless({"STAGE": "dev"})})
        new = repo.commit("new leak", {"api/serverless.yml": serverless({"DB_PASSWORD": PASSWORD})})
        _, document, _ = history(["--since", base, str(repo.root)], capsys)
        assert found(document) == [("api/serverless.yml", "generic-password", new, True)]
        assert document["commits_scanned"] == 1
        _, document, _ = history(["--since", "HEAD", str(repo.root)], capsys)
        assert document["findings"] == [] and document["commits_scanned"] == 0

    @pytest.mark.parametrize("revision", ["no-such-branch", "--output={}", ""])
    def test_a_bad_revision_exits_2(
        self, repo: Repo, revision: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("one", {"serverless.yml": serverless({"STAGE": "dev"})})
        planted = tmp_path / "written-by-git"
        since = revision.format(planted)
        code, out, err = run(["scan", "--history", f"--since={since}", str(repo.root)], capsys)
        assert code == 2 and out == ""
        assert "revision" in err
        assert not planted.exists()  # never handed to git as an option

    def test_since_needs_history(self, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(["scan", "--since", "HEAD", str(repo.root)], capsys)
        assert code == 2 and "--since needs --history" in err


class TestRepositoryShapes:
    def test_not_a_repository_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "plain").mkdir()
        for flag in ("--history", "--staged"):
            code, out, err = run(["scan", flag, str(tmp_path / "plain")], capsys)
            assert code == 2 and out == ""
            assert "is not in a git repository" in err

    def test_an_empty_repository_is_clean(self, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 0
        assert document["findings"] == [] and document["commits_scanned"] == 0
        code, out, _ = run(["scan", "--history", "--format", "sarif", str(repo.root)], capsys)
        assert code == 0
        assert "revisionId" not in out

    def test_a_shallow_clone_is_incomplete(
        self, repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("leak", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.commit("remove", {"serverless.yml": serverless({"STAGE": "dev"})})
        clone = tmp_path / "shallow"
        url = repo.root.as_uri()
        subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(clone)], check=True)
        code, document, _ = history([str(clone)], capsys)
        assert code == 2  # the leak before the boundary was never fetched: not clean
        assert document["findings"] == []
        assert [n["kind"] for n in document["notices"]] == ["not-scanned"]
        assert "shallow clone" in document["notices"][0]["message"]
        (clone / ".github").mkdir()
        (clone / ".github" / "secrets-bot.yml").write_text("incomplete: neutral\n")
        assert history([str(clone)], capsys)[0] == 0

    def test_odd_file_names_are_read_exactly(self, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
        path = "sérvice dir\nwith newline/serverless.yml"
        leak = repo.commit("odd", {path: serverless({"GITHUB_API_KEY": TOKEN})})
        repo.commit("gone", {path: serverless({"STAGE": "x"})})
        _, document, _ = history([str(repo.root)], capsys)
        assert found(document) == [(path, "github-pat", leak, False)]

    def test_a_huge_blob_in_an_old_commit_is_incomplete(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("config", {".github/secrets-bot.yml": "max_file_size: 2000\n"})
        big = repo.commit("big", {"serverless.yml": serverless({"STAGE": "x" * 3000})})
        repo.commit("small", {"serverless.yml": serverless({"STAGE": "dev"})})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 2
        [notice] = document["notices"]
        assert notice["kind"] == "too-large" and notice["path"] == "serverless.yml"
        assert notice["message"].startswith(f"at commit {big[:7]}: file is ")

    def test_a_binary_blob_at_a_manifest_path_is_a_notice(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("binary", {"serverless.yml": b"\x00\x01\x02binary\xff" * 20})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 2
        assert [n["kind"] for n in document["notices"]] == ["binary"]

    def test_a_corrupt_blob_is_an_error_not_a_clean_scan(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """git dies in the middle of a blob it cannot inflate: its first part is not the whole file."""
        repo.commit("leak", {"serverless.yml": _long_manifest()})
        _cut_loose_object(repo, "HEAD:serverless.yml")
        code, out, err = run(["scan", "--history", str(repo.root), "--format", "json"], capsys)
        assert code == 2 and out == ""
        assert "cat-file stopped" in err

    def test_excluded_paths_are_not_scanned_in_history_either(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("config", {".github/secrets-bot.yml": "paths:\n  exclude: [fixtures/**]\n"})
        repo.commit("fixture", {"fixtures/serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        code, document, _ = history([str(repo.root)], capsys)
        assert code == 0 and document["findings"] == []


class TestReports:
    def test_sarif_names_the_repository_without_credentials(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        first = repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        head = repo.commit("remove", {"serverless.yml": serverless({"STAGE": "dev"})})
        credential = "x-access-token:ghs_" + "".join(ALNUM[:30])
        repo.git("remote", "add", "origin", f"https://{credential}@github.com/acme/api.git?t=1")
        code, out, _ = run(["scan", "--history", "--format", "sarif", str(repo.root)], capsys)
        assert code == 1
        assert "ghs_" not in out and "x-access-token" not in out and TOKEN not in out
        log = json.loads(out)
        Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
        [run_] = log["runs"]
        assert run_["versionControlProvenance"] == [
            {
                "repositoryUri": "https://github.com/acme/api.git",
                "revisionId": head,
                "mappedTo": {"uriBaseId": "%SRCROOT%"},
            }
        ]
        [result] = run_["results"]
        assert result["properties"]["commit"] == first and result["properties"]["inHead"] is False

    def test_without_a_remote_the_repository_is_the_local_root(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("add", {"serverless.yml": serverless({"STAGE": "dev"})})
        _, out, _ = run(["scan", "--history", "--format", "sarif", str(repo.root)], capsys)
        [details] = json.loads(out)["runs"][0]["versionControlProvenance"]
        assert details["repositoryUri"] == repo.root.as_uri() + "/"

    def test_directory_scans_carry_null_history_fields(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("add", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        code, out, _ = run(["scan", str(repo.root), "--format", "json"], capsys)
        document = json.loads(out)
        assert code == 1 and "commits_scanned" not in document
        assert {document["findings"][0][key] for key in ("commit", "author", "author_date", "in_head")} == {
            None
        }


@pytest.mark.parametrize(
    ("remote", "public"),
    [
        ("https://user:pa55@github.com/acme/api.git", "https://github.com/acme/api.git"),
        ("https://token@example.com:8443/a/b?access_token=s3#frag", "https://example.com:8443/a/b"),
        ("git@github.com:acme/api.git", "ssh://github.com/acme/api.git"),
        ("ssh://git@host.example/acme/api", "ssh://host.example/acme/api"),
        ("/srv/git/api.git", None),
        ("file:///srv/git/api.git", None),
        ("https://[::1", None),
    ],
)
def test_remote_urls_lose_their_credentials(remote: str, public: str | None) -> None:
    assert public_url(remote) == public


def test_the_log_walk_lists_each_commits_blobs_oldest_first(repo: Repo) -> None:
    first = repo.commit("one", {"a.yml": "a: 1\n", "b.yml": "b: 1\n"})
    repo.git("rm", "-q", "b.yml")
    second = repo.commit("two", {"a.yml": "a: 2\n", "link.yml": "x"})
    (repo.root / "link.yml").unlink()
    (repo.root / "link.yml").symlink_to("a.yml")
    third = repo.commit("symlink")
    walked = [(c.sha, sorted(change.path for change in changes)) for c, changes in log_changes(repo.root)]
    # deletions and symlinks write no file to scan
    assert walked == [(first, ["a.yml", "b.yml"]), (second, ["a.yml", "link.yml"]), (third, [])]


class TestReadMany:
    """`BlobReader.read_many` writes its requests ahead of the answers: same answers as `read`, in order."""

    def _blobs(self, repo: Repo, files: dict[str, str | bytes]) -> list[str]:
        repo.commit("blobs", files)
        return [repo.git("rev-parse", f"HEAD:{path}") for path in files]

    def test_answers_match_read_one_by_one_including_missing_and_too_large(self, repo: Repo) -> None:
        blobs = self._blobs(repo, {"a.yml": "a: 1\n", "big.yml": "x" * 300, "b.yml": b"\x00\xffbinary"})
        wanted = [blobs[0], "0" * 40, blobs[1], blobs[2], blobs[0]]
        with BlobReader(repo.root, max_bytes=100) as reader:
            many = list(reader.read_many(wanted))
            one_by_one = [reader.read(blob) for blob in wanted]  # the reader is still in step
        assert many == one_by_one
        assert many[0] == b"a: 1\n" and isinstance(many[1], Missing) and many[2] == TooLarge(300)

    def test_more_requests_and_answers_than_pipes_hold_do_not_deadlock(self, repo: Repo) -> None:
        """Thousands of requests (more than a pipe holds) for answers larger than a pipe: only a few
        requests are written ahead of the answers, so neither side waits for the other for ever."""
        blobs = self._blobs(repo, {"big.yml": "y" * 300_000, "small.yml": "s: 1\n"})
        wanted = [blobs[index % 2] for index in range(5_000)]
        with BlobReader(repo.root, max_bytes=1 << 20) as reader:
            sizes = [len(data) for data in reader.read_many(wanted) if isinstance(data, bytes)]
        assert sizes == [300_000, 5] * 2_500

    def test_a_caller_that_stops_early_stops_git_and_closes_cleanly(self, repo: Repo) -> None:
        blobs = self._blobs(repo, {"big.yml": "z" * 200_000})
        reader = BlobReader(repo.root, max_bytes=1 << 20)
        answers = reader.read_many(blobs * 1_000)
        assert next(answers) == b"z" * 200_000
        answers.close()  # the rest is never read: git, blocked on a full pipe, is stopped
        reader.close()
        assert reader._process.returncode is not None

    def test_a_blob_git_cannot_read_to_its_end_is_an_error_not_its_first_part(self, repo: Repo) -> None:
        repo.commit("long", {"serverless.yml": _long_manifest()})
        blob = _cut_loose_object(repo, "HEAD:serverless.yml")
        with BlobReader(repo.root, max_bytes=1 << 20) as reader, pytest.raises(GitError, match="stopped"):
            list(reader.read_many([blob]))
        with BlobReader(repo.root, max_bytes=1 << 20) as reader, pytest.raises(GitError, match="stopped"):
            reader.read(blob)

    def test_git_stopping_midway_is_an_error_not_a_short_answer(self, repo: Repo) -> None:
        blobs = self._blobs(repo, {"big.yml": "b" * 200_000})  # more answers than a pipe can hold
        with BlobReader(repo.root, max_bytes=1 << 20) as reader:
            answers = reader.read_many(blobs * 100)
            assert next(answers) == b"b" * 200_000
            reader._process.kill()
            reader._process.wait()
            with pytest.raises(GitError, match="stopped"):
                list(answers)


def _long_manifest() -> str:
    """A manifest of about 100 KB that git stores compressed, with a secret at its end."""
    lines = {f"NAME_{number}": f"{number:08d}-{number * 7919 % 100_003:06d}" for number in range(4_000)}
    return serverless({**lines, "GITHUB_API_KEY": TOKEN})


def _cut_loose_object(repo: Repo, revision: str) -> str:
    """The blob `revision` names, its loose object cut to half its size (a corrupt repository)."""
    blob = repo.git("rev-parse", revision)
    stored = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    return blob


def _fast_import(repo: Repo, commits: int) -> None:
    """`commits` commits on main, each writing one file, through one `git fast-import`."""
    stream = []
    for mark in range(1, commits + 1):
        who = f"Ann Dev <ann@example.com> {1_700_000_000 + mark} +0000"
        data = f"value: {mark}\n"
        stream.append(
            f"commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\ndata 3\nnew\n"
            + (f"from :{mark - 1}\n" if mark > 1 else "")
            + f"M 100644 inline dir{mark % 50:02d}/file{mark}.yml\ndata {len(data)}\n{data}\n"
        )
    subprocess.run(
        ["git", "-C", str(repo.root), "fast-import", "--quiet"], input="".join(stream).encode(), check=True
    )


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="a pipe's size is set on Linux only")
def test_a_started_log_is_walked_by_git_before_anyone_reads_it(repo: Repo) -> None:
    """Git writes a history of more than the 64 KB a pipe holds by default while the CLI loads the
    scanner, and the walk read afterwards is the one `log_changes` reads."""
    _fast_import(repo, 800)  # about 190 KB of log
    with start_log(repo.root) as log:
        log._process.wait(timeout=30)  # would wait forever on a 64 KB pipe that nobody reads
        started = [(commit, changes) for commit, changes in log.changes()]
    assert started == list(log_changes(repo.root))
    assert len(started) == 800


def test_a_started_log_that_is_never_read_stops_git(repo: Repo) -> None:
    _fast_import(repo, 50)
    with start_log(repo.root) as log:
        process = log._process
    assert process.returncode is not None


def test_a_walk_left_after_its_log_was_closed_ends_quietly(repo: Repo) -> None:
    """A scan that fails in mid-walk (a corrupt blob, a worker's error) closes the log first; its walk is
    finalized later, and then has no closed pipe to read (once printed as "Exception ignored ...")."""
    _fast_import(repo, 50)
    with start_log(repo.root) as log:
        walk = log.changes()
        next(walk)
    assert isinstance(walk, Generator)
    walk.close()


def test_a_started_log_resolves_since_first(repo: Repo) -> None:
    with pytest.raises(GitError, match="unknown revision"):
        start_log(repo.root, "no-such-branch")


def test_the_cli_starts_git_before_it_loads_the_scanner() -> None:
    """Loading the scanner is most of the CLI's start-up: the history walk runs meanwhile."""
    probe = "import sys, bot.cli; print('bot.core.scanner' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


class TestStaged:
    def test_the_index_is_scanned_not_the_work_tree(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("base", {"serverless.yml": serverless({"STAGE": "dev"}), "other.yml": "a: 1\n"})
        repo.write("api/serverless.yml", serverless({"GITHUB_API_KEY": TOKEN}))
        repo.git("add", "api/serverless.yml")
        repo.write("api/serverless.yml", serverless({"GITHUB_API_KEY": "${ssm:/gh}"}))  # not staged
        repo.write("serverless.yml", serverless({"DB_PASSWORD": PASSWORD}))  # not staged either
        code, out, _ = run(["scan", "--staged", "--format", "json", str(repo.root / "api")], capsys)
        document = json.loads(out)
        assert code == 1
        assert [(f["path"], f["rule"], f["commit"]) for f in document["findings"]] == [
            ("api/serverless.yml", "github-pat", None)
        ]
        assert document["files_scanned"] == 1 and "commits_scanned" not in document

    @pytest.mark.parametrize("jobs", ["1", "3"])
    def test_jobs_above_the_files_to_scan_start_no_more_workers_than_files(
        self, repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, jobs: str
    ) -> None:
        """`--jobs N` is at most N workers, as in a directory scan: one staged file is scanned here (a
        pre-commit hook's usual case), not by a pool forked for it."""
        repo.write("serverless.yml", serverless({"GITHUB_API_KEY": TOKEN}))
        repo.git("add", "serverless.yml")

        def no_fork(count: int, *_: object) -> None:
            raise AssertionError(f"a pool of {count} was started for one file")

        monkeypatch.setattr("bot.history.forked_workers", no_fork)
        code, out, _ = run(["scan", "--staged", "--jobs", jobs, "--format", "json", str(repo.root)], capsys)
        assert code == 1 and json.loads(out)["files_scanned"] == 1

    def test_a_clean_index_passes_whatever_the_work_tree_holds(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("leak once", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.write("serverless.yml", serverless({"STAGE": "dev"}))
        repo.git("add", "serverless.yml")
        repo.write("serverless.yml", serverless({"DB_PASSWORD": PASSWORD}))
        code, out, _ = run(["scan", "--staged", str(repo.root)], capsys)
        assert code == 0
        assert "No secrets found in 1 file scanned." in out

    def test_before_the_first_commit(self, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
        repo.write("serverless.yml", serverless({"GITHUB_API_KEY": TOKEN}))
        repo.git("add", "serverless.yml")
        code, out, _ = run(["scan", "--staged", "--format", "sarif", str(repo.root)], capsys)
        assert code == 1
        log = json.loads(out)
        Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
        assert "versionControlProvenance" not in log["runs"][0]

    @pytest.mark.parametrize("commit_args", [["-a"], ["serverless.yml"]])
    def test_as_a_pre_commit_hook_it_sees_what_git_commit_would_commit(
        self, repo: Repo, commit_args: list[str]
    ) -> None:
        """`git commit -a` and `git commit PATH` stage into a temporary index (GIT_INDEX_FILE)."""
        repo.commit("base", {"serverless.yml": serverless({"STAGE": "dev"})})
        hook = repo.root / ".git" / "hooks" / "pre-commit"
        source = Path(__file__).parents[1]
        hook.write_text(f"#!/bin/sh\nPYTHONPATH={source} exec {sys.executable} -m bot scan --staged\n")
        hook.chmod(0o755)
        repo.write("serverless.yml", serverless({"GITHUB_API_KEY": TOKEN}))  # modified, not staged
        refused = subprocess.run(
            ["git", "-C", str(repo.root), "commit", "-q", "-m", "leak", *commit_args],
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0
        output = refused.stdout + refused.stderr  # git hands a hook's stdout to stderr
        assert "github-pat" in output and TOKEN not in output
        repo.write("serverless.yml", serverless({"GITHUB_API_KEY": "${ssm:/gh}"}))
        repo.git("commit", "-q", "-m", "fine", *commit_args)  # the hook passes: exit 0

    def test_a_staged_deletion_is_nothing_to_scan(
        self, repo: Repo, capsys: pytest.CaptureFixture[str]
    ) -> None:
        repo.commit("leak", {"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
        repo.git("rm", "-q", "serverless.yml")
        assert run(["scan", "--staged", str(repo.root)], capsys)[0] == 0


def test_history_and_staged_take_one_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", "--history", str(tmp_path), str(tmp_path)], capsys)
    assert code == 2 and "one PATH" in err
    code, _, err = run(["scan", "--history", "--staged", str(tmp_path)], capsys)
    assert code == 2 and "not allowed with" in err
