from __future__ import annotations

import json
import re
from pathlib import Path

from bot.core.findings import Remediation, ScanResult
from bot.reports.json_report import render_json
from tests.reports.sample import FINDING_KEYS, PASSWORD, SSM_FIX, TOKEN, sample_results


def test_document_has_exactly_the_documented_shape() -> None:
    document = json.loads(render_json(sample_results(), files_scanned=4))
    assert set(document) == {"files_scanned", "files_unreadable", "findings", "notices"}
    assert document["files_scanned"] == 4
    assert len(document["findings"]) == 3
    for finding in document["findings"]:
        assert set(finding) == FINDING_KEYS
        assert set(finding["remediation"]) == REMEDIATION_KEYS


REMEDIATION_KEYS = set(Remediation._fields)
DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_every_remediation_field_is_in_the_json_and_documented() -> None:
    """The JSON says all the text report says: a new `Remediation` field reaches both, and the docs."""
    assert {"replacement", "store_command", "docs", "runtime_hint"} <= REMEDIATION_KEYS
    section = DOCS.read_text().split("### JSON output")[1].split("\n## ")[0]
    documented = set(re.findall(r"^\| `(?:remediation\.)?([a-z_]+)` \|", section, re.MULTILINE))
    assert FINDING_KEYS | REMEDIATION_KEYS | {"files_scanned", "files_unreadable", "notices"} <= documented


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
        "runtime_hint": "fetch it at runtime with the SSM GetParameter API",
    }
    no_fix = document["findings"][0]
    assert no_fix["remediation"] == dict.fromkeys(REMEDIATION_KEYS)


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
        "files_unreadable": 0,
        "findings": [],
        "notices": [],
    }


def test_unreadable_count() -> None:
    assert json.loads(render_json([], files_scanned=0, files_unreadable=2))["files_unreadable"] == 2
