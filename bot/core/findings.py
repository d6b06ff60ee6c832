"""Findings and file notices: what a scan says, and nothing it must not say.

A `Finding` never holds the secret value. It carries a redacted preview (at most a short prefix and suffix,
never more than a quarter of the value) and a fingerprint keyed with a secret the caller holds, from which
the value can be neither recovered nor guessed, so it can travel to reports, queues and GitHub without
leaking what it points at.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    # Only verification gives it: a value its provider accepted when checked (`bot.verify`). No rule can
    # claim it, as a pattern alone cannot tell a live key from a revoked one.
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "never")


def meets(severity: Severity, fail_on: str) -> bool:
    """True when `severity` is at or above the `fail_on` threshold (`never` is never met)."""
    if fail_on == "never":
        return False
    return severity.rank >= Severity(fail_on).rank


class Validity(StrEnum):
    """What a provider said of a value when asked (`bot.verify`); a value-free fact in `Finding.extra`."""

    ACTIVE = "active"  # accepted: the credential opens doors now
    INACTIVE = "inactive"  # rejected as documented (revoked, deleted, never valid): exposed all the same
    UNKNOWN = "unknown"  # no answer that tells: network error, timeout, throttled, server error, not tried


VALIDITY_FACT = "validity"  # Finding.extra key: a `Validity` value
CHECKED_AT_FACT = "checked_at"  # Finding.extra key: when it was checked, ISO 8601 UTC to the second


def validity_of(finding: Finding) -> tuple[Validity, str] | None:
    """(outcome, when checked) of a verified finding; None when nobody asked its provider."""
    facts = dict(finding.extra)
    raw = facts.get(VALIDITY_FACT)
    if raw is None:
        return None
    return Validity(raw), facts.get(CHECKED_AT_FACT, "")


class NoticeKind(StrEnum):
    """File-level outcomes that are not findings but must never be silent."""

    PARSE_ERROR = "parse-error"
    TOO_LARGE = "too-large"
    BINARY = "binary"
    INVALID_UTF8 = "invalid-utf8"
    ALIAS_LIMIT = "alias-limit"
    DEPTH_LIMIT = "depth-limit"
    UNREADABLE = "unreadable"
    CONFIG_ERROR = "config-error"
    INTERNAL_ERROR = "internal-error"  # the scanner raised; the file was read line by line instead
    BUDGET = "budget"  # the per-file work budget ran out before every value was judged
    LEGACY_FINGERPRINT = "legacy-fingerprint"  # an allowlist entry in the v1 format hid a finding
    TRUNCATED = "truncated"  # more findings than the per-file cap; the rest are counted, not listed
    NOT_SCANNED = "not-scanned"  # the file exists but was never read (e.g. past GitHub's listing caps)
    FILE_TARGET = "file-target"  # a `${file()}` target not followed: absent, outside the repository, ...


# Notices after which a file's coverage is incomplete: part or all of it was never judged, so a scan that
# carries one is never reported clean (see `ScanResult.complete` and the `incomplete` setting).
INCOMPLETE_KINDS = frozenset(
    {
        NoticeKind.TOO_LARGE,
        NoticeKind.BINARY,
        NoticeKind.UNREADABLE,
        NoticeKind.INTERNAL_ERROR,
        NoticeKind.BUDGET,
        NoticeKind.NOT_SCANNED,
    }
)
INCOMPLETE_CHOICES = ("fail", "neutral")
PR_FAILS_ON_CHOICES = ("introduced", "all")  # a pull request fails on what it adds, or on everything
WAIVER_CHOICES = ("allow", "report", "deny")  # ignore comments a pull request adds: silent, shown, refused


class Notice(NamedTuple):
    path: str
    kind: NoticeKind
    message: str
    line: int | None = None


class Remediation(NamedTuple):
    """How to fix one finding. None of these strings contains the secret value."""

    # The whole replacement line (same key, indentation and quoting); None when no one-line fix exists.
    replacement: str | None
    store_command: str | None  # stores the value, reading it from an environment variable or stdin
    docs: str
    runtime_hint: str | None = None


class Finding(NamedTuple):
    path: str
    line: int  # 1-based line of the literal value
    column: int  # 1-based
    end_line: int
    key: str  # dotted key path, e.g. provider.environment.GITHUB_API_KEY
    rule: str  # stable kebab-case rule id
    severity: Severity
    message: str
    redacted: str
    fingerprint: str
    remediation: Remediation | None = None
    platform: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # small value-free facts: ("consumer", "ENV")

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


class Suppressed(NamedTuple):
    """A finding that an inline ignore comment hides. Kept, not dropped, so that a caller can tell a waiver
    already on the base branch (silent) from one a pull request adds (shown to its reviewers)."""

    finding: Finding
    comment_line: int  # 1-based line of the ignore comment: the finding's line or the one above


class ScanResult(NamedTuple):
    path: str
    platform: str | None  # None when the file is not a manifest we understand
    findings: tuple[Finding, ...] = ()
    notices: tuple[Notice, ...] = ()
    omitted: int = 0  # findings past the per-file cap: counted (they still fail the scan), not listed
    suppressed: tuple[Suppressed, ...] = ()  # hidden by inline ignore comments; never reported as findings

    @property
    def complete(self) -> bool:
        """False when part of the file was never judged: such a file must never pass as clean."""
        return not any(notice.kind in INCOMPLETE_KINDS for notice in self.notices)


def redact(value: str) -> str:
    """A preview that shows at most a quarter of the value, split between a short prefix and suffix."""
    shown = min(len(value) // 4, 8)
    if shown < 2:
        return "*" * min(len(value), 8) or "(empty)"
    head = (shown + 1) // 2
    tail = shown - head
    return f"{value[:head]}{'*' * 8}{value[len(value) - tail :] if tail else ''}"


# A published fingerprint is an HMAC-SHA256 under a key that only the server (or the CLI user) holds. With a
# secret 32-byte key a guess cannot be checked without the key, so a dictionary attack on a weak password is
# impossible for whoever sees only the fingerprint, and a slow hash (PBKDF2) would add cost and no strength.
# The version prefix tells these apart from the legacy (v1) fingerprints: PBKDF2 under a salt fixed in the
# source, which anyone can recompute, so a short password could be recovered from one with a word list.
FINGERPRINT_PREFIX = "v2-"
_FINGERPRINT_DOMAIN = b"serverless-secrets-bot/fingerprint/v2\0"
_LEGACY_SALT = b"serverless-secrets-bot/fingerprint/v1"


def fingerprint(*, path: str, key: str, rule: str, value: str, fingerprint_key: bytes) -> str:
    """Stable across line moves (no line number in it), different per file, key path, rule and
    `fingerprint_key`; without that key it can neither be reversed nor matched against guesses.

    The core never invents a key: the caller passes the server's or the CLI user's. An empty key (tests,
    `ScanConfig()`) gives fingerprints anyone can recompute, so every entry point sets one."""
    # JSON with ASCII escapes: an unambiguous encoding of the four parts, lone surrogates included.
    message = json.dumps([path, key, rule, value], ensure_ascii=True).encode("ascii")
    # The one-shot `hmac.digest` (OpenSSL's, no Python-level HMAC object): a third of the cost, same MAC.
    mac = hmac.digest(fingerprint_key, _FINGERPRINT_DOMAIN + message, "sha256")
    return FINGERPRINT_PREFIX + mac.hex()[:32]


def is_legacy_fingerprint(entry: str) -> bool:
    """True for an allowlist entry written under the v1 scheme (32 hex digits, no version prefix)."""
    return not entry.startswith(FINGERPRINT_PREFIX)


def legacy_fingerprint(*, path: str, key: str, rule: str, value: str) -> str:
    """The v1 fingerprint, only to honour allowlist entries written before v2; never published anew."""
    # surrogatepass: a JSON `\ud800` escape decodes to a lone surrogate, which plain UTF-8 cannot encode.
    digest = hashlib.pbkdf2_hmac("sha256", value.encode("utf-8", "surrogatepass"), _LEGACY_SALT, 2_000)
    mac = hmac.new(digest, f"{path}\0{key}\0{rule}".encode("utf-8", "surrogatepass"), hashlib.sha256)
    return mac.hexdigest()[:32]
