"""The `--format json` document: the bot and the benchmarks read it, so its shape is a public contract.

Finding objects carry exactly the documented keys; file notices travel beside them under `notices`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core.findings import Finding, Notice, ScanResult


def render_json(results: Sequence[ScanResult], files_scanned: int) -> str:
    findings = sorted((f for result in results for f in result.findings), key=Finding.sort_key)
    notices = sorted((n for result in results for n in result.notices), key=lambda n: (n.path, n.line or 0))
    document = {
        "files_scanned": files_scanned,
        "findings": [finding_to_dict(finding) for finding in findings],
        "notices": [notice_to_dict(notice) for notice in notices],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    remediation = finding.remediation
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "key": finding.key,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "remediation": {
            "replacement": remediation.replacement if remediation else None,
            "store_command": remediation.store_command if remediation else None,
            "docs": remediation.docs if remediation else None,
        },
    }


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    return {"path": notice.path, "kind": str(notice.kind), "message": notice.message, "line": notice.line}
