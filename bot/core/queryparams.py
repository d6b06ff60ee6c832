"""Query-string parameters read as settings: which name a parameter's value is judged under.

Webhook and ingestion URLs carry their credential in the query string (an SNS `Endpoint`, a Firehose HTTP
destination, an EventBridge API destination: `https://host/hook?secret=...`, `?code=`, `?sig=`, `?key=`).
A parameter whose name already names a secret (`access_token`, `client_secret`, `api_key`) is judged as it
is; a few short names are credentials only by the convention of URLs (`key`, `code`, `sig`, `auth`), so they
are judged under a name the key-name analysis reads the same way. The original name is kept for reports.
"""

from __future__ import annotations

from bot.core.entropy import character_classes
from bot.core.heuristics import is_random_key_material
from bot.core.linear import LinearPattern

# A parameter of a URL's query (`?access_token=...&x=1`), anywhere in a value.
QUERY_PARAMETER = LinearPattern(r"[?&](?P<key>[A-Za-z_][\w.-]*)=(?P<value>[^&#\s\"'<>]+)", needs=("?", "&"))

# Short parameter names that carry a credential by URL convention, and the key name each is judged as.
_URL_CREDENTIAL_NAMES = {
    "key": "api_key",
    "apikey": "api_key",
    "code": "code_secret",  # Azure Functions, Google Apps Script, most webhook relays
    "sig": "signature_secret",
    "signature": "signature_secret",
    "hmac": "hmac_secret",
    "auth": "auth_token",
    "pass": "password",
}


# Such a parameter written in a text: the prefilter's cue that the text must be parsed, since the words of
# these names (`code`, `sig`) name no secret on their own.
_URL_CREDENTIAL_PARAMETER = LinearPattern(
    r"[?&](?:" + "|".join(_URL_CREDENTIAL_NAMES) + r")=", ignore_case=True, needs=("?", "&")
)


def may_hold_url_credential(text: str) -> bool:
    """Whether `text` has a query parameter named as a credential only by URL convention."""
    return _URL_CREDENTIAL_PARAMETER.search(text) is not None


# Of those, the names that say nothing of a secret themselves (`?key=reports.csv`, `?code=SPRING2024`): their
# value is a credential only when it is generated, never a file name, a word or a UUID.
_CONVENTION_ONLY_NAMES = frozenset({"key", "code", "sig", "signature", "hmac", "auth"})
# A generated key shorter than `is_random_key_material` asks for (a 20-character map tile key): key
# characters only, no `.` of a file name, in three classes (or hex digits and letters); a UUID is an id.
_GENERATED_KEY = LinearPattern(r"^[A-Za-z0-9_+/=%-]{16,}$")
_HEX_KEY = LinearPattern(r"^(?:[0-9a-f]{16,}|[0-9A-F]{16,})$")
_UUID = LinearPattern(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", ignore_case=True)
_GENERATED_CLASSES = 3


def judged_value(parameter: str, value: str) -> bool:
    """Whether a query parameter's value is judged at all: always, unless its name is a credential by URL
    convention only and the value is not generated key material."""
    if parameter.lower() not in _CONVENTION_ONLY_NAMES or is_random_key_material(value):
        return True
    classes = character_classes(value)
    generated = (_GENERATED_KEY.match(value) is not None and classes >= _GENERATED_CLASSES) or (
        _HEX_KEY.match(value) is not None and classes >= _GENERATED_CLASSES - 1
    )
    return generated and _UUID.match(value) is None


def judged_name(parameter: str) -> str:
    """The key name a query parameter's value is judged under (`sig` -> a signing secret)."""
    return _URL_CREDENTIAL_NAMES.get(parameter.lower(), parameter)
