"""Why a file could not be read as a manifest. Each maps to a `NoticeKind`; none carries a value."""

from __future__ import annotations

from bot.core.findings import NoticeKind


class ManifestError(Exception):
    """A file that cannot be parsed or exceeds a limit. The scan still reports what it could."""

    def __init__(self, kind: NoticeKind, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
