"""Values shaped like secrets that are not: public by design, shared by every user, or one-way hashes.

Publishable keys, ids, ARNs, wallet addresses and browser-side site keys are printed in front-end code on
purpose; emulator keys are printed in vendor documentation; a password hash proves nothing without the
password. Reporting them teaches people to ignore the bot. Well-known values are compared by SHA-256
digest so that this file holds no key-shaped literal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json

from bot.core.heuristics import SecretKind, is_email, meaningful_words, secret_kind_of_key
from bot.core.keyids import is_provider_key_id
from bot.core.linear import LinearPattern

_PUBLIC_VALUE = LinearPattern(
    r"^(?:pk_(?:live|test)_[A-Za-z0-9]+"  # Stripe / Paystack publishable keys
    r"|FLWPUBK(?:_TEST)?-[A-Za-z0-9-]+"  # Flutterwave public key
    r"|arn:aws[a-z-]*:\S+"  # ARNs
    r"|(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-[a-z]+-\d"  # AWS regions
    r"|[a-z]{2}(?:-gov)?-[a-z]+-\d_[A-Za-z0-9]{9}"  # Cognito user pool ids
    r"|\d+-[a-z0-9]{32}\.apps\.googleusercontent\.com"  # Google OAuth client ids
    r"|InstrumentationKey=[0-9a-fA-F-]{36}(?:;(?:IngestionEndpoint|LiveEndpoint|ApplicationId)=[^;]*)*;?"
    r"|AC[0-9a-f]{32}"  # Twilio account SID
    r"|(?:G|UA|GTM|AW)-[A-Z0-9-]{4,}"  # analytics measurement ids
    r"|pk\.eyJ[A-Za-z0-9_.-]+"  # Mapbox public tokens
    r"|0x[0-9a-fA-F]{40}"  # EVM (Ethereum, Polygon...) account and contract addresses; keys have 64 digits
    r")$",
    # A literal of each alternative (`-` of regions, ids and FLWPUBK): most values hold none (issue 16).
    needs=("-", "pk", "arn:aws", "InstrumentationKey=", "AC", "0x"),
)
_IDENTIFIER_WORDS = frozenset({"id", "ids", "sid", "arn", "name", "region", "email", "username", "user"})
_PUBLIC_KEY_PAIRS = frozenset({("consumer", "key"), ("client", "key"), ("site", "key"), ("client", "id")})
_JWT = LinearPattern(r"^eyJ[A-Za-z0-9_-]+\.(?P<payload>eyJ[A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$", needs=("eyJ",))
# reCAPTCHA site keys and secret keys share one shape; the site key is the one embedded in every page. The
# value alone says neither: the key must name a captcha (or a site key) and must not say "secret".
_RECAPTCHA_KEY = LinearPattern(r"^6L[A-Za-z0-9_-]{38}$", needs=("6L",))
_CAPTCHA_WORDS = ("captcha", "site")  # also inside run-together words (`recaptchaSiteKey`, `HCAPTCHA_KEY`)
_SERVER_SIDE_WORDS = ("secret", "private", "server", "backend")
# Twelve digits are an AWS account id when the key says so (`AWS_ACCOUNT`, `accountNumber`, `OwnerId`); under
# any other key they may be a numeric password or PIN.
_ACCOUNT_ID = LinearPattern(r"^\d{12}$")
_ACCOUNT_WORDS = ("account",)
_ID_WORDS = frozenset({"id", "ids"})
# What a key says about its value outranks what a word inside it suggests: under a key that names a password,
# a secret or a private key (`ACCOUNT_PASSWORD`, `SITE_PASSWORD`, `CLIENT_KEY_PASSWORD`, `PASSWORD_USER`), no
# word of the key is evidence that the value is public.
_PRIVATE_KINDS = frozenset({SecretKind.PASSWORD, SecretKind.SECRET, SecretKind.PRIVATE_KEY})


def is_public_identifier(key: str, value: str) -> bool:
    """Identifiers that are public by design: publishable keys, ids, ARNs, client ids, App Insights keys."""
    text = value.strip()
    if _PUBLIC_VALUE.match(text) or is_email(text) or _is_anonymous_jwt(text):
        return True
    words = meaningful_words(key)
    if is_provider_key_id(words, text):
        return True
    if not words or secret_kind_of_key(key) in _PRIVATE_KINDS:
        return False
    if (
        _RECAPTCHA_KEY.match(text)
        and _mentions(words, _CAPTCHA_WORDS)
        and not _mentions(words, _SERVER_SIDE_WORDS)
    ):
        return True
    if (
        (_mentions(words, _ACCOUNT_WORDS) or words[-1] in _ID_WORDS)
        and not _mentions(words, _SERVER_SIDE_WORDS)
        and _ACCOUNT_ID.match(text)  # last: the key's words rule out most values without a pattern's call
    ):
        return True
    if words[-1] in _IDENTIFIER_WORDS or any(word.startswith("instrumentation") for word in words):
        return True
    if words[-2:] in _PUBLIC_KEY_PAIRS:  # the key names a client id or site key, not a token beside one
        return True
    # Shopify calls its OAuth client id the "API key"; the "API secret" is the secret.
    return "shopify" in words and words[-2:] == ("api", "key")


def _mentions(words: tuple[str, ...], stems: tuple[str, ...]) -> bool:
    return any(stem in word for word in words for stem in stems)


def _is_anonymous_jwt(value: str) -> bool:
    """A JWT whose payload says `"role": "anon"` (Supabase anon keys ship to every browser)."""
    match = _JWT.match(value)
    if match is None:
        return False
    claims = _json_of_base64(match.group("payload"), urlsafe=True)
    return isinstance(claims, dict) and claims.get("role") == "anon"


def _json_of_base64(text: str, *, urlsafe: bool) -> object:
    try:
        raw = _decode_base64(text, urlsafe=urlsafe)
        return json.loads(raw) if raw is not None else None
    except ValueError:
        return None


def _decode_base64(text: str, *, urlsafe: bool) -> bytes | None:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded) if urlsafe else base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


# Modular-crypt hashes: bcrypt, argon2, PBKDF2 (passlib and Django style), scrypt, SHA-crypt and MD5-crypt.
_CRYPT_HASH = LinearPattern(
    r"^(?:\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}"
    r"|\$argon2(?:id|i|d)\$\S{20,}"
    r"|\$?pbkdf2[\w-]*\$\d+\$\S{16,}"
    r"|\$scrypt\$\S{20,}"
    r"|\$[156]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86})$",
    needs=("$", "pbkdf2"),
)
_ASPNET_V3_MARKER = 0x01
_ASPNET_V3_HEADER = 13  # marker, PRF, iteration count and salt length, big-endian 32-bit fields
_ASPNET_SUBKEY_BYTES = (32, 64)


def is_password_hash(value: str) -> bool:
    """A one-way password hash (bcrypt, argon2, PBKDF2, ASP.NET Core Identity): not the password itself."""
    text = value.strip()
    return bool(_CRYPT_HASH.match(text)) or _is_aspnet_identity_v3_hash(text)


def _is_aspnet_identity_v3_hash(text: str) -> bool:
    """ASP.NET Core Identity's v3 format: 0x01, PRF id, iterations, salt length, salt, PBKDF2 subkey."""
    if not text.startswith("AQAAAA") or len(text) < 64:
        return False
    raw = _decode_base64(text, urlsafe=False)
    if raw is None or len(raw) < _ASPNET_V3_HEADER or raw[0] != _ASPNET_V3_MARKER:
        return False
    prf = int.from_bytes(raw[1:5], "big")
    iterations = int.from_bytes(raw[5:9], "big")
    salt = int.from_bytes(raw[9:13], "big")
    subkey = len(raw) - _ASPNET_V3_HEADER - salt
    return prf <= 2 and iterations >= 1000 and 8 <= salt <= 64 and subkey in _ASPNET_SUBKEY_BYTES


# SHA-256 of values printed in vendor documentation for every user: the Azure Cosmos DB emulator key, the
# Azurite storage emulator key, the M-Pesa Daraja sandbox passkey, Stripe's documentation test key, the
# jwt.io sample token and Google's reCAPTCHA v2 test secret key (always passes; documented for automated
# tests). Only these exact values: a key of the same shape is judged like any other.
_WELL_KNOWN_DIGESTS = frozenset(
    {
        "aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615",
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
        "6b933448d12f658cae3204515c314d7745b132307854ba107b16922825446b73",
        "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
        "f5e95c9954635b65acab57e6d5ea663eb900f06dc8794a90358f5abb1c77d4e0",
    }
)
# The stock defaults of local images that every user of the image shares (MinIO's `minioadmin`, RabbitMQ's
# `guest`): documented, not chosen, so not labelled by the blind set's rules. `postgres`, `root` and
# `admin` are weak passwords that people do deploy, and are reported.
_DEFAULT_CREDENTIALS = frozenset({"guest", "minioadmin"})
_KEY_SHAPED_LENGTH = 32
_KEY_SHAPED_RUN = LinearPattern(rf"[A-Za-z0-9+/_-]{{{_KEY_SHAPED_LENGTH},}}={{0,2}}")


def is_default_credential(value: str) -> bool:
    """The documented stock default of a local image (`minioadmin`, `guest`)."""
    return value.strip().lower() in _DEFAULT_CREDENTIALS


def is_well_known_public_value(value: str) -> bool:
    """Values every user of a product shares (emulator keys, sandbox passkeys, the storage emulator), alone
    or in a connection string whose every key-shaped part is one: a documented key beside a real one in the
    same string forgives neither."""
    text = value.strip()
    if text.lower().startswith("usedevelopmentstorage=true") or _is_well_known(text):
        return True
    if len(text) < _KEY_SHAPED_LENGTH:
        return False  # too short to hold a key-shaped run: answered without the pattern (issue 16)
    runs = _KEY_SHAPED_RUN.findall(text)
    return bool(runs) and all(_is_well_known(run) for run in runs)


def _is_well_known(text: str) -> bool:
    # surrogatepass: a `\ud800` escape decodes to a lone surrogate, which plain UTF-8 cannot encode.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() in _WELL_KNOWN_DIGESTS
