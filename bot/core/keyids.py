"""Provider key ids: the public half of a key/secret pair, documented as an identifier.

Several providers issue credentials as a pair and call the identifying half an "API key": Vonage (Nexmo)
`api_key` is 8 hex digits beside a 16-character `api_secret`, a Pusher app `key` ships to every browser
beside the server's `secret`, a Mailjet API key is the public half of `MJ_APIKEY_PUBLIC`/`_PRIVATE`.
Under such a provider's key name, a value of exactly the documented id shape is an identifier; the secret
beside it is still judged. Two prefixes are ids wherever they appear: Razorpay key ids (`rzp_live_...`,
shown in checkout pages) and PostHog project keys (`phc_...`, written into every tracked page).
"""

from __future__ import annotations

from bot.core.linear import LinearPattern

# Provider word in the key name -> the documented shape of its public key id.
_KEY_ID_SHAPES = {
    "vonage": LinearPattern(r"^[0-9a-f]{8}$"),
    "nexmo": LinearPattern(r"^[0-9a-f]{8}$"),
    "pusher": LinearPattern(r"^[0-9a-f]{20}$"),
    "mailjet": LinearPattern(r"^[0-9a-f]{32}$"),
}
_PUBLIC_PREFIXED = LinearPattern(r"^(?:rzp_(?:live|test)_[A-Za-z0-9]{14}|phc_[A-Za-z0-9]{32,64})$")
# A key that says it holds the other half is never an id, whatever the value looks like.
_SECRET_HALF_WORDS = frozenset({"secret", "private", "password", "token", "signature", "signing"})


def is_provider_key_id(words: tuple[str, ...], value: str) -> bool:
    """Whether `value`, under a key of these lower-case words, is a provider's documented public key id."""
    if _PUBLIC_PREFIXED.match(value):
        return True
    if not words or words[-1] not in ("key", "apikey") or _SECRET_HALF_WORDS.intersection(words):
        return False
    return any(word in _KEY_ID_SHAPES and _KEY_ID_SHAPES[word].match(value) is not None for word in words)
