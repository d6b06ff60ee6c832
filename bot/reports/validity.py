"""What verification found, in the words every report uses (check run, review comment, SARIF, text, JSON).

An active credential is the emergency: its line says when it was checked and to rotate it now. An inactive
one was still exposed, so it stays reported and says that its provider rejected it; an unknown outcome says
that nobody could tell. The time is the check's, in UTC; the value itself never reaches this module.
"""

from __future__ import annotations

from bot.core.findings import Finding, Validity, validity_of


def note(finding: Finding) -> str | None:
    """One sentence about the finding's verification, or None when it was not checked."""
    verified = validity_of(finding)
    if verified is None:
        return None
    validity, when = verified
    at = when_text(when)
    if validity is Validity.ACTIVE:
        return f"Verified active at {at}: rotate now."
    if validity is Validity.INACTIVE:
        return f"Verified inactive at {at}: its provider rejected it (revoked?); it was exposed all the same."
    return f"Could not be verified at {at} (its provider gave no clear answer)."


def when_text(iso: str) -> str:
    """`2026-12-07T08:30:00Z` as `2026-12-07 08:30:00 UTC`."""
    return iso.replace("T", " ").removesuffix("Z") + " UTC" if iso else "an unknown time"


def verified_active(finding: Finding) -> bool:
    verified = validity_of(finding)
    return verified is not None and verified[0] is Validity.ACTIVE


def json_fields(finding: Finding) -> dict[str, str | None]:
    """`verified` (active, inactive, unknown or null when not checked) and `verified_at` (ISO 8601, UTC)."""
    verified = validity_of(finding)
    if verified is None:
        return {"verified": None, "verified_at": None}
    return {"verified": str(verified[0]), "verified_at": verified[1] or None}
