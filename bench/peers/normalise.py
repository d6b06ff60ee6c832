"""Each peer's JSON report -> `PeerFinding(tool, path, line, rule)`, with every matched value dropped.

One small function per tool, pure (text in, findings out) so tests can feed them inline samples. Only the
fields named below are read; the tools' `Secret`/`Match`/`value`/`context`/`line` text never leaves this
module. Paths become relative to the scanned directory, written with forward slashes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# checkov's other checks are configuration advice (encryption, DLQ, ...), not secrets; these are its
# hard-coded-secret checks for the serverless and cloudformation frameworks
CHECKOV_SECRET_CHECKS = frozenset({"CKV_AWS_41", "CKV_AWS_45", "CKV_AWS_46"})


# our severities that count as a finding; `low` is advice the bot does not report as a secret
COUNTED_SEVERITIES = frozenset({"medium", "high"})


@dataclass(frozen=True, order=True)
class PeerFinding:
    """A finding of any tool. Peers report one line; we report a span (a PEM key), hence `end_line`."""

    tool: str
    path: str
    line: int
    rule: str
    end_line: int = 0

    @property
    def last_line(self) -> int:
        return max(self.line, self.end_line)

    def as_dict(self) -> dict[str, object]:
        document = asdict(self)
        if self.end_line <= self.line:
            del document["end_line"]
        return document


def relative(path: str, target: Path) -> str:
    """`path` as reported by a tool (absolute, `./x`, `/x` under checkov, or bare) relative to `target`."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.relative_to(target).as_posix()
        except ValueError:
            pass  # checkov writes "/NNN/file" relative to -d; handled below
    return PurePosixPath(path.replace("\\", "/").lstrip("/")).as_posix().removeprefix("./")


def ours(raw: str, target: Path) -> list[PeerFinding]:
    """`secrets-bot scan DIR --format json`: findings of severity medium and high, with their span."""
    return [
        PeerFinding(
            "secrets-bot",
            relative(item["path"], target),
            int(item["line"]),
            item["rule"],
            int(item["end_line"]),
        )
        for item in (_json(raw) or {}).get("findings", [])
        if item["severity"] in COUNTED_SEVERITIES
    ]


def gitleaks(raw: str, target: Path) -> list[PeerFinding]:
    return [
        PeerFinding("gitleaks", relative(item["File"], target), int(item["StartLine"]), item["RuleID"])
        for item in _json(raw) or []
    ]


def detect_secrets(raw: str, target: Path) -> list[PeerFinding]:
    results: dict[str, list[dict[str, Any]]] = (_json(raw) or {}).get("results", {})
    return [
        PeerFinding("detect-secrets", relative(file, target), int(item["line_number"]), item["type"])
        for file, items in results.items()
        for item in items
    ]


def trufflehog3(raw: str, target: Path) -> list[PeerFinding]:
    return [
        PeerFinding("trufflehog3", relative(item["path"], target), int(item["line"]), item["rule"]["id"])
        for item in _json(raw) or []
    ]


def credsweeper(raw: str, target: Path) -> list[PeerFinding]:
    """One finding per line a candidate spans (a PEM key or a split key/value reports several)."""
    return [
        PeerFinding("credsweeper", relative(data["path"], target), int(data["line_num"]), item["rule"])
        for item in _json(raw) or []
        for data in item["line_data_list"]
    ]


def whispers(raw: str, target: Path) -> list[PeerFinding]:
    return [
        PeerFinding("whispers", relative(item["file"], target), int(item["line"]), item["rule_id"])
        for item in _json(raw) or []
    ]


def checkov(raw: str, target: Path) -> list[PeerFinding]:
    """Secret checks only, from the one report per framework that `-o json` prints."""
    document = _json(raw) or []
    reports = document if isinstance(document, list) else [document]
    return [
        PeerFinding("checkov", relative(check["file_path"], target), int(check["file_line_range"][0]), rule)
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
        if (rule := check["check_id"]).startswith("CKV_SECRET_") or rule in CHECKOV_SECRET_CHECKS
    ]


def secretlint(raw: str, target: Path) -> list[PeerFinding]:
    return [
        PeerFinding(
            "secretlint",
            relative(result["filePath"], target),
            int(message["loc"]["start"]["line"]),
            message["ruleId"].removeprefix("@secretlint/secretlint-rule-"),
        )
        for result in _json(raw) or []
        for message in result.get("messages", [])
    ]


def _json(raw: str) -> Any:
    """The JSON document in `raw`, or None when the tool wrote nothing (no file scanned, no finding)."""
    text = raw.strip()
    return json.loads(text) if text else None
