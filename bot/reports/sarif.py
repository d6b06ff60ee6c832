"""SARIF 2.1.0 for GitHub code scanning: rules with help, results with stable partial fingerprints.

GitHub deduplicates alerts across runs by `partialFingerprints`; ours is the finding's fingerprint, which
stays put when lines move and from which the value cannot be recovered. Messages carry the redacted
preview only. File notices (parse errors, size limits) become `toolExecutionNotifications`, so that they
are never silent. Every location is relative to `%SRCROOT%`, the repository root, which GitHub code
scanning maps to its checkout of the repository; `originalUriBaseIds` says where that root was locally.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from bot import __version__
from bot.core.advisories import ADVISORY_DESCRIPTIONS, ADVISORY_DOCS
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult, Severity
from bot.reports import validity
from bot.reports.provenance import Provenance, Repository

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/serverless-secrets-bot/serverless-secrets-bot"
FINGERPRINT_KEY = "secretsBot/v1"
SOURCE_ROOT = "%SRCROOT%"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub maps security-severity to its own labels: >= 7.0 high, >= 4.0 medium, > 0 low.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.5",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}


def level_of(severity: Severity) -> str:
    """SARIF's `level` for a severity (the overview's export labels stored findings the same way)."""
    return _LEVELS[severity]


def security_severity_of(severity: Severity) -> str:
    """GitHub code scanning's `security-severity` score for a severity."""
    return _SECURITY_SEVERITY[severity]


@dataclass(frozen=True, slots=True)
class _Help:
    text: str
    markdown: str


_WHY = "A literal secret in a deployment manifest is readable by everyone with access to the repository."
_STEPS_TEXT = (
    "Store the value in the platform's secret store, replace the literal with a reference to it, and rotate "
    "the secret if it was ever pushed."
)
_STEPS_MARKDOWN = (
    "1. Store the value in the platform's secret store (the finding gives the command; it reads the value "
    "from an environment variable).\n"
    "2. Replace the literal with a reference (the finding gives the line).\n"
    "3. Rotate the secret if it was ever pushed."
)


class RuleInfo(Protocol):
    """The parts of a rule SARIF needs; `bot.core.rules.Rule` has them."""

    @property
    def id(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def docs(self) -> str: ...
    @property
    def kind(self) -> str: ...


class RuleCatalog(Protocol):
    @property
    def rules(self) -> Sequence[RuleInfo]: ...


def render_sarif(
    results: Sequence[ScanResult],
    ruleset: RuleCatalog,
    *,
    source_root: str | None = None,
    provenance: Mapping[Finding, Provenance] | None = None,
    repository: Repository | None = None,
) -> str:
    """`source_root`: the repository root as a `file:` URI ending in `/`, which every path is relative to.
    A history scan passes each finding's `provenance` (its commit goes in the result's `properties`) and
    the `repository` (`versionControlProvenance`: its URI, which the caller has stripped of credentials,
    and HEAD)."""
    findings = sorted((f for result in results for f in result.findings), key=Finding.sort_key)
    origins = provenance or {}
    rules = _rule_descriptors(findings, ruleset)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "secrets-bot",
                "fullName": "Serverless Secrets Bot",
                "informationUri": INFORMATION_URI,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [_invocation(results)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index[finding.rule], origins.get(finding)) for finding in findings],
    }
    if source_root is not None:
        run["originalUriBaseIds"] = {SOURCE_ROOT: {"uri": source_root}}
    if repository is not None:
        run["versionControlProvenance"] = [_version_control(repository)]
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule_descriptors(findings: Sequence[Finding], ruleset: RuleCatalog) -> list[dict[str, Any]]:
    """Every rule of the rule set, then the advisories, plus any other rule id a finding carries."""
    descriptors = [_rule_descriptor(rule) for rule in ruleset.rules]
    known = {rule.id for rule in ruleset.rules}
    for rule_id, description in ADVISORY_DESCRIPTIONS.items():
        if rule_id not in known:
            known.add(rule_id)
            descriptors.append(_advisory_descriptor(rule_id, description, ADVISORY_DOCS[rule_id]))
    for finding in findings:
        if finding.rule not in known:
            known.add(finding.rule)
            descriptors.append(_ad_hoc_descriptor(finding))
    return descriptors


def _rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    help_ = _Help(
        text=f"{rule.description}. {_WHY} {_STEPS_TEXT}",
        markdown=f"**{rule.description}**\n\n{_WHY}\n\n{_STEPS_MARKDOWN}",
    )
    return _descriptor(rule.id, rule.description, Severity(rule.severity), rule.docs, rule.kind, help_)


def _advisory_descriptor(rule_id: str, description: str, docs: str) -> dict[str, Any]:
    """Advice (scope, deprecated syntax, NoEcho) is about how a secret is handled: level note."""
    help_ = _Help(
        text=f"{description}: advice on how a secret is handled. Each result's message says what to change.",
        markdown=f"**{description}**\n\nAdvice on how a secret is handled. Each result's message says what "
        "to change.",
    )
    return _descriptor(rule_id, description, Severity.LOW, docs, "advice", help_)


def _ad_hoc_descriptor(finding: Finding) -> dict[str, Any]:
    """A rule id that neither the rule set nor the advisories list (a finding from an older rule set)."""
    description = finding.rule.replace("-", " ").capitalize()
    docs = finding.remediation.docs if finding.remediation else ""
    return _advisory_descriptor(finding.rule, description, docs)


def _descriptor(
    rule_id: str, description: str, severity: Severity, docs: str, kind: str, help_: _Help
) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {
            "text": f"{help_.text} See {docs}" if docs else help_.text,
            "markdown": f"{help_.markdown}\n\n[Documentation]({docs})" if docs else help_.markdown,
        },
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[severity],
            "tags": ["security", "secret", *([kind] if kind else [])],
            "precision": "high",
        },
    }
    if docs:
        descriptor["helpUri"] = docs
    return descriptor


def _message(finding: Finding) -> str:
    """Advice carries no value, so it names only the key."""
    shown = f"{finding.key} = {finding.redacted}" if finding.redacted else finding.key
    said = validity.note(finding)
    return f"{finding.message} ({shown})" + (f" {said}" if said else "")


def _version_control(repository: Repository) -> dict[str, Any]:
    details: dict[str, Any] = {"repositoryUri": repository.uri, "mappedTo": {"uriBaseId": SOURCE_ROOT}}
    if repository.revision is not None:
        details["revisionId"] = repository.revision
    return details


def _result(finding: Finding, rule_index: int, origin: Provenance | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": _physical_location(finding)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    replacement = finding.remediation.replacement if finding.remediation else None
    if replacement is not None:
        result["fixes"] = [_fix(finding, replacement)]
    properties: dict[str, Any] = {}
    if origin is not None:
        properties = {
            "commit": origin.commit,
            "author": origin.author,
            "authorDate": origin.author_date,
            "inHead": origin.in_head,
        }
    verified = validity.json_fields(finding)
    if verified["verified"] is not None:
        # GitHub reads security-severity from the rule; a verified-active result says so itself.
        properties |= {"verified": verified["verified"], "verifiedAt": verified["verified_at"]}
        if validity.verified_active(finding):
            properties["security-severity"] = _SECURITY_SEVERITY[Severity.CRITICAL]
    if properties:
        result["properties"] = properties
    return result


def _physical_location(finding: Finding) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(finding.path),
        "region": {
            "startLine": finding.line,
            "startColumn": max(finding.column, 1),
            "endLine": max(finding.end_line, finding.line),
        },
    }


def _fix(finding: Finding, replacement: str) -> dict[str, Any]:
    """Replace the finding's whole lines with the replacement line (a region without columns spans lines)."""
    return {
        "description": {"text": "Replace the literal with a reference to the secret store"},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(finding.path),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": finding.line,
                            "endLine": max(finding.end_line, finding.line),
                        },
                        "insertedContent": {"text": replacement.rstrip("\r\n")},
                    }
                ],
            }
        ],
    }


def _invocation(results: Sequence[ScanResult]) -> dict[str, Any]:
    notices = sorted((n for r in results for n in r.notices), key=lambda n: (n.path, n.line or 0))
    # A path that could not be read means the run did not do all it was asked to.
    successful = not any(n.kind is NoticeKind.UNREADABLE for n in notices)
    return {
        "executionSuccessful": successful,
        "toolExecutionNotifications": [_notification(n) for n in notices],
    }


def _notification(notice: Notice) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": _artifact(notice.path)}
    if notice.line is not None and notice.line >= 1:
        location["region"] = {"startLine": notice.line}
    return {
        "level": "warning",
        "message": {"text": notice.message},
        "descriptor": {"id": str(notice.kind)},
        "locations": [{"physicalLocation": location}],
    }


def _artifact(path: str) -> dict[str, Any]:
    return {"uri": quote(path, safe="/"), "uriBaseId": SOURCE_ROOT}
