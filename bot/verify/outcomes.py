"""A finding with its verification outcome: value-free facts, and `critical` for a credential that works."""

from __future__ import annotations

from bot.core.findings import CHECKED_AT_FACT, VALIDITY_FACT, Finding, Severity, Validity
from bot.verify.limits import Outcome


def with_outcome(finding: Finding, outcome: Outcome) -> Finding:
    """Active raises the severity to critical; inactive and unknown keep it (the value was exposed)."""
    facts = tuple(fact for fact in finding.extra if fact[0] not in (VALIDITY_FACT, CHECKED_AT_FACT))
    when = outcome.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    severity = Severity.CRITICAL if outcome.validity is Validity.ACTIVE else finding.severity
    return finding._replace(
        severity=severity,
        extra=(*facts, (VALIDITY_FACT, outcome.validity.value), (CHECKED_AT_FACT, when)),
    )
