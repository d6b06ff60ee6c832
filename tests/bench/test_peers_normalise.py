"""The normalisers keep tool, path, line and rule, make paths relative, and drop every matched value."""

from __future__ import annotations

import json
from pathlib import Path

from bench.peers import normalise
from bench.peers.normalise import PeerFinding

TARGET = Path("/scan/files")
VALUE = "s3cr" + "etV4lue" * 3  # stands in for a matched secret: it must never come out


def _no_value(findings: list[PeerFinding]) -> None:
    assert findings
    assert all(VALUE not in json.dumps(finding.as_dict()) for finding in findings)


def test_gitleaks_absolute_paths_become_relative() -> None:
    raw = json.dumps(
        [
            {
                "RuleID": "generic-api-key",
                "File": "/scan/files/001-sam/template.yaml",
                "StartLine": 18,
                "Secret": VALUE,
                "Match": "key: " + VALUE,
            }
        ]
    )
    findings = normalise.gitleaks(raw, TARGET)
    assert findings == [PeerFinding("gitleaks", "001-sam/template.yaml", 18, "generic-api-key")]
    _no_value(findings)


def test_detect_secrets_reads_results_per_file() -> None:
    raw = json.dumps(
        {
            "version": "1.5.0",
            "results": {
                "002-x/serverless.yml": [
                    {
                        "type": "Secret Keyword",
                        "filename": "002-x/serverless.yml",
                        "line_number": 7,
                        "hashed_secret": "0" * 40,
                    }
                ]
            },
        }
    )
    assert normalise.detect_secrets(raw, TARGET) == [
        PeerFinding("detect-secrets", "002-x/serverless.yml", 7, "Secret Keyword")
    ]


def test_trufflehog3_line_given_as_text_becomes_an_int() -> None:
    raw = json.dumps(
        [
            {
                "rule": {"id": "high-entropy", "severity": "MEDIUM"},
                "path": "003-y/.env.yaml",
                "line": "23",
                "secret": VALUE,
                "context": {"23": "KEY: " + VALUE},
            }
        ]
    )
    findings = normalise.trufflehog3(raw, TARGET)
    assert findings == [PeerFinding("trufflehog3", "003-y/.env.yaml", 23, "high-entropy")]
    _no_value(findings)


def test_credsweeper_reports_every_line_of_a_candidate() -> None:
    lines = [{"path": "./004-z/key.yml", "line_num": n, "line": VALUE, "value": VALUE} for n in (3, 4)]
    raw = json.dumps([{"rule": "PEM Private Key", "severity": "high", "line_data_list": lines}])
    findings = normalise.credsweeper(raw, TARGET)
    assert [(f.path, f.line) for f in findings] == [("004-z/key.yml", 3), ("004-z/key.yml", 4)]
    _no_value(findings)


def test_whispers_keeps_rule_id() -> None:
    raw = json.dumps(
        [{"file": "005-w/.env.yaml", "line": 2, "rule_id": "password", "key": "DB", "value": VALUE}]
    )
    findings = normalise.whispers(raw, TARGET)
    assert findings == [PeerFinding("whispers", "005-w/.env.yaml", 2, "password")]
    _no_value(findings)


def test_checkov_keeps_secret_checks_only_and_strips_its_leading_slash() -> None:
    def check(check_id: str, path: str, start: int) -> dict[str, object]:
        return {"check_id": check_id, "file_path": path, "file_line_range": [start, start + 1]}

    secrets = {
        "check_type": "secrets",
        "results": {"failed_checks": [check("CKV_SECRET_6", "/006-s/a.yml", 25)]},
    }
    cfn = {
        "check_type": "cloudformation",
        "results": {
            "failed_checks": [check("CKV_AWS_116", "/006-s/a.yml", 5), check("CKV_AWS_45", "/006-s/a.yml", 9)]
        },
    }
    findings = normalise.checkov(json.dumps([secrets, cfn]), TARGET)
    assert [(f.path, f.line, f.rule) for f in findings] == [
        ("006-s/a.yml", 25, "CKV_SECRET_6"),
        ("006-s/a.yml", 9, "CKV_AWS_45"),
    ]


def test_checkov_single_framework_report_is_an_object() -> None:
    report = {
        "check_type": "secrets",
        "results": {
            "failed_checks": [
                {"check_id": "CKV_SECRET_2", "file_path": "/a/b.json", "file_line_range": [4, 5]}
            ]
        },
    }
    assert normalise.checkov(json.dumps(report), TARGET) == [
        PeerFinding("checkov", "a/b.json", 4, "CKV_SECRET_2")
    ]


def test_secretlint_shortens_rule_ids() -> None:
    message = {
        "ruleId": "@secretlint/secretlint-rule-database-connection-string",
        "loc": {"start": {"line": 6, "column": 27}},
        "message": "found " + VALUE,
    }
    raw = json.dumps(
        [
            {"filePath": "/scan/files/007-a/local.settings.json", "messages": [message]},
            {"filePath": "/scan/files/008-b/serverless.yml", "messages": []},
        ]
    )
    findings = normalise.secretlint(raw, TARGET)
    assert findings == [
        PeerFinding("secretlint", "007-a/local.settings.json", 6, "database-connection-string")
    ]
    _no_value(findings)


def test_ours_counts_medium_and_high_and_keeps_the_span() -> None:
    def finding(severity: str, line: int, end_line: int) -> dict[str, object]:
        return {
            "path": "009-c/template.yaml",
            "line": line,
            "end_line": end_line,
            "rule": "r",
            "severity": severity,
            "redacted": "s3****",
        }

    raw = json.dumps(
        {
            "files_scanned": 1,
            "findings": [finding("low", 1, 1), finding("medium", 3, 3), finding("high", 10, 40)],
        }
    )
    findings = normalise.ours(raw, TARGET)
    assert [(f.line, f.last_line) for f in findings] == [(3, 3), (10, 40)]
    assert findings[1].as_dict()["end_line"] == 40
    assert "end_line" not in findings[0].as_dict()


def test_an_empty_report_is_no_finding() -> None:
    assert normalise.gitleaks("", TARGET) == []
    assert normalise.detect_secrets("  \n", TARGET) == []
