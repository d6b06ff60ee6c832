"""Signing secrets people type: a JWT or session secret written as words, not generated.

A key that names a signing or encryption secret (`JWT_SECRET`, `SESSION_SECRET`, `COOKIE_SECRET`,
`APP_SECRET_KEY`) holds whatever the author typed, and tutorials teach typing a phrase: `keyboard cat`,
`my super secret jwt phrase`, `CorrectHorseBatteryStaple`, `shhhhh`. The general value checks read such
text as prose or as a variable's name and drop it; under a signing-secret key it signs every token the
service issues, and a reviewer asks to move it. Text that instructs (`set in the console`, `your key
here`), names a variable (`JWT_SECRET_VALUE`, `config.jwtSecret`) or names an algorithm stays out; the
placeholder vocabulary (`secret`, `changeme`, ...) is judged by the usual filters before this is asked.
"""

from __future__ import annotations

from bot.core.heuristics import SecretKind, is_algorithm_name, meaningful_words
from bot.core.linear import LinearPattern

# Words of a key that say its secret signs or encrypts what the service issues; a key (rather than a
# secret) only with the narrower set, as `APP_KEY` or `AUTH_KEY` may name a public app key.
_SIGNING_KEY_WORDS = frozenset(
    {"jwt", "session", "cookie", "signing", "sign", "hmac", "encryption", "encrypt", "crypto", "cipher"}
)
_SIGNING_SECRET_WORDS = _SIGNING_KEY_WORDS | {
    "app", "nextauth", "auth", "token", "flask", "django", "rails", "express", "passport", "csrf"
}  # fmt: skip
# A typed phrase: 1-8 words of letters and digits (a few joining marks inside a word), one space apart.
_PHRASE = LinearPattern(r"^[A-Za-z0-9][A-Za-z0-9'!.-]*(?: [A-Za-z0-9][A-Za-z0-9'!.,-]*){0,7}$")
# Words that make a phrase an instruction or a description, not a secret.
_INSTRUCTION_WORDS = frozenset(
    {"your", "here", "set", "see", "enter", "replace", "insert", "put", "add", "fill", "from", "in", "use",
     "generate", "generated", "value", "required", "optional", "configure", "console", "portal", "env",
     "environment", "todo", "none", "null", "undefined", "variable", "parameter", "param", "store", "vault",
     "manager", "ssm", "kms", "name", "arn", "ref", "config", "settings", "define", "defined", "provide"}
)  # fmt: skip
_VARIABLE_NAME = LinearPattern(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_SHORTEST = 6
_LONGEST = 80


def is_typed_signing_secret(key: str, value: str, kind: SecretKind | None) -> bool:
    """Whether `value`, rejected by the general shape checks, is a typed secret under a signing key."""
    if kind not in (SecretKind.SECRET, SecretKind.API_KEY) or not _SHORTEST <= len(value) <= _LONGEST:
        return False
    signing = _SIGNING_SECRET_WORDS if kind is SecretKind.SECRET else _SIGNING_KEY_WORDS
    if not signing.intersection(meaningful_words(key)):
        return False
    if _PHRASE.match(value) is None or _VARIABLE_NAME.match(value) or is_algorithm_name(value):
        return False
    if not any(char.isalpha() for char in value) or value.endswith("."):
        return False  # a number, or a sentence that ends like one
    words = {word.strip("'!.,-").lower() for word in value.split()}
    return not _INSTRUCTION_WORDS.intersection(words) and not _names_its_key(value, key)


def _names_its_key(value: str, key: str) -> bool:
    """`jwtSecret` under `JWT_SECRET`: the value spells the key's own words."""
    squashed = "".join(char for char in value.lower() if char.isalnum())
    return squashed == "".join(meaningful_words(key))
