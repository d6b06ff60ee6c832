"""Hard-coded secrets and advisories, told apart wherever findings are counted or titled.

An advisory (`bot.core.advisories`) is advice about how a secret is handled (a shared environment, a missing
NoEcho), not a secret in the file: it is never titled or counted as a hard-coded secret, carries no value
preview and never asks for a rotation.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.advisories import ADVISORY_IDS
from bot.core.findings import Finding


def is_advisory(finding: Finding) -> bool:
    return finding.rule in ADVISORY_IDS


def split(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(secrets, advisories), each in the order given."""
    secrets: list[Finding] = []
    advisories: list[Finding] = []
    for finding in findings:
        (advisories if is_advisory(finding) else secrets).append(finding)
    return secrets, advisories


def secrets_phrase(count: int) -> str:
    return f"{count} hard-coded secret{'s' if count != 1 else ''}"


def advisories_phrase(count: int) -> str:
    return f"{count} advisor{'ies' if count != 1 else 'y'}"


def counted(secrets: int, advisories: int) -> str:
    """ "3 hard-coded secrets and 2 advisories", leaving out a kind that has none ("" for neither)."""
    parts = [secrets_phrase(secrets) if secrets else "", advisories_phrase(advisories) if advisories else ""]
    return " and ".join(part for part in parts if part)
