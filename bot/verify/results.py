"""`secrets-bot scan --verify`: the CLI's results with each checkable finding's outcome.

A history scan's finding that no manifest at HEAD still holds was found only in the history: it is checked
unless the operator said VERIFY_HISTORY=off. Provenance is keyed by finding, so it is carried over to the
verified findings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.core.findings import Finding, ScanResult
from bot.reports.provenance import Provenance

if TYPE_CHECKING:  # the CLI imports this module on every scan: httpx only when --verify asks for it
    from bot.verify.verifier import Session


def verify_results(
    results: Sequence[ScanResult], provenance: Mapping[Finding, Provenance], session: Session
) -> tuple[list[ScanResult], dict[Finding, Provenance]]:
    """Checked together, so that an AWS key id and its secret pair up wherever each was found."""
    listed = [finding for result in results for finding in result.findings]
    gone = {id(f) for f in listed if (origin := provenance.get(f)) is not None and not origin.in_head}
    current = [finding for finding in listed if id(finding) not in gone]
    history = [finding for finding in listed if id(finding) in gone]
    now, past = session.apply_with_history(current, history)
    checked = dict(zip(map(id, current), now, strict=True))
    if past is not None:
        checked.update(zip(map(id, history), past, strict=True))
    verified = [
        result._replace(findings=tuple(checked.get(id(f), f) for f in result.findings)) for result in results
    ]
    origins = {checked.get(id(f), f): provenance[f] for f in listed if f in provenance}
    return verified, origins
