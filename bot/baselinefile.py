"""Baseline files: the findings a repository already had when it adopted the scanner, by fingerprint.

A team adopting the bot on a repository with known findings records them once (`scan --write-baseline`)
and from then on is told only about new ones (`scan --baseline`), while it works the old ones off. The file
holds what every report already shows and nothing more: keyed fingerprints, redacted previews, paths and
rule ids; never a value. It is sorted and written the same way every time, so it diffs cleanly in review.

Fingerprints are keyed, so a baseline only matches scans made with the same key. The file records a keyed
digest of a fixed label (`key_id`, which reveals nothing about the key); a baseline read with another key is
an error, not a silent flood of "new" findings or, worse, a silent match of nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from pathlib import Path

from bot import __version__
from bot.core.findings import Finding

VERSION = 1
MAX_BYTES = 16 << 20
_KEY_ID_LABEL = b"serverless-secrets-bot/baseline/key-id/v1"


class BaselineError(Exception):
    """A baseline that cannot be used; the message names the file and the problem, never a value."""


def key_id(key: bytes) -> str:
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def render_baseline(findings: Iterable[Finding], key: bytes) -> str:
    """The baseline document: one entry per fingerprint, sorted by path, rule and fingerprint."""
    entries = {
        finding.fingerprint: {
            "fingerprint": finding.fingerprint,
            "path": finding.path,
            "rule": finding.rule,
            "redacted": finding.redacted,
        }
        for finding in findings
    }
    ordered = sorted(entries.values(), key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    document = {
        "version": VERSION,
        "generated_by": f"secrets-bot {__version__}",
        "key_id": key_id(key),
        "findings": ordered,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_baseline(path: Path, key: bytes) -> frozenset[str]:
    """The fingerprints a baseline file lists; `BaselineError` when it cannot be read or trusted."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {error.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise BaselineError(f"baseline {path} is over {MAX_BYTES} bytes")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise BaselineError(f"baseline {path} is not JSON") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"baseline {path}: not a version {VERSION} secrets-bot baseline")
    if document.get("key_id") != key_id(key):
        raise BaselineError(
            f"baseline {path} was written with another fingerprint key: scan with the key it was written "
            "with (SECRETS_BOT_FINGERPRINT_KEY or --fingerprint-key-file), or write it again"
        )
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str) for entry in entries
    ):
        raise BaselineError(f"baseline {path}: `findings` must be a list of objects with a fingerprint")
    return frozenset(entry["fingerprint"] for entry in entries)
