"""The `--format json` document: the bot and the benchmarks read it, so its shape is a public contract.

Finding objects carry exactly the documented keys (docs/configuration.md, "JSON output"), the same keys for
every finding, null where a finding has no such advice. `remediation` holds every field of `Remediation`,
so the JSON never says less than the text report (the fix, the store command, the rotation and runtime
hint, the docs). File notices travel beside the findings under `notices`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.findings import Finding, Notice, Remediation, ScanResult
from bot.reports import validity
from bot.reports.jsontext import dumps_indented
from bot.reports.provenance import Provenance

REMEDIATION_KEYS = Remediation._fields


def render_json(
    results: Sequence[ScanResult],
    files_scanned: int,
    *,
    files_unreadable: int = 0,
    provenance: Mapping[Finding, Provenance] | None = None,
    commits: int | None = None,
) -> str:
    """A history scan passes each finding's `provenance` and the `commits` walked (`commits_scanned`)."""
    findings = sorted((f for result in results for f in result.findings), key=Finding.sort_key)
    notices = sorted((n for result in results for n in result.notices), key=lambda n: (n.path, n.line or 0))
    origins = provenance or {}
    document: dict[str, Any] = {
        "files_scanned": files_scanned,
        "files_unreadable": files_unreadable,
        "findings": [finding_to_dict(finding, origins.get(finding)) for finding in findings],
        "notices": [notice_to_dict(notice) for notice in notices],
    }
    if commits is not None:
        document["commits_scanned"] = commits
    return dumps_indented(document) + "\n"  # json.dumps(document, indent=2, ensure_ascii=False)


def finding_to_dict(finding: Finding, origin: Provenance | None = None) -> dict[str, Any]:
    """`commit`, `author`, `author_date` and `in_head` are null outside a history scan."""
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
        "remediation": {key: getattr(remediation, key, None) for key in REMEDIATION_KEYS},
        "commit": origin.commit if origin else None,
        "author": origin.author if origin else None,
        "author_date": origin.author_date if origin else None,
        "in_head": origin.in_head if origin else None,
        **validity.json_fields(finding),
    }


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    return {"path": notice.path, "kind": str(notice.kind), "message": notice.message, "line": notice.line}
