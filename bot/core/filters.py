"""False-positive filters: small predicates, each a question about one value.

A value that names a secret's slot but is not a secret (a placeholder, a default that says how to replace
it, a public identifier, a value printed in vendor documentation) must never become a finding: a bot that
cries wolf on `changeme` gets uninstalled. Public values live in `bot.core.public`.
"""

from __future__ import annotations

import re

from bot.core.heuristics import is_identifier_name, key_words, secret_kind_of_key
from bot.core.linear import LinearPattern
from bot.core.public import (
    is_default_credential,
    is_password_hash,
    is_public_identifier,
    is_well_known_public_value,
)

__all__ = [
    "has_marker_word", "is_default_credential", "is_encrypted", "is_made_of_filler_words", "is_masked",
    "is_password_hash", "is_placeholder", "is_placeholder_for", "is_public_identifier", "is_reference_syntax",
    "is_self_describing", "is_stand_in_words", "is_typed_word_run", "is_well_known_public_value",
]  # fmt: skip

_TEMPLATE = LinearPattern(
    r"<[^<>]*>"  # <your-key>, <<Enter your value>>, <>
    r"|\{\{.*?\}\}"  # {{mustache}}, {{resolve:...}}
    r"|\$\{|\$\("  # ${VAR}, $(command), even when cut short by a delimiter
    r"|^\$[A-Z_][A-Z0-9_]*$"  # $DB_PASSWORD
    r"|%[A-Za-z_][A-Za-z0-9_]*%|%\([a-z_]+\)s|^%s$"  # %VAR%, %(password)s
    r"|^\{[A-Za-z_0-9]*\}$"  # {password}, {0}
    r"|#\{[A-Za-z_][\w.-]*\}"  # #{DbPassword}# (Octopus, Azure DevOps token replacement), Ruby interpolation
    r"|^__[A-Za-z][A-Za-z0-9_.-]*__$"  # __DbPassword__ (replace-tokens tasks)
    r"|^@[A-Za-z][\w.-]*@$",  # @db.password@ (Maven resource filtering)
    needs=("<", "{", "$", "%", "__", "@"),  # each alternative's own literal: most values hold none (issue 16)
)
# Words that mark a stand-in. Matched case-insensitively but only when consistently cased (`example`,
# `EXAMPLE`, `ChangeMe`), so that random key material (`...fIXmE...`) does not count as a marker.
_MARKER = (
    r"(?<![a-z0-9])your|replace|change[_-]?me|example|sample|dummy|placeholder|redacted|removed|fixme"
    r"|(?<![a-z0-9])(?:todo|tbd|tba|n/a)(?![a-z0-9])|(?<![a-z0-9])(?:enter|insert|paste)[\s_-]|[\s_-]here$"
)
_MARKER_HINTS = (
    "your", "replace", "change", "example", "sample", "dummy", "placeholder", "redacted", "removed", "fixme",
    "todo", "tbd", "tba", "n/a", "enter", "insert", "paste", "here",
)  # fmt: skip
# Any hint, in one RE2 pass: a substring test per hint cost more than a pattern's call (issue 16).
_MARKER_HINT = LinearPattern("|".join(re.escape(hint) for hint in _MARKER_HINTS))
_TITLE_WORDS = LinearPattern(r"^(?:[A-Z][a-z]+)+$")
# Runs of a masking character. `x`, `*`, `#` and `.` runs never occur in generated key material by chance;
# runs of `0`, `8` or `9` do (a key of 40 random digits and letters may hold `000000`), so those count only
# when they make up most of the value (`sk_live_888888888888`), not when they sit inside one.
_SYMBOL_MASK = LinearPattern(r"x{4,}|X{4,}|\*{3,}|#{3,}|\.{3,}", needs=("xxxx", "XXXX", "***", "###", "..."))
_DIGIT_MASK = LinearPattern(r"0{6,}|8{6,}|9{6,}", needs=("000000", "888888", "999999"))
_DIGIT_MASK_SHARE = 0.4
_MASK_CHARACTERS = frozenset("xX*#.0089-_")
# The words of stand-in values (`mysupersecretpassword`, `MyAPIkey`, `abc123`), in three groups, because a
# password slot reads them differently from other slots: a value made of them is a placeholder anywhere else,
# while `Password123`, `admin123` and `rootroot` are weak passwords that people really deploy.
# Words that say what belongs in the slot or where it points, or that stand in for anything (`test`, `dev`
# and `local` alone are placeholders by the blind set's rules).
_SLOT_WORDS = """
    your my our the enter insert put add fill set replace with here goes value values key keys api apikey
    secret secrets token tokens password passwords passwd pass pwd passphrase dummy fake sample example
    placeholder change changeme me todo tbd default none null nil string some random super top very real
    actual own this that for to of in not yet needed required unknown undefined empty blank any anything
    something new generate generated please redacted removed hidden masked sensitive confidential is it be
    go name hash salt code pin localhost a an json web test testing dev development local
"""
# Filler that stands in for any value, with or without a counting suffix (`abc123`, `foo1`).
_STAND_IN_WORDS = "abc abcd abcdef xyz foo bar baz qux xx xxx"
# Words weak passwords are really made of: roles, products, environments, keyboard runs.
_HUMAN_CHOICE_WORDS = """
    admin administrator root user username account guest login demo
    prod production staging stage qwerty hello world access auth client app application db
    database private public secure insecure unsafe temp temporary tmp session jwt cookie encryption bot
    channel signing webhook service server store storage connection conn shared master aws google github
    slack stripe twilio sendgrid openai azure gcp firebase mongo mongodb postgres postgresql mysql redis
"""
# Vocabulary words that instruct, stand in, name a stage or the token format (`your`, `put`, `here`,
# `changeme`, `test`, `jsonwebtoken`): a run of words holding one is a placeholder even under a signing key,
# where a run of the other vocabulary words (`supersecretkey`, `my_jwt_secret_123`) is what the author typed.
_INSTRUCTING_WORDS = """
    your our the enter insert put add fill set replace with here goes value values change changeme me todo
    tbd please generate generated this that for to of in not yet needed required unknown undefined empty
    blank any anything something some random new none null nil string default placeholder dummy fake sample
    example redacted removed hidden masked is it be go name test testing dev development local demo temp
    temporary tmp json web
"""
_SLOTS = frozenset(_SLOT_WORDS.split())
_STAND_INS = frozenset(_STAND_IN_WORDS.split())
_VOCABULARY = _SLOTS | _STAND_INS | frozenset(_HUMAN_CHOICE_WORDS.split())
_TYPED_WORDS = _VOCABULARY - _STAND_INS - frozenset(_INSTRUCTING_WORDS.split())
_LONGEST_WORD = max(len(word) for word in _VOCABULARY)
_COUNTING = "1234567890"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_MAX_VOCABULARY_VALUE = 64


def is_placeholder(value: str, *, password: bool = False, signing: bool = False) -> bool:
    """True for values that stand in for a secret: `changeme`, `<your-key>`, `${VAR}`, `xxxx`, `abc123`...

    `password=True` judges the value for a password slot (a key that names a password, the password of a
    URL to a remote host): there a value made of vocabulary words is a placeholder only when it names the
    slot (`password`, `mysecretpassword`) or is filler (`abc123`); `Password123` and `rootroot` are weak
    passwords, reported like any other. `signing=True` (with `password`) judges it for a signing-secret slot
    (`JWT_SECRET`), where a run of words that instructs nothing (`supersecretkey`) is the typed key."""
    text = value.strip().strip("'\"").strip()
    if not text:
        return True
    lowered = text.lower()
    masked = is_masked(text, password=password)
    if _TEMPLATE.search(text) or masked or has_marker_word(text) or is_self_describing(lowered):
        return True
    if _may_instruct(lowered) and _INSTRUCTION.search(" ".join(_CASED_WORDS.findall(text)).lower()):
        return True  # an instruction run together (`PUTthisSecretKeyInTheEnvironment`)
    if password and signing and is_typed_word_run(lowered):
        return False
    return is_stand_in_words(lowered) if password else is_made_of_filler_words(lowered)


def is_masked(text: str, *, password: bool = False) -> bool:
    """A value hidden behind masking characters (`****`, `xxxx`, `sk_live_888888888888`, `aaaaaaaa`).

    In a password slot one repeated letter or digit masks only if it is a masking character (`x`, `0`,
    `8`, `9`): `11111111` is among the commonest passwords people choose."""
    if _SYMBOL_MASK.search(text):
        return True
    characters = set(text)  # the distinct characters: fewer to ask `isalnum` of than the text's (issue 16)
    repeated = set(filter(str.isalnum, characters)) or characters
    if len(text) > 1 and len(repeated) == 1 and not (password and repeated - _MASK_CHARACTERS):
        return True
    runs = _DIGIT_MASK.findall(text)
    return bool(runs) and max(len(run) for run in runs) >= _DIGIT_MASK_SHARE * len(text)


def has_marker_word(text: str) -> bool:
    """True when `text` contains a stand-in word such as `your`, `example`, `replace` or `TODO`."""
    if _MARKER_HINT.search(text.lower()) is None:
        return False
    # Compiled on first use (`re` caches it): about 1 ms at every start, and most values hold no hint.
    for match in re.finditer(_MARKER, text, re.IGNORECASE):
        letters = re.sub(r"[^A-Za-z]", "", match.group(0))
        if letters.islower() or letters.isupper() or _TITLE_WORDS.match(letters):
            return True
    return False


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def is_placeholder_for(key: str, value: str, *, password: bool = False, signing: bool = False) -> bool:
    """`is_placeholder`, or the value repeats its key's name (`API_KEY: api-key`, `zoneId: MY_ZONE_ID`).

    For a password slot, a part of the name repeats it only if it names the slot too (`DB_PASS: db-pass`):
    a service or role word of the name alone (`POSTGRES_PASSWORD: postgres`, `ADMIN_PASSWORD: admin`) is
    the default-credential pair people really deploy."""
    if is_placeholder(value, password=password, signing=signing):
        return True
    squeezed = _NOT_ALNUM.sub("", value.lower())
    words = key_words(key)
    name = "".join(words)
    if len(squeezed) < 4 or not name:
        return False
    if squeezed in name:
        return not password or any(secret_kind_of_key(word) and word in squeezed for word in words)
    return name in squeezed and is_identifier_name(value.strip())


def is_made_of_filler_words(lowered: str) -> bool:
    """True when the value splits entirely into filler words (`mysupersecretpassword`, `abc123`, `admin1`)."""
    return _splits_into(lowered, _FILLER_RUN)


def is_stand_in_words(lowered: str) -> bool:
    """For password slots: the value only names the slot (`password`, `your_secret_pass`) or is filler with
    an optional count (`abc123`, `foobar`); a role, product or keyboard word (`admin123`, `rootroot`,
    `qwerty1`), a count after a slot word (`Password123`) or a count alone (`1234`) make it a weak password
    instead."""
    if _splits_into(lowered, _SLOT_RUN):
        return True
    # A count alone (`1234`, `12345678`) is one of the commonest real passwords, not filler.
    return not lowered.isdigit() and _splits_into(lowered, _STAND_IN_RUN)


def is_typed_word_run(lowered: str) -> bool:
    """Two or more vocabulary words run together, none of which instructs or stands in, with an optional
    count (`supersecretkey`, `jwtsecret`, `my_jwt_secret_123`): a value typed as the key, not a stand-in for
    one. One word (`secret`, `password123`), a count (`abcdefgh`) or a word that instructs
    (`your-secret-here`) is not one."""
    core = _SEPARATORS.sub("", lowered).rstrip(_COUNTING)
    if not core or core in _VOCABULARY:
        return False
    return _splits_into(core, _TYPED_RUN)


# Counting, not choosing: `123...`, or `abc...` of three letters or more, from the start; no longer than the
# longest word, as no piece of a split is.
_MIN_ALPHABET_RUN = 3
_COUNTS = frozenset(
    run[:end]
    for run, shortest in ((_COUNTING, 1), (_ALPHABET, _MIN_ALPHABET_RUN))
    for end in range(shortest, min(len(run), _LONGEST_WORD) + 1)
)
_SEPARATORS = re.compile(r"[\s_.:/-]+")


def _word_run(words: frozenset[str]) -> LinearPattern:
    """Text made of `words` (lower-case ASCII letters and digits) run together, for `fullmatch`. One RE2 pass
    decides what splitting the text, trying every piece of up to `_LONGEST_WORD` characters against the set,
    decided: that split was most of the cost of judging a keyed value (issue 16; tests/core/test_word_runs.py
    compares the two)."""
    return LinearPattern("(?:" + "|".join(sorted(words)) + ")+")


_FILLER_RUN = _word_run(_VOCABULARY | _COUNTS)
_SLOT_RUN = _word_run(_SLOTS)
_STAND_IN_RUN = _word_run(_STAND_INS | _COUNTS)
_TYPED_RUN = _word_run(_TYPED_WORDS)


def _splits_into(lowered: str, words: LinearPattern) -> bool:
    """Whether `lowered`, without separators, is one or more of the words of `words` run together (and
    at most `_MAX_VOCABULARY_VALUE` long); the words are ASCII, so other text is answered without RE2."""
    text = _SEPARATORS.sub("", lowered)
    return 0 < len(text) <= _MAX_VOCABULARY_VALUE and text.isascii() and words.fullmatch(text) is not None


_REFERENCE = LinearPattern(
    r"\$\{|\{\{\s*resolve:|@Microsoft\.KeyVault\(|^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Join)\b|^Fn::"
    r"|^@[a-z0-9][a-z0-9_.-]*$"  # legacy Vercel secret (`"API_TOKEN": "@api-token"`)
    r"|%env\([^)]*\)%",  # Symfony env processor
    needs=("${", "{{", "@", "!", "Fn::", "%env("),
)
_ENCRYPTED = LinearPattern(
    r"^ENC\[[A-Z0-9_]+,data:|^EV\[\d+:|^AQICA[A-Za-z0-9+/]{40,}", needs=("ENC[", "EV[", "AQICA")
)


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
    r"|\b(?:put|keep|store|set) (?:this|it|the|your|me)\b"
    r"|\bin (?:the |your )?(?:env|environment|vault|console)\b"
)
# One word of each alternative of `_INSTRUCTION`, which no text can match without holding it: a value that
# holds none is not split into its words for it. That split is a regex call per word, and
# `is_placeholder` is asked of every token match and every keyed value: it was the largest regex cost of a
# scan (issue 16). tests/core/test_instruction_words.py checks it for every alternative.
_INSTRUCTION_WORDS = (
    "change", "must", "should", "need", "least", "char", "byte", "bit", "digit", "letter", "min", "max",
    "prod", "use", "only", "for", "replace", "update", "fill", "generate", "openssl", "put", "keep", "store",
    "set", "env", "vault", "console",
)  # fmt: skip


# Any of those words, in one RE2 pass: a substring test per word cost twice a pattern's call (issue 16).
_INSTRUCTION_WORD = LinearPattern("|".join(_INSTRUCTION_WORDS))


def _may_instruct(lowered: str) -> bool:
    """Cheap necessary condition for `_INSTRUCTION` to match the words of `lowered` (a lowercased text)."""
    return _INSTRUCTION_WORD.search(lowered) is not None


# The words of a run-together value, by case (`PUTthisKeyInTheEnv`: `PUTthis`, `Key`, `In`, `The`, `Env`).
# On `re`, whose `findall` runs in C: on RE2 each word was a call and an object, and a long base64 value
# holds thousands (issue 16). It cannot backtrack: each alternative is runs of disjoint classes, and
# `[A-Z]+[a-z]*` finds what `[A-Z]*[a-z]+|[A-Z]+` did (tests/core/test_cased_words.py compares them).
_CASED_WORDS = re.compile(r"[A-Z]+[a-z]*|[a-z]+|[0-9]+")
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
_WORD_BREAKS = re.compile(r"[^a-z0-9']+")


def is_self_describing(lowered: str) -> bool:
    """A default that says what it is or how to replace it, rather than being a secret."""
    words = _WORD_BREAKS.split(lowered)
    words = [word for word in words if word]
    if len(words) < _MIN_PHRASE_WORDS:
        return False
    if _may_instruct(lowered) and _INSTRUCTION.search(" ".join(words)):
        return True
    return (
        all(word.isalpha() or word.isdigit() for word in words)
        and bool(_STAGE_WORDS.intersection(words))
        and bool(_SECRET_NOUNS.intersection(words))
    )
