"""Which commit first held each finding: the walk shared by the CLI's history scan and the bot's.

A secret that stays in a file across many commits is one finding, named by its fingerprint, introduced by
the first commit (in the walk's order, oldest first) whose version of the file holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from bot.core.findings import Finding

C = TypeVar("C")


def introduced_by(walk: Iterable[tuple[C, Sequence[Finding]]]) -> dict[str, tuple[Finding, C]]:
    """fingerprint -> (the finding as that commit had it, the commit), for commits oldest first."""
    origin: dict[str, tuple[Finding, C]] = {}
    for commit, findings in walk:
        for finding in findings:
            origin.setdefault(finding.fingerprint, (finding, commit))
    return origin
