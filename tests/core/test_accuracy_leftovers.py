"""Accuracy leftovers: documented test values, provider prefixes shared by two providers, URL userinfo and
OpenWeather keys. Each class is tested both ways; every value here is made up except the documented ones."""

from __future__ import annotations

import pytest

from bot.core.rules import RuleSet

RULES = RuleSet.default()
HEX32 = "3f9a2c7e1b5d8f0a" + "4c6e9b2d7a1c3e5f"
BASE62 = "Q7vR2kLp9XzT4mWb" + "8NcY3hJ6gF1sD5aK"  # 32 base62 characters
# Google's documented reCAPTCHA v2 test secret key (passes every check; printed in the reCAPTCHA FAQ).
RECAPTCHA_TEST_SECRET = "6LeIxAcTAAAAAGG-" + "vFI1TnRWxMZNFuojJ4WifJWe"


def _token_ids(text: str) -> list[str]:
    return [match.rule.id for match in RULES.find_tokens(text)]


def _keyed_id(key: str, value: str) -> str | None:
    match = RULES.judge_keyed(key, value)
    return match.rule.id if match else None


# --- 2. A documented test value is forgiven, not its shape -------------------------------------------------


def test_googles_documented_recaptcha_test_secret_is_not_reported() -> None:
    assert _keyed_id("RECAPTCHA_SECRET_KEY", RECAPTCHA_TEST_SECRET) is None


def test_a_recaptcha_secret_of_the_same_shape_is_still_reported() -> None:
    assert _keyed_id("RECAPTCHA_SECRET_KEY", RECAPTCHA_TEST_SECRET[:-1] + "Q") is not None


# --- 4. Providers that share a prefix: the rule names the right one ----------------------------------------


@pytest.mark.parametrize("prefix", ["sk_test_", "sk_live_"])
def test_a_stripe_key_of_clerks_length_is_named_after_stripe(prefix: str) -> None:
    assert _token_ids(f"STRIPE_SECRET_KEY={prefix}51{BASE62}{BASE62[:10]}") == ["stripe-secret-key"]


@pytest.mark.parametrize("prefix", ["sk_test_", "sk_live_"])
def test_a_clerk_key_is_still_named_after_clerk(prefix: str) -> None:
    assert _token_ids(f"CLERK_SECRET_KEY={prefix}{BASE62}{BASE62[:10]}") == ["clerk-secret-key"]


def test_a_paystack_key_is_still_named_after_paystack() -> None:
    assert _token_ids(f"PAYSTACK_SECRET_KEY=sk_test_{HEX32}{HEX32[:8]}") == ["paystack-secret-key"]


# --- 5. A URL password may hold `/` (Cosmos DB's Mongo URLs carry a base64 key) ----------------------------


def test_a_url_password_with_a_slash_is_read_up_to_the_at_before_the_host() -> None:
    url = f"mongodb://acct:{BASE62[:20]}/{BASE62[20:]}+{BASE62}==@acct.mongo.cosmos.azure.com:10255/?ssl=true"
    assert _token_ids(url) == ["database-url-password"]
    password = url.split(":", 2)[2].split("@")[0]
    assert [(match.start, match.end) for match in RULES.find_tokens(url)] == [
        (url.index(password), url.index(password) + len(password))
    ]


@pytest.mark.parametrize(
    "url",
    [
        "mongodb://db:27017/app?authSource=admin@example",
        "postgres://db:5432/app#user@host",
        "redis://cache:6379/0",
    ],
)
def test_a_port_and_path_are_never_read_as_a_password(url: str) -> None:
    assert _token_ids(url) == []


# --- 6. OpenWeather's `appid` ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"https://api.openweathermap.org/data/2.5/weather?q=Oslo&appid={HEX32}",
        f"fetch(`https://api.openweathermap.org/data/2.5/forecast?appid={HEX32}&units=metric`)",
    ],
)
def test_an_openweather_appid_in_a_url_is_reported(url: str) -> None:
    assert _token_ids(url) == ["openweather-api-key"]


@pytest.mark.parametrize(
    "url",
    ["https://api.openweathermap.org/data/2.5/weather?appid=<your-api-key>", f"?appid={HEX32[:24]}"],
)
def test_an_appid_placeholder_or_other_shape_is_not(url: str) -> None:
    assert _token_ids(url) == []


@pytest.mark.parametrize("key", ["OPENWEATHER_APPID", "WEATHER_APPID", "appid", "OPEN_WEATHER_MAP"])
def test_an_openweather_key_setting_is_reported(key: str) -> None:
    assert _keyed_id(key, HEX32) == "openweather-api-key-setting"


@pytest.mark.parametrize(
    ("key", "value"),
    [("APP_ID", HEX32), ("OPENWEATHER_APPID", "your-openweather-appid"), ("WEATHER_APPID", HEX32[:20])],
)
def test_an_app_id_or_a_placeholder_is_no_openweather_key(key: str, value: str) -> None:
    assert _keyed_id(key, value) != "openweather-api-key-setting"


# --- 1. A signing secret typed as a run of words is the key; an instruction is a placeholder ----------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_SECRET", "supersecretkey"),
        ("SECRET_KEY", "jwtsecret"),
        ("SESSION_SECRET", "mysecretpassword"),
        ("JWT_SECRET", "my_jwt_secret_123"),
        ("COOKIE_SECRET", "TopSecretSigningKey"),
    ],
)
def test_a_signing_secret_typed_as_words_is_reported(key: str, value: str) -> None:
    match = RULES.judge_keyed(key, value)
    assert match is not None
    assert match.rule.severity.rank <= 2  # low or medium, like any weak signing secret


@pytest.mark.parametrize(
    "value",
    [
        "your-secret-here",
        "change-me",
        "replace_with_secret",
        "<secret>",
        "put-your-key",
        "PUTthisSecretKeyInTheEnvironmentPlease",
        "secret",
        "jwtsecret",  # spells its own key
        "dev-secret",
        "xxx",
    ],
)
def test_an_instruction_or_a_single_slot_word_stays_a_placeholder(value: str) -> None:
    assert RULES.judge_keyed("JWT_SECRET", value) is None


@pytest.mark.parametrize(
    ("key", "value"), [("API_KEY", "supersecretkey"), ("DB_PASSWORD", "mysecretpassword")]
)
def test_a_run_of_slot_words_outside_a_signing_slot_is_still_a_placeholder(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


# --- 3. A provider's rule claims only the provider's shape -------------------------------------------------


def test_a_cosmos_key_setting_with_a_word_value_is_not_claimed_by_an_azure_rule() -> None:
    assert not (_keyed_id("COSMOS_DB_KEY", "Spooky-info") or "").startswith("azure-")


def test_a_cosmos_key_of_the_providers_shape_is_named_after_azure() -> None:
    assert _keyed_id("COSMOS_DB_KEY", (BASE62 * 3)[:86] + "==") == "azure-account-key"
