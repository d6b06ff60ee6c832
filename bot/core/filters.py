"""False-positive filters: small predicates, each a question about one value.

A value that names a secret's slot but is not a secret (a placeholder, a public identifier, a value printed in
vendor documentation) must never become a finding: a bot that cries wolf on `changeme` gets uninstalled.
Well-known public values are compared by SHA-256 digest so that this file holds no key-shaped literal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from bot.core.heuristics import is_email, is_identifier_name, key_words

_TEMPLATE = re.compile(
    r"<[^<>]*>"  # <your-key>, <<Enter your value>>, <>
    r"|\{\{.*?\}\}"  # {{mustache}}, {{resolve:...}}
    r"|\$\{|\$\("  # ${VAR}, $(command), even when cut short by a delimiter
    r"|^\$[A-Z_][A-Z0-9_]*$"  # $DB_PASSWORD
    r"|%[A-Za-z_][A-Za-z0-9_]*%|%\([a-z_]+\)s|^%s$"  # %VAR%, %(password)s
    r"|^\{[A-Za-z_0-9]*\}$"  # {password}, {0}
)
# Words that mark a stand-in. Matched case-insensitively but only when consistently cased (`example`,
# `EXAMPLE`, `ChangeMe`), so that random key material (`...fIXmE...`) does not count as a marker.
_MARKER = re.compile(
    r"(?<![a-z0-9])your|replace|change[_-]?me|example|sample|dummy|placeholder|redacted|removed|fixme"
    r"|(?<![a-z0-9])(?:todo|tbd|tba|n/a)(?![a-z0-9])|(?<![a-z0-9])(?:enter|insert|paste)[\s_-]|[\s_-]here$",
    re.IGNORECASE,
)
_MARKER_HINTS = (
    "your", "replace", "change", "example", "sample", "dummy", "placeholder", "redacted", "removed", "fixme",
    "todo", "tbd", "tba", "n/a", "enter", "insert", "paste", "here",
)  # fmt: skip
_TITLE_WORDS = re.compile(r"^(?:[A-Z][a-z]+)+$")
_MASK_RUN = re.compile(r"x{4,}|X{4,}|\*{3,}|#{3,}|\.{3,}|0{6,}|8{6,}|9{6,}")
# Words that make up stand-in values (`mysupersecretpassword`, `MyAPIkey`, `adminadmin`, `abc123`).
_FILLER_WORDS = """
    your my our the enter insert put add fill set replace with here goes value values key keys api apikey
    secret secrets token tokens password passwords passwd pass pwd passphrase dummy fake sample example
    test testing placeholder change changeme me todo tbd foo bar baz qux default demo none null nil string
    some random super top very real actual own this that for to of in access auth client app application
    db database admin administrator root user username account private public secure dev development
    local localhost prod production staging stage abc abcd abcdef xyz qwerty hello world new generate
    generated not yet needed required unknown undefined empty blank any anything something service server
    name hash salt signing webhook session jwt cookie encryption bot channel aws google github slack
    stripe twilio sendgrid openai azure gcp firebase mongo mongodb postgres postgresql mysql redis store
    storage connection conn shared master insecure unsafe temp temporary tmp please redacted removed
    hidden masked sensitive confidential guest login code pin is it be go xx xxx
"""
_VOCABULARY = frozenset(_FILLER_WORDS.split())
_LONGEST_WORD = max(len(word) for word in _VOCABULARY)
_COUNTING = "1234567890"
_MAX_VOCABULARY_VALUE = 64


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: `changeme`, `<your-key>`, `${VAR}`, `xxxx`, `abc123`..."""
    text = value.strip().strip("'\"").strip()
    if not text:
        return True
    lowered = text.lower()
    return (
        bool(_TEMPLATE.search(text) or _MASK_RUN.search(text))
        or has_marker_word(text)
        or (len(text) > 1 and len(set(text)) == 1)
        or is_made_of_filler_words(lowered)
    )


def has_marker_word(text: str) -> bool:
    """True when `text` contains a stand-in word such as `your`, `example`, `replace` or `TODO`."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _MARKER_HINTS):
        return False
    for match in _MARKER.finditer(text):
        letters = re.sub(r"[^A-Za-z]", "", match.group(0))
        if letters.islower() or letters.isupper() or _TITLE_WORDS.match(letters):
            return True
    return False


def is_placeholder_for(key: str, value: str) -> bool:
    """`is_placeholder`, or the value repeats its key's name (`API_KEY: api-key`, `zoneId: MY_ZONE_ID`)."""
    if is_placeholder(value):
        return True
    squeezed = re.sub(r"[^a-z0-9]", "", value.lower())
    name = "".join(key_words(key))
    if len(squeezed) < 4 or not name:
        return False
    return squeezed in name or (name in squeezed and is_identifier_name(value.strip()))


def is_made_of_filler_words(lowered: str) -> bool:
    """True when the value splits entirely into filler words (`mysupersecretpassword`, `abc123`)."""
    text = re.sub(r"[\s_.:/-]+", "", lowered)
    if not text or len(text) > _MAX_VOCABULARY_VALUE:
        return False
    reachable = [0]  # prefix lengths that split into filler words, ascending
    for end in range(1, len(text) + 1):
        if end - reachable[-1] > _LONGEST_WORD:
            return False  # no word is long enough to bridge the gap: random text gives up here
        if any(_is_filler(text[start:end]) for start in reachable if end - start <= _LONGEST_WORD):
            reachable.append(end)
    return reachable[-1] == len(text)


def _is_filler(piece: str) -> bool:
    return piece in _VOCABULARY or _COUNTING.startswith(piece)


_REFERENCE = re.compile(
    r"\$\{|\{\{\s*resolve:|@Microsoft\.KeyVault\(|^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Join)\b|^Fn::"
    r"|^@[a-z0-9][a-z0-9_.-]*$"  # legacy Vercel secret (`"API_TOKEN": "@api-token"`)
    r"|%env\([^)]*\)%"  # Symfony env processor
)
_ENCRYPTED = re.compile(r"^ENC\[[A-Z0-9_]+,data:|^EV\[\d+:|^AQICA[A-Za-z0-9+/]{40,}")


def is_reference_syntax(value: str) -> bool:
    """A reference resolved by the platform (`${ssm:...}`, `{{resolve:...}}`, Key Vault, `!Ref`, `@name`)."""
    return bool(_REFERENCE.search(value.strip()))


def is_encrypted(value: str) -> bool:
    """Ciphertext (SOPS `ENC[...]`, DigitalOcean `EV[...]`, KMS blobs): not plaintext, not a leak."""
    return bool(_ENCRYPTED.match(value.strip()))


_PUBLIC_VALUE = re.compile(
    r"^(?:pk_(?:live|test)_[A-Za-z0-9]+"  # Stripe / Paystack publishable keys
    r"|FLWPUBK(?:_TEST)?-[A-Za-z0-9-]+"  # Flutterwave public key
    r"|arn:aws[a-z-]*:\S+"  # ARNs
    r"|(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov)?-[a-z]+-\d"  # AWS regions
    r"|[a-z]{2}(?:-gov)?-[a-z]+-\d_[A-Za-z0-9]{9}"  # Cognito user pool ids
    r"|\d+-[a-z0-9]{32}\.apps\.googleusercontent\.com"  # Google OAuth client ids
    r"|InstrumentationKey=[0-9a-fA-F-]{36}(?:;(?:IngestionEndpoint|LiveEndpoint|ApplicationId)=[^;]*)*;?"
    r"|AC[0-9a-f]{32}"  # Twilio account SID
    r"|(?:G|UA|GTM|AW)-[A-Z0-9-]{4,}"  # analytics measurement ids
    r"|\d{12}"  # AWS account ids
    r"|pk\.eyJ[A-Za-z0-9_.-]+"  # Mapbox public tokens
    r")$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_IDENTIFIER_WORDS = frozenset({"id", "ids", "sid", "arn", "name", "region", "email", "username", "user"})
_PUBLIC_KEY_PAIRS = (("consumer", "key"), ("client", "key"), ("site", "key"), ("client", "id"))
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.(?P<payload>eyJ[A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$")


def is_public_identifier(key: str, value: str) -> bool:
    """Identifiers that are public by design: publishable keys, ids, ARNs, client ids, App Insights keys."""
    text = value.strip()
    if _PUBLIC_VALUE.match(text) or is_email(text) or _is_anonymous_jwt(text):
        return True
    words = key_words(key)
    if not words:
        return False
    if words[-1] in _IDENTIFIER_WORDS or any(word.startswith("instrumentation") for word in words):
        return True
    if any(_has_pair(words, pair) for pair in _PUBLIC_KEY_PAIRS):
        return True
    # Shopify calls its OAuth client id the "API key"; the "API secret" is the secret.
    return "shopify" in words and words[-2:] == ("api", "key")


def _has_pair(words: tuple[str, ...], pair: tuple[str, str]) -> bool:
    return any(words[index : index + 2] == pair for index in range(len(words) - 1))


def _is_anonymous_jwt(value: str) -> bool:
    """A JWT whose payload says `"role": "anon"` (Supabase anon keys ship to every browser)."""
    match = _JWT.match(value)
    if match is None:
        return False
    payload = match.group("payload")
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(claims, dict) and claims.get("role") == "anon"


# SHA-256 of values printed in vendor documentation for every user: the Azure Cosmos DB emulator key, the
# Azurite storage emulator key, the M-Pesa Daraja sandbox passkey, Stripe's documentation test key and the
# jwt.io sample token.
_WELL_KNOWN_DIGESTS = frozenset(
    {
        "aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615",
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
        "6b933448d12f658cae3204515c314d7745b132307854ba107b16922825446b73",
        "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
    }
)
# Default credentials of local containers and emulators (`postgres:postgres@localhost`).
_DEFAULT_CREDENTIALS = frozenset({"postgres", "guest", "root", "admin", "minioadmin", "mysql", "rabbitmq"})
_KEY_SHAPED_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")


def is_well_known_public_value(value: str) -> bool:
    """Values every user of a product shares (emulator keys, sandbox passkeys, local defaults)."""
    text = value.strip()
    if text.lower() in _DEFAULT_CREDENTIALS or text.lower().startswith("usedevelopmentstorage=true"):
        return True
    candidates = {text, *_KEY_SHAPED_RUN.findall(text)}
    return any(hashlib.sha256(item.encode()).hexdigest() in _WELL_KNOWN_DIGESTS for item in candidates)
