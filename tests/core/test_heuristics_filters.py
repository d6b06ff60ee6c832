"""False-positive filters: each predicate with a table of values it must and must not reject."""

from __future__ import annotations

import base64

import pytest

from bot.core.filters import (
    is_default_credential,
    is_encrypted,
    is_password_hash,
    is_placeholder,
    is_placeholder_for,
    is_public_identifier,
    is_reference_syntax,
    is_self_describing,
    is_well_known_public_value,
)

# Public values printed in vendor documentation, assembled here so that no scanner trips over the file.
COSMOS_EMULATOR_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/" + "Jw=="
)
MPESA_SANDBOX_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd" + "2e0c893059b10f78e6b72ada1ed2c919"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "changeme",
        "CHANGE_ME",
        "<your-key>",
        "<<Enter your APIKeyValue>>",
        "<>",
        "YOUR_API_KEY_HERE",
        "YOUR-TWILIO-AUTH-TOKEN-HERE",
        "your_gmail_app_password_here",
        "xxx",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AIzaXXXX",
        "TODO",
        "tbd",
        "example",
        "KEYEXAMPLE1234",
        "dummy-value",
        "REPLACE_WITH_YOUR_ACTUAL_SENDGRID_API_KEY",
        "abc123",
        "password",
        "secret",
        "MyAPIkey",
        "mysupersecretpassword",
        "{{mustache}}",
        "${VAR}",
        "${DB_PASSWORD",
        "$DB_PASSWORD",
        "$(aws ssm get-parameter",
        "%DB_PASSWORD%",
        "{password}",
        "***REMOVED***",
        "********",
        "aaaaaaaa",
        "00000000-0000-0000-0000-000000000000",
        "sk_live_888888888888",
    ],
)
def test_placeholders_are_recognised(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "hunter2" + "hunter2",
        "Passw0rd!" + "2023",
        "TV6aZ2miRm" + "@ai3695",
        "sk-B3WRYwKofIXm" + "ELYHuVG2T3BlbkFJ",  # mixed-case letters that spell "fixme" are not a marker
        "riSv62pZnn0yE7Qy" + "OUR4tVv0lAF",  # nor "our" inside random text
        "mhr-mydsfmv-uhecn-33",
    ],
)
def test_real_looking_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


@pytest.mark.parametrize(
    ("key", "value"),
    [("ApiKeyValue", "KeyValue"), ("GITHUB_TOKEN", "github-token"), ("accountId", "CLOUDFLARE_ACCOUNT_ID")],
)
def test_a_value_that_repeats_its_key_name_is_a_placeholder(key: str, value: str) -> None:
    assert is_placeholder_for(key, value)


def test_a_real_value_is_not_a_placeholder_for_its_key() -> None:
    assert not is_placeholder_for("DB_PASSWORD", "hunter2" + "hunter2")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("STRIPE_KEY", "pk_live_" + "51HxAbCdEfGhIjKlMn"),
        ("PAYSTACK_PUBLIC_KEY", "pk_test_" + "ac7334f71f5290ade50b"),
        ("FLUTTERWAVE_PUBLIC_KEY", "FLWPUBK_TEST-" + "23ae08c637a8c0a8-X"),
        ("USER_POOL_ID", "us-east-1_AbCdEfGhI"),
        ("USER_POOL_CLIENT_ID", "4rkle2g8e0kdn7ls2hv6c1q6bv"),
        ("AWS_ACCOUNT", "123456789012"),
        ("ROLE", "arn:aws:iam::123456789012:role/app"),
        ("REGION", "eu-west-1"),
        ("GOOGLE_CLIENT", "1234567890-" + "abcdefghijklmnopqrstuvwxyz123456.apps.googleusercontent.com"),
        ("MPESA_CONSUMER_KEY", "f6uXBzhDWqTqVJBKHJvk"),
        ("TWITTER_CONSUMER_KEY", "xvz1evFS4wEEPTGEFPHBog"),
        ("APPINSIGHTS_INSTRUMENTATIONKEY", "ef17bcfe-cf08-4ff6-8574-796293786603"),
        (
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "InstrumentationKey=ef17bcfe-cf08-4ff6-8574-796293786603;"
            "IngestionEndpoint=https://eastasia-0.in.applicationinsights.azure.com/",
        ),
        ("RESOURCE_ID", "0f6b1c2e-5d4a-4c3b-9a8f-7e6d5c4b3a21"),
        ("FIREBASE_CLIENT_EMAIL", "firebase-adminsdk@proj.iam.gserviceaccount.com"),
        ("KV_NAMESPACE_ID", "0f6b1c2e5d4a4c3b9a8f7e6d5c4b3a21"),
        ("SHOPIFY_API_KEY", "769bf4a65b8e8a0c128d65161791c306"),
        ("TWILIO_ACCOUNT", "AC" + "0123456789abcdef" * 2),
        ("SUPABASE_KEY", "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"),
    ],
)
def test_public_identifiers_are_recognised(key: str, value: str) -> None:
    assert is_public_identifier(key, value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("STRIPE_SECRET_KEY", "sk_live_" + "51HxAbCdEfGhIjKlMn"),
        ("SHOPIFY_API_SECRET", "90b0f3ff0227b1b112c0b7d177a49f22"),
        ("SUPABASE_KEY", "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"),
        ("DB_PASSWORD", "hunter2" + "hunter2"),
    ],
)
def test_secrets_are_not_public_identifiers(key: str, value: str) -> None:
    assert not is_public_identifier(key, value)


@pytest.mark.parametrize(
    "value",
    [
        COSMOS_EMULATOR_KEY,
        f"AccountEndpoint=https://localhost:8081/;AccountKey={COSMOS_EMULATOR_KEY}",
        "UseDevelopmentStorage=true",
        "UseDevelopmentStorage=True",
        MPESA_SANDBOX_PASSKEY,
    ],
)
def test_well_known_public_values_are_recognised(value: str) -> None:
    assert is_well_known_public_value(value)


def test_only_the_stock_defaults_of_local_images_are_default_credentials() -> None:
    """`minioadmin` and `guest` are what every user of the image shares; `postgres` is a weak password that
    people deploy (see tests/core/test_accuracy_passwords.py)."""
    assert is_default_credential("minioadmin")
    assert is_default_credential("Guest")
    assert not is_default_credential("postgres")
    assert not is_well_known_public_value("postgres")


def test_an_ordinary_key_is_not_well_known() -> None:
    assert not is_well_known_public_value(MPESA_SANDBOX_PASSKEY[::-1])


@pytest.mark.parametrize(
    "value",
    [
        "${ssm:/svc/api-key}",
        "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db)",
        "!Ref DbPassword",
        "Fn::ImportValue",
        "@api-token",
        "%env(DB_PASSWORD)%",
    ],
)
def test_reference_syntax_is_recognised(value: str) -> None:
    assert is_reference_syntax(value)
    assert not is_reference_syntax("hunter2" + "hunter2")


def test_ciphertext_is_recognised() -> None:
    assert is_encrypted("ENC[AES256_GCM,data:Tr3Fq==,iv:abc,tag:def,type:str]")
    assert is_encrypted("EV[1:abc:def]")
    assert not is_encrypted("hunter2" + "hunter2")


# --- Regressions from a blind check on real manifests (synthetic values) ------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "default-signing-key-" + "must-be-at-least-32-characters-long",
        "acme-crm-jwt-secret-" + "change-in-production",
        "orbit-dev-cookie-secret-" + "48-characters-minimum",
        "local-dev-" + "webhook-secret",
        "TEST_" + "SESSION_KEY_FOR_CI",
        "generate-with-" + "openssl-rand-hex-32",
        "dev-only-" + "not-for-production",
        "replace-me-" + "before-deploying",
    ],
)
def test_defaults_that_describe_themselves_are_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert is_self_describing(value.lower())


@pytest.mark.parametrize(
    "value",
    [
        "django-insecure-" + "q8#v!m2@z$k4w9%e7r1t&y5u",  # a generated key behind a descriptive prefix
        "correct-horse-" + "battery-staple",  # a passphrase that says nothing about itself
        "prod-" + "k8Jq2mW9xR4tL7vB",
        "Summer2024!" + "Sunset",
    ],
)
def test_real_secrets_with_words_in_them_are_not_self_describing(value: str) -> None:
    assert not is_placeholder(value)


EVM_ADDRESS = "0x" + "a1B2c3D4e5" * 4
EVM_PRIVATE_KEY = "0x" + "4f3c2b1a0e9d8c7b" * 4
RECAPTCHA_KEY = "6Lc" + "Tq8wAAAAA" + "Kx7pR2mV9sT4bN6yH3jW5dF1gZ0c"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ALLOWED_TOKEN", EVM_ADDRESS),
        ("TREASURY_API_KEY", EVM_ADDRESS),
        ("Landing__CaptchaToken", RECAPTCHA_KEY),
        ("RECAPTCHA_SITE_KEY", RECAPTCHA_KEY),
    ],
)
def test_wallet_addresses_and_captcha_site_keys_are_public(key: str, value: str) -> None:
    assert is_public_identifier(key, value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("WALLET_PRIVATE_KEY", EVM_PRIVATE_KEY),
        ("captcha.secretkey", RECAPTCHA_KEY),
        ("RECAPTCHA_SECRET", RECAPTCHA_KEY),
        ("CaptchaServerKey", RECAPTCHA_KEY),
    ],
)
def test_wallet_keys_and_captcha_secret_keys_are_not_public(key: str, value: str) -> None:
    assert not is_public_identifier(key, value)


def _aspnet_identity_v3_hash(salt_length: int = 16, subkey_length: int = 32) -> str:
    header = bytes([1]) + (1).to_bytes(4, "big") + (100_000).to_bytes(4, "big")
    body = salt_length.to_bytes(4, "big") + bytes(range(7, 7 + salt_length + subkey_length))
    return base64.b64encode(header + body).decode()


@pytest.mark.parametrize(
    "value",
    [
        _aspnet_identity_v3_hash(),
        _aspnet_identity_v3_hash(subkey_length=64),
        "$2b$12$" + "Kq8vT3mW9xR2pL5nB7cY1u" + "eJ4hG6fD0sA8zQ2wE5rT7yU9iO1pL3m",
        "$argon2id$v=19$m=65536,t=3,p=4$" + "c29tZXNhbHRzb21lc2FsdA$" + "aGFzaGhhc2hoYXNo",
        "pbkdf2_sha256$600000$" + "Yq3sGk9vW2mT$" + "Zx8cV7bN6mQ5wE4rT3yU2iO1pA0sD9fG8hJ7kL6=",
    ],
)
def test_password_hashes_are_recognised(value: str) -> None:
    assert is_password_hash(value)


def test_random_base64_and_a_malformed_identity_header_are_not_hashes() -> None:
    assert not is_password_hash(base64.b64encode(bytes(range(40, 101))).decode())
    assert not is_password_hash(_aspnet_identity_v3_hash(subkey_length=20))
    assert not is_password_hash("hunter2" + "hunter2")
