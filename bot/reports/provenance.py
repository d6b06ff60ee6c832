"""Where a finding from a git history scan came from: the commit that introduced it, and whether it is gone.

The renderers take these beside the findings (keyed by finding), so that `Finding` stays what every scan
produces and only history scans add the commit.
"""

from __future__ import annotations

from typing import NamedTuple


class Provenance(NamedTuple):
    commit: str  # the full id of the oldest commit whose blob holds the finding
    author: str  # that commit's author name (never the e-mail)
    author_date: str  # ISO 8601
    in_head: bool  # the same fingerprint is in a manifest at HEAD

    @property
    def short(self) -> str:
        return self.commit[:7]


class Repository(NamedTuple):
    """What a SARIF report says about the repository scanned (`versionControlProvenance`)."""

    uri: str  # the origin remote without credentials, else the local root's file URI
    revision: str | None  # HEAD's commit id; None in an empty repository
