"""The current filter's findings as CSV and as SARIF: redacted previews and fingerprints, never a value.

CSV: every cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
carriage return, as OWASP lists) is prefixed with `'`, so a file name or rule planted in a repository cannot
run in the analyst's spreadsheet. SARIF: one run per repository, labelled like the scanner's own SARIF
(`bot.reports.sarif`: levels, security severity, the same partial fingerprint key).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot import __version__
from bot.core.findings import Severity
from bot.reports.sarif import (
    FINGERPRINT_KEY,
    INFORMATION_URI,
    SARIF_SCHEMA,
    level_of,
    security_severity_of,
)
from bot.store import StoredFinding
from bot.web.overview.links import line_url

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "repository",
    "path",
    "line",
    "rule",
    "severity",
    "platform",
    "state",
    "redacted",
    "fingerprint",
    "first_seen_sha",
    "first_seen_at",
    "fixed_at",
    "fix_pull_request",
    "url",
)


def inert_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(findings: Sequence[StoredFinding], web_url: str, scanned: Mapping[str, str | None]) -> str:
    output = io.StringIO()
    writer = csv.writer(output, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for finding in findings:
        row = (
            finding.repo,
            finding.path,
            str(finding.line),
            finding.rule,
            finding.severity,
            finding.platform,
            finding.state.value,
            finding.redacted,
            finding.fingerprint,
            finding.first_seen_sha,
            finding.first_seen_at.isoformat(),
            finding.fixed_at.isoformat() if finding.fixed_at else "",
            str(finding.fix_pull) if finding.fix_pull else "",
            line_url(web_url, finding, scanned.get(finding.repo)),
        )
        writer.writerow([inert_cell(cell) for cell in row])
    return output.getvalue()


def sarif_text(findings: Sequence[StoredFinding], web_url: str, scanned: Mapping[str, str | None]) -> str:
    by_repo: dict[str, list[StoredFinding]] = {}
    for finding in findings:
        by_repo.setdefault(finding.repo, []).append(finding)
    runs = [_run(repo, items, web_url, scanned.get(repo)) for repo, items in sorted(by_repo.items())]
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}, indent=2)


def _run(repo: str, findings: list[StoredFinding], web_url: str, sha: str | None) -> dict[str, Any]:
    rule_ids = sorted({finding.rule for finding in findings})
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "serverless-secrets-bot",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [{"id": rule, "name": rule} for rule in rule_ids],
            }
        },
        "automationDetails": {"id": f"overview/{repo}/"},
        "results": [_result(finding, rule_ids.index(finding.rule)) for finding in findings],
    }
    provenance: dict[str, Any] = {"repositoryUri": f"{web_url.rstrip('/')}/{repo}"}
    if sha:
        provenance["revisionId"] = sha
    run["versionControlProvenance"] = [provenance]
    return run


def _result(finding: StoredFinding, rule_index: int) -> dict[str, Any]:
    severity = (
        Severity(finding.severity) if finding.severity in Severity.__members__.values() else Severity.HIGH
    )
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": level_of(severity),
        "message": {"text": f"Hard-coded secret ({finding.rule}): {finding.redacted}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path},
                    "region": {"startLine": finding.line},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "security-severity": security_severity_of(severity),
            "state": finding.state.value,
            "firstSeen": finding.first_seen_at.isoformat(),
            "firstSeenCommit": finding.first_seen_sha,
        },
    }
