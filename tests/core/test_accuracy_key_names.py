"""Key-name evidence (issue 14): public by declaration only when the key's words say so, and values that
look public only under a key that says what they are. Each exemption is paired with a secret it must not hide.
"""

from __future__ import annotations

import pytest

from bot.core.filters import is_public_identifier
from bot.core.heuristics import SecretKind, declares_public, key_words, secret_kind_of_key
from bot.core.rules import RuleSet

RULES = RuleSet.default()
TOKEN = "a8Fk29dkQpz0" + "Lm3nV7xY"
ACCOUNT = "8392017" + "46153"
RECAPTCHA = "6Lc" + "Tq8wAAAAA" + "Kx7pR2mV9sT4bN6yH3jW5dF1gZ0c"


@pytest.mark.parametrize(
    "key",
    [
        "PUBLIC_KEY",
        "publishableKey",
        "STRIPE_PUBLISHABLE_KEY",
        "VAPID_PUB_KEY",
        "pubKey",
        "SUPABASE_ANON_KEY",
    ],
)
def test_a_key_declared_public_names_no_secret(key: str) -> None:
    assert declares_public(key_words(key))
    assert secret_kind_of_key(key) is None


@pytest.mark.parametrize(
    "key", ["PUB_SUB_TOKEN", "PubSubToken", "pubsub_verification_token", "PUBLISHER_TOKEN"]
)
def test_pub_inside_pubsub_or_publisher_is_no_public_declaration(key: str) -> None:
    assert not declares_public(key_words(key))
    assert secret_kind_of_key(key) is SecretKind.TOKEN
    assert RULES.judge_keyed(key, TOKEN) is not None


@pytest.mark.parametrize(
    ("key", "kind"),
    [("NEXT_PUBLIC_CLIENT_SECRET", SecretKind.SECRET), ("PUBLIC_DB_PASSWORD", SecretKind.PASSWORD)],
)
def test_a_public_prefix_does_not_make_a_password_or_secret_public(key: str, kind: SecretKind) -> None:
    assert secret_kind_of_key(key) is kind
    assert RULES.judge_keyed(key, TOKEN) is not None


@pytest.mark.parametrize("key", ["AWS_ACCOUNT", "accountNumber", "OwnerAccount", "AWS_ACCOUNT_ID"])
def test_twelve_digits_are_an_account_id_when_the_key_says_so(key: str) -> None:
    assert is_public_identifier(key, ACCOUNT)


@pytest.mark.parametrize("key", ["DB_PASSWORD", "ADMIN_PIN_CODE", ""])
def test_twelve_digits_under_another_key_are_not_an_account_id(key: str) -> None:
    assert not is_public_identifier(key, ACCOUNT)


def test_a_twelve_digit_password_is_reported() -> None:
    assert RULES.judge_keyed("DB_PASSWORD", ACCOUNT) is not None
    assert [m.rule.id for m in RULES.find_tokens(f"mysql://app:{ACCOUNT}@db1.acme.net/app")] == [
        "database-url-password"
    ]


@pytest.mark.parametrize("key", ["RECAPTCHA_SITE_KEY", "recaptchaKey", "Landing__CaptchaToken", "SITE_KEY"])
def test_a_captcha_site_key_is_public_when_the_key_names_a_captcha_or_site(key: str) -> None:
    assert is_public_identifier(key, RECAPTCHA)


@pytest.mark.parametrize("key", ["API_TOKEN", "SERVICE_KEY", "RECAPTCHA_SECRET_KEY", ""])
def test_the_captcha_shape_under_another_key_is_judged_like_any_value(key: str) -> None:
    assert not is_public_identifier(key, RECAPTCHA)


def test_a_captcha_shaped_token_under_a_token_key_is_reported() -> None:
    assert RULES.judge_keyed("API_TOKEN", RECAPTCHA) is not None


@pytest.mark.parametrize(
    "key",
    ["IdempotencyToken", "NextToken", "PaginationToken", "PartitionKey", "SortKey", "KeyName", "KeyId",
     "ApiKeySourceType", "ContinuationToken", "MaxTokens", "ConditionKey", "DEDUPLICATION_KEY", "INDEX_KEY",
     "ShardKey", "MetricKey"],
)  # fmt: skip
def test_keys_that_merely_end_in_key_or_token_name_no_secret(key: str) -> None:
    assert RULES.judge_keyed(key, TOKEN) is None


@pytest.mark.parametrize("key", ["DB_PassWord", "UserPassWord", "Pass_Word", "DBPASS", "SMTPPWD", "mailPass"])
def test_password_keys_in_any_case_style_or_run_together_name_a_password(key: str) -> None:
    assert secret_kind_of_key(key) is SecretKind.PASSWORD
    assert RULES.judge_keyed(key, TOKEN) is not None


@pytest.mark.parametrize("key", ["bypass", "COMPASS_HEADING", "PASSWORD_RESET_URL"])
def test_words_that_end_in_pass_or_describe_a_password_flow_name_no_password(key: str) -> None:
    assert secret_kind_of_key(key) is None


@pytest.mark.parametrize(
    "text",
    [
        "https://api.telegram.org/bot"
        + "1234567890:AA"
        + "Hk3mP9xQ2wR7tY5uI8oP1aS4dF6gJ0kL2"
        + "/sendMessage",
        "hooks.slack.com/services/" + "T0A1B2C3D/B4E5F6G7H8/" + "Xq7Lm2Nb8Vc4Zs1Kd9Fg3Hj6",
    ],
)
def test_provider_credentials_without_the_usual_marker_are_found(text: str) -> None:
    assert RULES.find_tokens(text)


@pytest.mark.parametrize(
    ("key", "value"),
    [("apiKey", "x-api-key"), ("API_KEY", "myFirstKeyValue"), ("PRIMARY_KEY", "orderItemId"),
     ("ENCRYPTION_KEY", "aes-256-gcm"), ("SIGNING_KEY", "HS256"), ("JWT_KEY", "RS256")],
)  # fmt: skip
def test_names_and_algorithms_in_key_slots_are_not_keys(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


@pytest.mark.parametrize(
    ("key", "value"), [("API_KEY", "#{ApiKey}#"), ("API_KEY", "__ApiKey__"), ("DB_PASSWORD", "@db.password@")]
)
def test_token_replacement_templates_are_placeholders(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [("API_KEY", "aes256" + TOKEN), ("API_KEY", "x-" + TOKEN), ("DB_PASSWORD", "crane-tulip-orbit"),
     ("DB_PASSWORD", "HelloWorld"), ("API_KEY", "#" + TOKEN)],
)  # fmt: skip
def test_values_near_those_shapes_are_still_reported(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is not None


@pytest.mark.parametrize(
    ("key", "kind"),
    [("DB_PASSWORD_B64", SecretKind.PASSWORD), ("SIGNING_KEY_HEX", SecretKind.API_KEY),
     ("JWT_SECRET_ENCODED", SecretKind.SECRET), ("TOKEN_PLAIN", SecretKind.TOKEN)],
)  # fmt: skip
def test_an_encoding_suffix_does_not_hide_what_the_key_names(key: str, kind: SecretKind) -> None:
    assert secret_kind_of_key(key) is kind


@pytest.mark.parametrize(
    "key", ["COSMOS_PRIMARY_KEY", "MASTER_KEY", "STORAGE_ACCOUNT_KEY", "HOST_KEY", "SESSION_KEY"]
)
def test_keys_qualified_by_what_they_unlock_still_name_secrets(key: str) -> None:
    assert RULES.judge_keyed(key, TOKEN) is not None


@pytest.mark.parametrize(
    "value", ["/100DaysOfCloud/Backend/GithubToken", "/App/Prod/DbPassword", "/svc/prod/api-key/"]
)
def test_an_absolute_parameter_name_is_a_path_not_a_secret(value: str) -> None:
    assert RULES.judge_keyed("GITHUB_TOKEN", value) is None
    assert RULES.judge_keyed("DB_PASSWORD", value) is None


@pytest.mark.parametrize("value", ["/K7MDENG+bPxRfiCY/" + "wJalrXUtnFEMI=", "/" + "a" * 70 + "/b9Xq"])
def test_key_material_that_starts_with_a_slash_is_still_judged(value: str) -> None:
    assert RULES.judge_keyed("API_TOKEN", value) is not None


@pytest.mark.parametrize(
    ("key", "kind"),
    [("DB_SENHA", SecretKind.PASSWORD), ("SENHA_BANCO", SecretKind.PASSWORD),
     ("MOT_DE_PASSE", SecretKind.PASSWORD), ("dbPasswort", SecretKind.PASSWORD),
     ("PASSWORD_DB", SecretKind.PASSWORD), ("TOKEN_BOT", SecretKind.TOKEN),
     ("SECRET_JWT", SecretKind.SECRET)],
)  # fmt: skip
def test_password_words_of_other_languages_and_head_first_names_name_secrets(
    key: str, kind: SecretKind
) -> None:
    assert secret_kind_of_key(key) is kind


@pytest.mark.parametrize(
    "key", ["PASSWORD_RESET_URL", "TOKEN_EXPIRY", "SECRET_NAME", "PASSWORD_MIN_LENGTH", "KEY_USER"]
)
def test_head_first_names_that_describe_the_secret_name_none(key: str) -> None:
    assert secret_kind_of_key(key) is None


def test_a_node_key_is_a_secret_key_not_a_lookup_key() -> None:
    """A p2p node's key (geth's and Tendermint's `NODE_KEY`) is its private key."""
    assert secret_kind_of_key("NODE_KEY") is SecretKind.API_KEY
