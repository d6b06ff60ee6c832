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

from bot.core.heuristics import SecretKind, is_algorithm_name, is_flag, meaningful_words
from bot.core.linear import LinearPattern

# Words of a key that say its secret signs or encrypts what the service issues; a key (rather than a
# secret) only with the narrower set, as `APP_KEY` or `AUTH_KEY` may name a public app key. Flask and
# Django call theirs plain `SECRET_KEY`. The `weak-signing-secret` rule's key_regex lists the same words
# (tests/core/test_accuracy_round2.py holds them in step).
_SIGNING_KEY_WORDS = frozenset(
    {"jwt", "session", "cookie", "signing", "sign", "hmac", "encryption", "encrypt", "crypto", "cipher"}
)
_SIGNING_SECRET_WORDS = _SIGNING_KEY_WORDS | {
    "app", "nextauth", "auth", "token", "flask", "django", "rails", "express", "passport", "csrf"
}  # fmt: skip
# A typed phrase: 1-8 words of letters and digits (a few joining marks inside a word), one space apart.
_PHRASE = LinearPattern(r"^[A-Za-z0-9][A-Za-z0-9'!.-]*(?: [A-Za-z0-9][A-Za-z0-9'!.,-]*){0,7}$")
# Words that make a phrase an instruction, a description or filler, not a secret.
_INSTRUCTION_WORDS = frozenset(
    {"your", "here", "set", "see", "enter", "replace", "insert", "put", "add", "fill", "from", "in", "use",
     "generate", "generated", "value", "required", "optional", "configure", "console", "portal", "env",
     "environment", "todo", "none", "null", "undefined", "variable", "parameter", "param", "store", "vault",
     "manager", "ssm", "kms", "sse", "managed", "bearer", "unset", "id", "name", "arn", "ref",
     "config", "settings", "define", "defined", "provide",
     "lorem", "ipsum", "foo", "bar", "baz", "example", "sample", "dummy", "placeholder", "whatever", "blah"}
)  # fmt: skip
# A duration or TTL written in units (`30d`, `1h`, `15m`): a setting, not a secret.
_DURATION = LinearPattern(r"^[0-9]+(?:ms|[smhdwy])$", ignore_case=True)
# Deployment stages, which name a key's variant (`prod-key`), not its value.
_STAGE_WORDS = frozenset({"prod", "production", "staging", "stage", "dev", "test", "qa", "uat", "local"})
_VARIABLE_NAME = LinearPattern(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# A value's chunks between separators, and a chunk written in CamelCase words (`MyKmsKey`), split into them;
# other chunks stay whole, so random text (`Zq7keyLm`) yields no stray short word.
_CHUNK = LinearPattern(r"[A-Za-z0-9]+")
_CAMEL = LinearPattern(r"^(?:[A-Z][a-z]+)+$")
_CAMEL_WORD = LinearPattern(r"[A-Z][a-z]+")
_SHORTEST = 3
_LONGEST = 80


# The one rule a typed phrase is reported by (`bot.core.rules`); the generic rules want generated values.
TYPED_PHRASE_RULE = "weak-signing-secret"
SIGNING_WORDS = _SIGNING_SECRET_WORDS  # every word that makes a signing slot, for the rule's consistency test


def is_signing_slot(key: str, kind: SecretKind | None) -> bool:
    """Whether `key` names a secret that signs or encrypts what the service issues (`JWT_SECRET`,
    `SESSION_SECRET`, Flask's `SECRET_KEY`). Like a password, a weak one there is still the real one."""
    words = meaningful_words(key)
    if kind is SecretKind.SECRET:
        return bool(_SIGNING_SECRET_WORDS.intersection(words))
    return kind is SecretKind.API_KEY and (
        words == ("secret", "key") or bool(_SIGNING_KEY_WORDS.intersection(words))
    )


def is_typed_signing_secret(key: str, value: str, kind: SecretKind | None) -> bool:
    """Whether `value`, rejected by the general shape checks, is a typed secret under a signing key: a
    phrase, words joined in any case style, or a short word with digits or a number (`bird123`, `123`)."""
    if not _SHORTEST <= len(value) <= _LONGEST or not is_signing_slot(key, kind):
        return False
    if _PHRASE.match(value) is None or _VARIABLE_NAME.match(value) or is_algorithm_name(value):
        return False
    if value.endswith(".") or is_flag(value) or (value.isalpha() and value.islower()):
        return False  # a sentence that ends like one, a switch, one lower-case word (`enabled`, `hello`)
    return not names_a_setting(key, value) and not _names_its_key(value, key)


def names_a_setting(key: str, value: str) -> bool:
    """Whether `value` under a signing key is a setting or an instruction, not a typed secret: a word of
    the vocabulary in any case style (`SSE-KMS`, `aws-managed`, `MyKmsKey`, `Bearer`), a duration, or only
    the key's own words and a stage (`prod-key` under `CRYPTO_KEY`)."""
    if _DURATION.match(value) is not None:
        return True
    words: set[str] = set()
    for chunk in _CHUNK.findall(value):
        words.update(
            word.lower() for word in (_CAMEL_WORD.findall(chunk) if _CAMEL.match(chunk) else (chunk,))
        )
    own_words = bool(words) and words <= _STAGE_WORDS.union(meaningful_words(key))
    return own_words or not _INSTRUCTION_WORDS.isdisjoint(words)


def _names_its_key(value: str, key: str) -> bool:
    """`jwtSecret` under `JWT_SECRET`: the value spells the key's own words."""
    squashed = "".join(char for char in value.lower() if char.isalnum())
    return squashed == "".join(meaningful_words(key))
