"""`secrets-bot scan --verify`: the CLI's results with each checkable finding's outcome.

A history scan's finding that no manifest at HEAD still holds was found only in the history: it is checked
unless the operator said VERIFY_HISTORY=off. Provenance is keyed by finding, so it is carried over to the
verified findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.findings import Finding, ScanResult
from bot.reports.provenance import Provenance

if TYPE_CHECKING:  # the CLI imports this module on every scan: httpx only when --verify asks for it
    from bot.verify.verifier import Session


def verify_results(
    results: Sequence[ScanResult], provenance: Mapping[Finding, Provenance], session: Session
) -> tuple[list[ScanResult], dict[Finding, Provenance]]:
    verified: list[ScanResult] = []
    origins: dict[Finding, Provenance] = {}
    for result in results:
        findings = []
        for finding in result.findings:
            origin = provenance.get(finding)
            only_in_history = origin is not None and not origin.in_head
            checked = session.apply_history((finding,)) if only_in_history else session.apply((finding,))
            found = checked[0] if checked else finding
            if origin is not None:
                origins[found] = origin
            findings.append(found)
        verified.append(replace(result, findings=tuple(findings)))
    return verified, origins
