"""A directory scan spread over worker processes reports exactly what one process reports, `${file()}`
targets included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.test_cli_file_targets import tree  # noqa: F401 - the fixture, shared

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
