"""False-positive filters: small predicates, each a question about one value.

A value that names a secret's slot but is not a secret (a placeholder, a default that says how to replace
it, a public identifier, a value printed in vendor documentation) must never become a finding: a bot that
cries wolf on `changeme` gets uninstalled. Public values live in `bot.core.public`.
"""

from __future__ import annotations

import re

from bot.core.heuristics import is_identifier_name, key_words
from bot.core.linear import LinearPattern
from bot.core.public import is_password_hash, is_public_identifier, is_well_known_public_value

__all__ = [
    "has_marker_word", "is_encrypted", "is_made_of_filler_words", "is_password_hash", "is_placeholder",
    "is_placeholder_for", "is_public_identifier", "is_reference_syntax", "is_self_describing",
    "is_well_known_public_value",
]  # fmt: skip

_TEMPLATE = LinearPattern(
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
_TITLE_WORDS = LinearPattern(r"^(?:[A-Z][a-z]+)+$")
_MASK_RUN = LinearPattern(r"x{4,}|X{4,}|\*{3,}|#{3,}|\.{3,}|0{6,}|8{6,}|9{6,}")
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
        or is_self_describing(lowered)
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


_REFERENCE = LinearPattern(
    r"\$\{|\{\{\s*resolve:|@Microsoft\.KeyVault\(|^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Join)\b|^Fn::"
    r"|^@[a-z0-9][a-z0-9_.-]*$"  # legacy Vercel secret (`"API_TOKEN": "@api-token"`)
    r"|%env\([^)]*\)%"  # Symfony env processor
)
_ENCRYPTED = LinearPattern(r"^ENC\[[A-Z0-9_]+,data:|^EV\[\d+:|^AQICA[A-Za-z0-9+/]{40,}")


def is_reference_syntax(value: str) -> bool:
    """A reference resolved by the platform (`${ssm:...}`, `{{resolve:...}}`, Key Vault, `!Ref`, `@name`)."""
    return bool(_REFERENCE.search(value.strip()))


def is_encrypted(value: str) -> bool:
    """Ciphertext (SOPS `ENC[...]`, DigitalOcean `EV[...]`, KMS blobs): not plaintext, not a leak."""
    return bool(_ENCRYPTED.match(value.strip()))


# Defaults that describe themselves: `...-change-in-production`, `must-be-at-least-32-characters`,
# `dev-only-...`. Read over the value's words, so random text (no separators) never matches.
_INSTRUCTION = LinearPattern(
    r"\bchange (?:this|it|me|before|in|for|on|when|asap)\b"
    r"|\b(?:must|should|needs?) (?:to )?be\b|\bat least \d+\b"
    r"|\b\d+ (?:chars?|characters?|bytes?|bits?|digits?|letters?)\b"
    r"|\b(?:min|minimum|max|maximum) (?:length )?(?:of )?\d+\b"
    r"|\b(?:not|never) (?:for|in|use in|to be used in) prod(?:uction)?\b|\bdo ?n[o']?t use\b"
    r"|\b(?:dev|development|local|test|testing|demo) only\b"
    r"|\bonly for (?:dev|development|local|tests?|testing|demo)\b"
    r"|\bfor (?:local )?(?:dev|development|tests?|testing) (?:only|use|purposes)\b"
    r"|\b(?:replace|update|fill) (?:me|this|it|with|before|in|later)\b"
    r"|\bgenerate (?:with|using|a|your|one|new)\b|\bopenssl rand\b"
)
# `local-dev-refresh-secret`: a phrase of words that names an environment and the kind of secret it stands in
# for; a real secret generated for development has random parts.
_STAGE_WORDS = frozenset(
    {
        "local",
        "dev",
        "development",
        "test",
        "testing",
        "demo",
        "sample",
        "default",
        "insecure",
        "fake",
        "temp",
    }
)
_SECRET_NOUNS = frozenset(
    {"secret", "key", "token", "password", "pass", "pwd", "passphrase", "salt", "pepper", "signing", "jwt"}
)
_MIN_PHRASE_WORDS = 3


def is_self_describing(lowered: str) -> bool:
    """A default that says what it is or how to replace it, rather than being a secret."""
    words = re.split(r"[^a-z0-9']+", lowered)
    words = [word for word in words if word]
    if len(words) < _MIN_PHRASE_WORDS:
        return False
    if _INSTRUCTION.search(" ".join(words)):
        return True
    return (
        all(word.isalpha() or word.isdigit() for word in words)
        and bool(_STAGE_WORDS.intersection(words))
        and bool(_SECRET_NOUNS.intersection(words))
    )
