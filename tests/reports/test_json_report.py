from __future__ import annotations

import json

from bot.core.findings import ScanResult
from bot.reports.json_report import render_json
from tests.reports.sample import FINDING_KEYS, PASSWORD, SSM_FIX, TOKEN, sample_results


def test_document_has_exactly_the_documented_shape() -> None:
    document = json.loads(render_json(sample_results(), files_scanned=4))
    assert set(document) == {"files_scanned", "findings", "notices"}
    assert document["files_scanned"] == 4
    assert len(document["findings"]) == 3
    for finding in document["findings"]:
        assert set(finding) == FINDING_KEYS
        assert set(finding["remediation"]) == {"replacement", "store_command", "docs"}


def test_findings_are_sorted_by_path_then_line() -> None:
    document = json.loads(render_json(sample_results(), files_scanned=4))
    assert [(f["path"], f["line"]) for f in document["findings"]] == [
        ("services/api/serverless.yml", 12),
        ("services/api/serverless.yml", 30),
        ("template with space.yaml", 5),
    ]


def test_values_are_plain_json() -> None:
    document = json.loads(render_json(sample_results(), files_scanned=4))
    token = document["findings"][1]
    assert token["severity"] == "high"
    assert token["rule"] == "github-pat"
    assert token["column"] == 21 and token["end_line"] == 30
    assert token["key"] == "provider.environment.GITHUB_API_KEY"
    assert token["remediation"] == {
        "replacement": SSM_FIX.replacement,
        "store_command": SSM_FIX.store_command,
        "docs": SSM_FIX.docs,
    }
    no_fix = document["findings"][0]
    assert no_fix["remediation"] == {"replacement": None, "store_command": None, "docs": None}


def test_notices_travel_beside_the_findings() -> None:
    document = json.loads(render_json(sample_results(), files_scanned=4))
    assert document["notices"] == [
        {
            "path": "broken/serverless.yml",
            "kind": "parse-error",
            "message": "invalid YAML at line 3",
            "line": 3,
        }
    ]


def test_no_secret_value_in_the_document() -> None:
    text = render_json(sample_results(), files_scanned=4)
    assert TOKEN not in text
    assert PASSWORD not in text


def test_empty_scan() -> None:
    assert json.loads(render_json([ScanResult("a.yml", None)], files_scanned=1)) == {
        "files_scanned": 1,
        "findings": [],
        "notices": [],
    }
