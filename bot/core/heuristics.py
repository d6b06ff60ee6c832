"""Key-name heuristics: does a key name a secret, and could this value be one?

Most secrets in manifests have no provider prefix (database passwords, JWT signing keys, webhook secrets), so
the key is the strongest evidence. Key names arrive in every style (`DB_PASS`, `jwtSecret`, `client-secret`,
`Parameters.MasterPassword.Default`, `env[API_KEY].value`); they are reduced to lower-case words first, and
the LAST meaningful word decides: `PASSWORD_ITERATIONS` and `GITHUB_TOKEN_URL` do not name secrets.

The value then has to look like a credential rather than a number, a flag, a path, a URL, a sentence or the
name of a variable. Low-entropy passwords are kept on purpose: `hunter2hunter2` is a real leak.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from bot.core.entropy import character_classes, shannon_entropy
from bot.core.keymemo import PerKeyName
from bot.core.linear import LinearPattern


class SecretKind(StrEnum):
    PASSWORD = "password"  # noqa: S105 - a kind of secret, not one
    SECRET = "secret"  # noqa: S105
    TOKEN = "token"  # noqa: S105
    API_KEY = "api-key"
    PRIVATE_KEY = "private-key"
    CREDENTIAL = "credential"


_SEGMENT_WITH_INDEX = LinearPattern(r"^(?P<outer>.*?)\[(?P<inner>[^\]]*)\]$", needs=("[",))
_CAMEL_WORDS = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z0-9]+|[0-9]+")

# Path segments that say where a value sits, not what it is (`Parameters.DbPassword.Default`).
_POSITIONAL_SEGMENTS = frozenset({"default", "value", "values", "*", ""})
# Trailing words that tell copies of one setting apart (`API_KEY_2`, `API_KEY_x`, `DB_PASSWORD_PROD`): they
# hide the word that names the value, so they are dropped before the key is read.
# A variant word is a number, one letter, `v` and a number, or one of these.
_VARIANT_WORDS = frozenset(
    {"prod", "production", "dev", "development", "staging", "stage", "stg", "test", "testing", "qa", "uat",
     "local", "sandbox", "live", "old", "new", "backup"}
)  # fmt: skip
# Trailing words that describe the value's form or encoding: `SecretString`, `ApiKeyValue`, `SECRET_KEY_BASE`,
# `DB_PASSWORD_B64`, `SIGNING_KEY_HEX`, `SERVICE_ACCOUNT_KEY_JSON`: the secret is still the secret, encoded.
_FORM_WORDS = frozenset(
    {"value", "string", "str", "literal", "base", "b64", "base64", "encoded", "hex", "raw", "plain",
     "plaintext", "json", "pem", "der", "text", "txt", "data", "contents", "content", "bytes"}
)  # fmt: skip
# A key whose words include one of these is public by declaration (`NEXT_PUBLIC_...`, `SUPABASE_ANON_KEY`);
# `pub` only as the short form of public before `key` (`VAPID_PUB_KEY`), not in `PUB_SUB_TOKEN`.
_PUBLIC_WORDS = frozenset({"public", "publishable", "anon", "anonymous"})

# With the word for password in the languages of ordinary users' repositories (`DB_SENHA`, `MOT_DE_PASSE`
# is `mot de passe`: its last word `passe` is taken below as a run-together `pass`).
_PASSWORD_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "pw", "passphrase", "passkey", "passcode", "senha", "contrasena",
     "contrasenia", "passwort", "kennwort", "wachtwoord", "haslo", "parola", "mdp", "motdepasse", "passe"}
)  # fmt: skip
_SECRET_WORDS = frozenset({"secret", "secrets", "pepper"})
_TOKEN_WORDS = frozenset({"token", "authorization", "bearer"})
_CREDENTIAL_WORDS = frozenset({"credential", "credentials", "creds"})
# `X_KEY` names a secret unless X says the key is an identifier, a lookup key or public by design.
_NON_SECRET_KEY_QUALIFIERS = frozenset(
    {
        "s3", "object", "file", "bucket", "prefix", "path", "cache", "partition", "sort", "hash", "range",
        "foreign", "routing", "route", "idempotency", "dedup", "dedupe", "group", "message", "unique",
        "composite", "lookup", "search", "consumer", "client", "instrumentation", "site", "kms", "tag",
        "label", "header", "field", "column", "attribute", "event", "template", "translation", "metadata",
        "config", "setting", "settings", "locale", "i18n", "query", "cursor", "table", "schema", "sse",
        "condition", "context", "deduplication", "shard", "index", "metric", "dimension", "variable", "param",
        "parameter", "property", "map", "dictionary", "order", "ordering", "sequence", "version", "lock",
        "throttle", "rate", "row", "document", "item", "record", "entity",
    }
)  # fmt: skip
# `X_TOKEN` names a secret unless X says the token counts, pages or deduplicates (`NextToken`,
# `IdempotencyToken`, `PaginationToken`: request parameters of cloud APIs, never credentials).
_NON_SECRET_TOKEN_QUALIFIERS = frozenset(
    {
        "max", "min", "num", "number", "count", "limit", "csrf", "xsrf", "page", "next", "continuation",
        "idempotency", "pagination", "paging", "sync", "cancellation", "dedup", "dedupe", "previous", "prev",
    }
)  # fmt: skip
_NON_SECRET_PASSWORD_QUALIFIERS = frozenset({"reset", "forgot", "min", "max", "require", "requires"})
# Of those qualifiers, the ones whose values are opaque random strings or public by design: a pagination or
# idempotency token, an object key, a client or site key. The others (`LOCK_KEY`, `MAP_KEY`, `INDEX_KEY`,
# `SYNC_TOKEN`) usually hold a name, so their evidence covers names only, not random key material.
_RANDOM_OR_PUBLIC_BY_DESIGN = frozenset(
    {
        "idempotency", "dedup", "dedupe", "deduplication", "next", "continuation", "pagination", "paging",
        "previous", "prev", "s3", "object", "file", "bucket", "prefix", "path", "consumer", "client", "site",
        "instrumentation", "kms", "search",
    }
)  # fmt: skip
# Words run together with a password word at the end (`DBPASS`, `SMTPPWD`, `adminpassword`), except
# ordinary words that end in "pass".
_PASSWORD_ENDINGS = ("password", "passwd", "pass", "pwd")
_NOT_PASSWORDS = frozenset({"bypass", "compass", "surpass", "overpass", "underpass", "trespass", "encompass"})
# Words run together without separators (`APIKEY`, `dbpassword`, `AUTHTOKEN`).
_COMPOUND_KEY_ENDINGS = (
    "apikey", "secretkey", "accesskey", "appkey", "authkey", "signingkey", "encryptionkey", "masterkey",
    "accountkey", "sharedkey", "hmackey", "licensekey", "subscriptionkey", "webhookkey", "serverkey",
    "adminkey", "sessionkey", "jwtkey", "cookiekey", "cryptokey", "decryptionkey",
)  # fmt: skip


def key_name(key: str) -> str:
    """The segment of a dotted key path that names the value (`Parameters.DbPass.Default` -> `DbPass`)."""
    for segment in reversed(key.split(".")):
        indexed = "[" in segment and _SEGMENT_WITH_INDEX.match(segment)  # asked first: most hold no `[`
        if indexed:
            inner = indexed.group("inner").strip("'\"")
            segment = indexed.group("outer") if inner.isdigit() or not inner else inner
        if segment.strip().lower() not in _POSITIONAL_SEGMENTS and not segment.isdigit():
            return segment.strip()
    return ""


@functools.lru_cache(maxsize=4096)
def key_words(key: str) -> tuple[str, ...]:
    """The lower-case words of a key's name in any case style: `jwtSecret` -> ("jwt", "secret"); a word
    that case style split in two is joined again (`PassWord`, `Pass_Phrase` -> "password", "passphrase")."""
    words: list[str] = []
    # Over the whole name: a word never holds, nor looks past, a character other than an ASCII letter or
    # digit, so the name needs no split at those first (issue 16; tests/core/test_judging_shortcuts.py).
    for word in _CAMEL_WORDS.findall(key_name(key)):
        lowered = word.lower()
        if words and words[-1] == "pass" and lowered in _PASS_SUFFIXES:
            words[-1] += lowered
        else:
            words.append(lowered)
    return tuple(words)


_PASS_SUFFIXES = frozenset({"word", "words", "phrase", "code", "key"})


@functools.lru_cache(maxsize=4096)
def meaningful_words(key: str) -> tuple[str, ...]:
    """`key_words` without trailing variant words: `MORALIS_API_KEY_2` -> ("moralis", "api", "key")."""
    words = key_words(key)
    end = len(words)
    while end > 1 and _is_variant_word(words[end - 1]):
        end -= 1
    return words[:end]


def _is_variant_word(word: str) -> bool:
    """Whether one of `key_words`' words (lower-case ASCII letters and digits, never empty) tells copies of a
    setting apart. Read with string methods: a pattern's call per key cost more than the rest of reading the
    key (issue 16; tests/core/test_value_shapes.py compares it with the pattern it replaced)."""
    return (
        word.isdigit() or len(word) == 1 or word in _VARIANT_WORDS or (word[0] == "v" and word[1:].isdigit())
    )


def normalized_key(key: str) -> str:
    """The key's meaningful words as snake_case; keyed rules match their `key_regex` against this."""
    return "_".join(meaningful_words(key))


def secret_kind_of_key(key: str) -> SecretKind | None:
    """What kind of secret a key names, or None when its name does not name one.

    A key declared public (`PUBLIC_KEY`, `NEXT_PUBLIC_MAPS_KEY`, `SUPABASE_ANON_KEY`) names no secret when
    it names a key or token, which can be public by design; a password or secret stays one whatever the
    prefix says (`NEXT_PUBLIC_CLIENT_SECRET` is a secret shipped to every browser).

    Remembered across files with `names_a_secret_only_if_random` (`key_answers`)."""
    return key_answers(key)[0]


KeyAnswers = tuple[SecretKind | None, bool]


@PerKeyName
def key_answers(key: str) -> KeyAnswers:
    """`(secret_kind_of_key(key), names_a_secret_only_if_random(key))`, read and remembered together: the
    scan asks both of most names, and each remembered answer costs a keyed digest of the name, about a third
    of reading the name (issue 16; tests/core/test_keymemo.py compares the two with their questions)."""
    kind = kind_of_key_name(key)
    in_passing = _names_in_passing(meaningful_words(key), kind)
    return _SHARED_ANSWERS[kind, in_passing or names_a_lookup_key(key)]


# Every possible answer of `key_answers`, made once: a remembered name then holds no tuple of its own
# (`keymemo.ENTRY_BYTES`).
_SHARED_ANSWERS: dict[KeyAnswers, KeyAnswers] = {
    (kind, flag): (kind, flag) for kind in (None, *SecretKind) for flag in (False, True)
}


def kind_of_key_name(key: str) -> SecretKind | None:
    """`secret_kind_of_key`, read from the name now rather than remembered."""
    words = meaningful_words(key)
    if not words:
        return None
    while len(words) > 1 and words[-1] in _FORM_WORDS:
        words = words[:-1]
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    if last == "hash" and (before in _SECRET_WORDS or before in _PASSWORD_WORDS):
        kind: SecretKind | None = SecretKind.SECRET
    elif last == "key":
        kind = _kind_of_key_word(before)
    else:
        kind = _kind_of_word(last, before)
    if kind is None:
        kind = _kind_of_head_first(words)
    if kind is None or kind in (SecretKind.PASSWORD, SecretKind.SECRET, SecretKind.PRIVATE_KEY):
        return kind  # `declares_public` only ever clears a kind, so a key naming none skips it (issue 16)
    return None if declares_public(words) else kind


def declares_public(words: tuple[str, ...]) -> bool:
    """The key's words say its value is public: `public`, `publishable`, `anon` anywhere, or `pub` as the
    short form of public before `key` (`VAPID_PUB_KEY`, `pubKey`), never inside `pub`/`sub`."""
    if _PUBLIC_WORDS.intersection(words) or "pubkey" in words:
        return True
    return "pub" in words and any(
        word == "pub" and words[index + 1 : index + 2] == ("key",) for index, word in enumerate(words)
    )  # `in` first: asked of every key name, and most hold no `pub` (issue 16)


def _kind_of_head_first(words: tuple[str, ...]) -> SecretKind | None:
    """Names written head first, as Romance languages and many bot tutorials do (`SENHA_BANCO`,
    `PASSWORD_DB`, `TOKEN_BOT`, `SECRET_JWT`): a secret word first and, last, the thing it unlocks. Any other
    last word (`PASSWORD_RESET_URL`, `TOKEN_EXPIRY`, `SECRET_NAME`) describes the secret instead."""
    if len(words) < 2 or words[-1] not in _UNLOCKED_THINGS:
        return None
    head = words[0]
    if head in _PASSWORD_WORDS:
        return SecretKind.PASSWORD
    if head in _SECRET_WORDS:
        return SecretKind.SECRET
    return SecretKind.TOKEN if head in _TOKEN_WORDS else None  # `KEY_USER` is a lookup key as often as not


# What a head-first secret name ends on: a service, a store or an account, in English and Portuguese/Spanish.
_UNLOCKED_THINGS = frozenset(
    {
        "db", "bd", "banco", "database", "datos", "dados", "admin", "root", "usuario", "user", "email",
        "correo", "mail", "smtp", "servidor", "server", "app", "api", "ftp", "sftp", "redis", "mysql",
        "postgres", "mongo", "mongodb", "rabbitmq", "bot", "telegram", "discord", "github", "gitlab", "slack",
        "openai", "twitter", "stripe", "sendgrid", "twilio", "jwt", "auth", "access", "aws", "gcp", "azure",
    }
)  # fmt: skip


def _kind_of_key_word(before: str) -> SecretKind | None:
    if before == "private":
        return SecretKind.PRIVATE_KEY
    if not before or before in _NON_SECRET_KEY_QUALIFIERS:
        return None
    return SecretKind.API_KEY


def _kind_of_word(word: str, before: str) -> SecretKind | None:
    if word in _PASSWORD_WORDS or (word.endswith(_PASSWORD_ENDINGS) and word not in _NOT_PASSWORDS):
        return None if before in _NON_SECRET_PASSWORD_QUALIFIERS else SecretKind.PASSWORD
    if word in _SECRET_WORDS or word.endswith("secret"):
        return SecretKind.SECRET
    if word in _TOKEN_WORDS or word.endswith("token"):
        return None if before in _NON_SECRET_TOKEN_QUALIFIERS else SecretKind.TOKEN
    if word in _CREDENTIAL_WORDS:
        return SecretKind.CREDENTIAL
    if word.endswith("privatekey"):
        return SecretKind.PRIVATE_KEY
    if word.endswith(_COMPOUND_KEY_ENDINGS):
        return SecretKind.API_KEY
    return None


_NUMBER = LinearPattern(r"^[+-]?(?:\d+(?:[.,]\d+)*|\d*\.\d+)(?:[eE][+-]?\d+)?$")
_FLAG_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~", "undefined"})
_URL = LinearPattern(r"^[A-Za-z][A-Za-z0-9+.-]*://", needs=("://",))
_RELATIVE_OR_WINDOWS_PATH = LinearPattern(r"^(?:~|\.{1,2})[/\\]|^[A-Za-z]:\\", needs=("/", "\\"))
_SLASHED_PATH = LinearPattern(r"^/?[\w.@+-]+(?:/[\w.@+-]+)*/?$")
_FILE_EXTENSION = LinearPattern(r"\.[A-Za-z0-9]{1,5}$")
# An absolute name of two or more segments (`/100DaysOfCloud/Backend/GithubToken`): an SSM parameter, a
# Secrets Manager or Vault path, never the secret, when its segments read as words (`_is_wordy`): base64 key
# material that happens to start with `/` reads as noise.
_PARAMETER_NAME = LinearPattern(r"^/[A-Za-z0-9_.@-]{1,64}(?:/[A-Za-z0-9_.@-]{1,64})+/?$")
_LOWER_RUN = LinearPattern(r"[a-z]{3,}")
_WORDY_SHARE = 0.5
# A bare file name in a credential slot (`GOOGLE_APPLICATION_CREDENTIALS: key.json`) names where the secret
# is, not the secret: only extensions of key, certificate and configuration files count.
_CREDENTIAL_FILE_NAME = LinearPattern(
    r"^[\w.-]*[A-Za-z][\w-]*\.(?:json|pem|key|p12|pfx|crt|cer|der|jks|keystore|ppk|ya?ml|toml|ini|txt|env)$",
    ignore_case=True,
    needs=(".",),
)
_EMAIL = LinearPattern(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$", needs=("@",))
# Names in every case style, letters only: `DB_PASSWORD`, `db_password`, `x-api-key`, `itemId`, `KeyValue`.
# Generated key material practically never reads as whole words in one consistent style.
_IDENTIFIER_NAME = LinearPattern(
    r"^(?:[A-Z][A-Z]*(?:_[A-Z]+)+|[a-z][a-z]*(?:_[a-z]+)+|[a-z]+(?:-[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+"
    r"|(?:[A-Z][a-z]+){2,})$"
)
# Algorithm names in key slots (`ENCRYPTION_KEY: aes-256-gcm`, `SIGNING_KEY: HS256`): settings, not keys.
_ALGORITHM = LinearPattern(
    r"^(?:aes|des|3des|rsa|ecdsa|ed25519|hmac|sha|md5|chacha20|hs|rs|es|ps|blowfish|argon2(?:id|i|d)?|bcrypt)"
    r"[-_]?\d*(?:[-_](?:gcm|cbc|ctr|ecb|cfb|ofb|sha\d*|poly1305|pss|oaep|\d+))*$",
    ignore_case=True,
)
_AUTH_SCHEME = LinearPattern(r"^(?:Bearer|Basic|Token|Bot|Digest)\s+", ignore_case=True)
# The characters a match of `_NUMBER`, `_ALGORITHM` (either case) or `_AUTH_SCHEME` (either case) starts with.
_NUMBER_INITIALS = frozenset("+-.0123456789")
_ALGORITHM_INITIALS = frozenset("3abcdehmprsABCDEHMPRS")
_SCHEME_INITIALS = frozenset("bdtBDT")
_LONG_NUMERIC_PASSWORD = 8
# Google's app passwords, shown as four groups of four letters (`abcd efgh ijkl mnop`): not prose.
_APP_PASSWORD = LinearPattern(r"^[a-z]{4}(?: [a-z]{4}){3}$")
_ONE_CLASS_SECRET = 10
_ONE_CLASS_TOKEN = 16
_ONE_CLASS_ENTROPY = 3.0


def credential_part(value: str) -> str:
    """The value without surrounding blanks, one level of quotes written inside it (API Gateway's static
    header values are `"'Bearer abc'"`) or an HTTP auth scheme (`Bearer abc` -> `abc`)."""
    text = value.strip()
    if len(text) > 2 and text[0] == text[-1] and text[0] in "'\"`":
        text = text[1:-1].strip()
    return text if _starts_outside(text, _SCHEME_INITIALS) else _AUTH_SCHEME.sub("", text, count=1)


def _starts_outside(text: str, initials: frozenset[str]) -> bool:
    """Whether `text` starts with an ASCII character that is none of `initials`: then a pattern whose every
    match starts with one of them cannot match at the start, and is not called (issue 16). A non-ASCII
    start is left to the pattern, as RE2 folds some such characters onto ASCII letters (U+017F onto `s`)."""
    initial = text[:1]
    return initial != "" and initial.isascii() and initial not in initials


def is_number(value: str) -> bool:
    return not _starts_outside(value, _NUMBER_INITIALS) and bool(_NUMBER.match(value))


def is_flag(value: str) -> bool:
    """Booleans and null-ish words, which YAML users often quote."""
    return value.strip().lower() in _FLAG_WORDS


def is_url(value: str) -> bool:
    return bool(_URL.match(value))


def is_path(value: str) -> bool:
    """A file-system path such as `~/.gcloud/keyfile.json`, `assets/sa.json`, `/var/run/secrets/db`, a
    parameter name (`/App/Prod/DbPassword`) or a bare credential file name (`serviceAccountKey.json`).

    Base64 keys contain slashes too; a slashed value counts as a path only when it ends in a file extension,
    is all lower-case or is an absolute name of word segments, which random key material practically never is.
    """
    if " " in value:
        return False
    if _RELATIVE_OR_WINDOWS_PATH.match(value) or _CREDENTIAL_FILE_NAME.match(value):
        return True
    if "/" not in value or not _SLASHED_PATH.match(value):
        return False
    if _PARAMETER_NAME.match(value) and _is_wordy(value):
        return True
    return bool(_FILE_EXTENSION.search(value)) or value == value.lower()


def _is_wordy(value: str) -> bool:
    """Most letters and digits sit in runs of three or more lower-case letters, as in words (`GithubToken`,
    `prod`); in random key material they rarely do."""
    alphanumerics = sum(char.isalnum() for char in value)
    in_words = sum(len(run) for run in _LOWER_RUN.findall(value))
    return alphanumerics > 0 and in_words >= _WORDY_SHARE * alphanumerics


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def is_identifier_name(value: str) -> bool:
    """The name of a variable, field or header (`HUBSPOT_API_KEY`, `db_password`, `x-api-key`, `itemId`),
    not a value."""
    letters = value.removesuffix("\n").replace("_", "").replace("-", "")
    if not (letters.isascii() and letters.isalpha()):
        return False  # the pattern reads ASCII letters, `_` and `-` (and a final line break) only (issue 16)
    return bool(_IDENTIFIER_NAME.match(value))


def is_algorithm_name(value: str) -> bool:
    """A cipher, hash or signature algorithm (`aes-256-gcm`, `HS256`, `sha512`): a setting, not a key."""
    return not _starts_outside(value, _ALGORITHM_INITIALS) and bool(_ALGORITHM.match(value))


def is_sentence(value: str) -> bool:
    """Prose such as `Your Twilio Auth Token`: three or more words made of letters."""
    words = value.split()
    return len(words) >= 3 and all(word.strip(".,:;!?'\"()").isalpha() for word in words)


def is_structured_text(value: str) -> bool:
    """Inline JSON/YAML collections or multi-line text: containers, judged field by field elsewhere."""
    stripped = value.strip()
    return "\n" in stripped or (stripped[:1], stripped[-1:]) in {("{", "}"), ("[", "]")}


def is_plausible_secret_value(value: str, kind: SecretKind) -> bool:
    """Could `value` be a credential of this kind, judged by its shape alone?"""
    candidate = credential_part(value)
    if not candidate or is_flag(candidate) or is_structured_text(candidate):
        return False
    if is_number(candidate):
        return kind is SecretKind.PASSWORD and len(candidate) >= _LONG_NUMERIC_PASSWORD
    if is_url(candidate) or is_path(candidate) or is_email(candidate):
        return False
    if kind is SecretKind.PASSWORD:
        sentence = is_sentence(candidate) and not _APP_PASSWORD.match(candidate)
        return not sentence and not _names_a_variable(candidate)
    if is_identifier_name(candidate) or is_algorithm_name(candidate):
        return False
    if _has_blank(candidate):
        return False
    if character_classes(candidate) >= 2:
        return True
    # One character class: generated secrets in one case (`OCPBNSNSNYKZPD`, `xkkrxhcjeciqvebvvif`) are still
    # secrets under a key that names a secret; keys and tokens that short in one class are rarely real.
    shortest = _ONE_CLASS_SECRET if kind in (SecretKind.SECRET, SecretKind.CREDENTIAL) else _ONE_CLASS_TOKEN
    return len(candidate) >= shortest and shannon_entropy(candidate) >= _ONE_CLASS_ENTROPY


def _has_blank(text: str) -> bool:
    """Whether `text` holds a character that `str.isspace` accepts: `split` breaks at exactly those, in one
    call rather than a Python step per character (issue 16; tests/core/test_value_shapes.py)."""
    return text != "" and text.split(maxsplit=1) != [text]


def _names_a_variable(value: str) -> bool:
    """For password slots: `DB_PASSWORD` or `db_password` name a variable, while a lower-case passphrase of
    random words joined by underscores (`crane_tulip_orbit`) is a password people really choose."""
    if not is_identifier_name(value):
        return False
    return value.isupper() or any(word in _VARIABLE_NAME_WORDS for word in value.split("_"))


_VARIABLE_NAME_WORDS = frozenset(
    {*_PASSWORD_WORDS, *_SECRET_WORDS, *_TOKEN_WORDS, *_CREDENTIAL_WORDS, "key", "api", "db", "user", "env"}
)
_EMBEDDED_SECRET_MIN_LENGTH = 32
_EMBEDDED_SECRET_MIN_ENTROPY = 4.5
_RANDOM_TOKEN = LinearPattern(r"^[A-Za-z0-9_+/=-]+$")


def names_secret_in_passing(key: str) -> bool:
    """A key that mentions a secret without ending on it (`AUTH0_SECRET_ID`, `SECRET_NAME`): usually the
    secret's name or id, but a value that is itself long random key material is the secret."""
    return _names_in_passing(meaningful_words(key), secret_kind_of_key(key))


def _names_in_passing(words: tuple[str, ...], kind: SecretKind | None) -> bool:
    """`names_secret_in_passing` of a name with these meaningful words and this kind (`key_answers` has
    read the kind already)."""
    return (
        not _SECRET_WORDS.isdisjoint(words[:-1])  # first: most keys mention no secret word (issue 16)
        and kind is None
        and not declares_public(words)
    )


def names_a_lookup_key(key: str) -> bool:
    """A secret word qualified as a lookup key or a setting (`LOCK_KEY`, `INDEX_KEY`, `SYNC_TOKEN`,
    `RESET_PASSWORD`): usually a name, a number or a path, but a value that is itself long random key
    material is a secret."""
    words = meaningful_words(key)
    while len(words) > 2 and words[-1] in _FORM_WORDS:
        words = words[:-1]
    if len(words) < 2 or words[-2] in _RANDOM_OR_PUBLIC_BY_DESIGN:
        return False
    last, before = words[-1], words[-2]
    if last == "key":
        named = before in _NON_SECRET_KEY_QUALIFIERS
    else:  # a secret word alone, which its qualifier cleared; most last words name no secret (issue 16)
        named = _kind_of_word(last, "") is not None and _kind_of_word(last, before) is None
    return named and not declares_public(words)


def names_a_secret_only_if_random(key: str) -> bool:
    """Keys whose name forgives a name or an id but not random key material under it: a secret named in
    passing (`SECRET_ID`) or a lookup key (`LOCK_KEY`). Remembered with the key's kind (`key_answers`)."""
    return key_answers(key)[1]


def is_random_key_material(value: str) -> bool:
    """Long, high-entropy text of key characters in three classes: generated, never typed or named."""
    return (
        len(value) >= _EMBEDDED_SECRET_MIN_LENGTH
        and _RANDOM_TOKEN.match(value) is not None
        and character_classes(value) >= 3
        and shannon_entropy(value) >= _EMBEDDED_SECRET_MIN_ENTROPY
    )
