"""A directory scan spread over worker processes reports exactly what one process reports, `${file()}`
targets included."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import batch
from bot.cli import main
from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.files import Target, iter_manifest_paths
from tests.test_cli_file_targets import tree  # noqa: F401 - the fixture, shared

KEY = "ghp_" + "Zq8sP2vLk4mN7rT1xW9yB3cD6fH0jK5aE8uQ"
PLAIN = "service: plain{index}\nprovider:\n  name: aws\n  environment:\n    LOG_LEVEL: info\n"


def scan_with(path: Path, jobs: int, capsys: pytest.CaptureFixture[str]) -> str:
    main(["scan", str(path), "--format", "json", "--jobs", str(jobs)])
    return capsys.readouterr().out


def test_workers_report_what_one_process_reports(
    tree: Path,  # noqa: F811 - the fixture imported above
    capsys: pytest.CaptureFixture[str],
) -> None:
    for index in range(40):
        (tree / f"plain-{index}").mkdir()
        (tree / f"plain-{index}" / "serverless.yml").write_text(PLAIN.format(index=index))
    alone = scan_with(tree, 1, capsys)
    assert scan_with(tree, 2, capsys) == alone
    paths = {finding["path"] for finding in json.loads(alone)["findings"]}
    assert {"svc/secrets.json", "svc/env.prod.yml"} <= paths  # targets found through the manifest


def test_a_walk_longer_than_the_workers_need_to_be_chosen_is_scanned_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pool takes the walk while it runs (issue 16): files past the part read ahead are scanned, and an
    entry skipped late in the walk is still reported first, as a one-process scan reports it."""
    count = 10  # more than the 2 files that `--jobs 2` reads ahead
    root = tmp_path / "tree"
    for index in range(count):
        (root / f"svc-{index:04d}").mkdir(parents=True)
        (root / f"svc-{index:04d}" / "serverless.yml").write_text(PLAIN.format(index=index))
    (root / "zz-last").mkdir()
    last = PLAIN.format(index="last") + "    API_KEY: " + KEY + "\n"
    (root / "zz-last" / "serverless.yml").write_text(last)
    (root / "zz-link.yml").symlink_to(tmp_path / "outside.yml")
    (tmp_path / "outside.yml").write_text("a: b\n")
    alone = scan_with(root, 1, capsys)
    assert scan_with(root, 2, capsys) == alone
    report = json.loads(alone)
    assert {finding["path"] for finding in report["findings"]} == {"zz-last/serverless.yml"}
    assert "zz-link.yml" in alone


def test_one_process_scans_while_the_walk_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    walk = iter_manifest_paths

    def recorded_walk(*args: Any, **kwargs: Any) -> Iterator[Target]:
        yield from walk(*args, **kwargs)
        events.append("walked")

    scan = batch.scan_with_targets

    def recorded_scan(target: Target, ruleset: RuleSet, config: ScanConfig) -> batch.Scanned:
        events.append("scanned")
        return scan(target, ruleset, config)

    for index in range(3):
        (tmp_path / f"svc-{index}").mkdir()
        (tmp_path / f"svc-{index}" / "serverless.yml").write_text(PLAIN.format(index=index))
    monkeypatch.setattr(batch, "iter_manifest_paths", recorded_walk)
    monkeypatch.setattr(batch, "scan_with_targets", recorded_scan)
    results = batch.scan_paths([tmp_path], ScanConfig(), RuleSet.default(), jobs=1)
    assert len(results) == 3
    assert events == ["scanned", "scanned", "scanned", "walked"]


_WHOLE_SCAN = batch._scan_in_worker


def _dies_on_the_seventh_service(target: Target) -> batch.Scanned:
    """A worker killed (as the kernel kills for memory) while it scans svc-0007."""
    if target.relative.startswith("svc-0007/"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _WHOLE_SCAN(target)


def test_a_worker_killed_mid_scan_ends_it_with_an_error_and_no_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`multiprocessing.Pool` waited for ever for a killed worker's answer; the scan now fails closed."""
    for index in range(12):
        (tmp_path / f"svc-{index:04d}").mkdir()
        (tmp_path / f"svc-{index:04d}" / "serverless.yml").write_text(PLAIN.format(index=index))
    monkeypatch.setattr(batch, "_scan_in_worker", _dies_on_the_seventh_service)
    code = main(["scan", str(tmp_path), "--format", "json", "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "worker process stopped before it answered" in err and "no report was written" in err


_SCANS_RECORD = "SCANS_RECORD"


def _fails_first_then_slow(target: Target) -> batch.Scanned:
    """The first service's scan raises; each other takes 10 ms, and is recorded in a file."""
    if target.relative.startswith("svc-0000/"):
        raise RuntimeError(f"cannot scan {target.relative}")
    time.sleep(0.01)
    record = os.open(os.environ[_SCANS_RECORD], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(record, b"scanned\n")
    os.close(record)
    return _WHOLE_SCAN(target)


def test_an_error_in_the_scan_cancels_the_work_not_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leaving the pool early does not wait for every file still queued (about a second here): the files
    not yet started are cancelled."""
    root = tmp_path / "tree"
    for index in range(200):
        (root / f"svc-{index:04d}").mkdir(parents=True)
        (root / f"svc-{index:04d}" / "serverless.yml").write_text(PLAIN.format(index=index))
    record = tmp_path / "scans"
    monkeypatch.setenv(_SCANS_RECORD, str(record))
    monkeypatch.setattr(batch, "_scan_in_worker", _fails_first_then_slow)
    with pytest.raises(RuntimeError, match=r"cannot scan svc-0000/serverless\.yml"):
        batch.scan_paths([root], ScanConfig(), RuleSet.default(), jobs=2)
    scanned = len(record.read_text().splitlines()) if record.exists() else 0
    assert scanned < 100


@pytest.mark.parametrize("count", [0, 1, 8, 17, 63, 200, 1485])
@pytest.mark.parametrize("workers", [2, 3])
def test_chunks_keep_the_walks_order_start_and_end_small_and_are_bounded(count: int, workers: int) -> None:
    chunks = list(batch._chunks(iter(range(count)), workers))
    assert [item for chunk in chunks for item in chunk] == list(range(count))
    assert all(0 < len(chunk) <= batch._CHUNK_MAX for chunk in chunks)
    assert all(len(chunk) <= batch._CHUNK for chunk in chunks[: 2 * workers])  # every worker starts at once
    assert all(len(chunk) <= batch._CHUNK for chunk in chunks[-workers:])  # and they finish together
    if count >= 1000:
        assert len(chunks) < count / 20  # far fewer hand-overs than fixed chunks of 8
