"""Where the key of published fingerprints comes from (`bot.core.findings.fingerprint` is keyed with it).

The server reads `FINGERPRINT_KEY` (written to `.env` by the setup page), or, in a deployment configured
before that setting existed, derives one from the App's private key: a secret every such deployment already
holds and shares between its processes, so no install breaks and no process can pick a key of its own. The
CLI reads `SECRETS_BOT_FINGERPRINT_KEY` or a key file of the user's, created on first use with mode 0600.
A key is 32 random bytes or more, written as hex or base64; it is never logged or shown.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path

KEY_BYTES = 32
ENV_NAME = "FINGERPRINT_KEY"
CLI_ENV_NAME = "SECRETS_BOT_FINGERPRINT_KEY"
_DERIVATION_LABEL = b"serverless-secrets-bot/fingerprint-key/from-private-key/v1"
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


class BadKey(ValueError):
    """A key that is too short or not hex/base64; the message never quotes it."""


def new_key() -> bytes:
    import secrets  # here, as `tempfile` below: a scan with a key given never makes one (start-up, issue 16)

    return secrets.token_bytes(KEY_BYTES)


def new_key_text() -> str:
    """A fresh key as 64 hex digits, the form `.env` and key files hold."""
    return new_key().hex()


def parse_key(text: str) -> bytes:
    """The key's bytes from hex or base64 text; `BadKey` unless it holds at least 32 bytes."""
    text = text.strip()
    try:
        raw = (
            bytes.fromhex(text)
            if text and set(text) <= _HEX_DIGITS
            else base64.b64decode(text, validate=True)
        )
    except (ValueError, binascii.Error):
        raise BadKey("is not hex or base64") from None
    if len(raw) < KEY_BYTES:
        raise BadKey(f"must hold at least {KEY_BYTES} random bytes (64 hex digits)")
    return raw


def derived_from_private_key(pem: str) -> bytes:
    """A stable key from the App's private key: the same in every process that holds that key, however the
    PEM was written (line breaks, a file or an inline value), and independent of it by a one-way HMAC."""
    body = "".join(line.strip() for line in pem.splitlines() if line.strip() and not line.startswith("-----"))
    return hmac.new(_DERIVATION_LABEL, body.encode("ascii", "replace"), hashlib.sha256).digest()


def user_key_path(environ: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/secrets-bot/fingerprint.key`, by default under `~/.config`."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base) / "secrets-bot" / "fingerprint.key"


def load_or_create_key_file(path: Path) -> bytes:
    """The key in `path`, creating the file (0600, parent 0700) with a fresh key when it does not exist.

    The new key is written to a private temporary file and then hard-linked into place, which fails if the
    file appeared meanwhile: two first runs agree on one key, and nobody ever reads a half-written file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        import tempfile

        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(new_key_text() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return parse_key(path.read_text(encoding="ascii"))
