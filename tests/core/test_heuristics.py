"""Key-name classification in every case style, value plausibility, and the entropy measures."""

from __future__ import annotations

import pytest

from bot.core.entropy import character_classes, shannon_entropy
from bot.core.heuristics import (
    SecretKind,
    credential_part,
    is_path,
    is_plausible_secret_value,
    key_name,
    key_words,
    normalized_key,
    secret_kind_of_key,
)


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("DB_PASSWORD", SecretKind.PASSWORD),
        ("MasterUserPassword", SecretKind.PASSWORD),
        ("db-pass", SecretKind.PASSWORD),
        ("DB_PASS", SecretKind.PASSWORD),
        ("smtp.passwd", SecretKind.PASSWORD),
        ("MPESA_PASSKEY", SecretKind.PASSWORD),
        ("apiKey", SecretKind.API_KEY),
        ("API_KEY", SecretKind.API_KEY),
        ("APIKEY", SecretKind.API_KEY),
        ("x-api-key", SecretKind.API_KEY),
        ("APP_KEY", SecretKind.API_KEY),
        ("SIGNING_KEY", SecretKind.API_KEY),
        ("SECRET_KEY_BASE", SecretKind.API_KEY),
        ("ApiKeyValue", SecretKind.API_KEY),
        ("client-secret", SecretKind.SECRET),
        ("clientSecret", SecretKind.SECRET),
        ("jwtSecret", SecretKind.SECRET),
        ("WEBHOOK_SECRET", SecretKind.SECRET),
        ("CHANNEL_SECRET", SecretKind.SECRET),
        ("FLUTTERWAVE_SECRET_HASH", SecretKind.SECRET),
        ("SecretString", SecretKind.SECRET),
        ("TOKEN", SecretKind.TOKEN),
        ("GatewayToken", SecretKind.TOKEN),
        ("AUTHTOKEN", SecretKind.TOKEN),
        ("Authorization", SecretKind.TOKEN),
        ("PRIVATE_KEY", SecretKind.PRIVATE_KEY),
        ("firebase.privateKey", SecretKind.PRIVATE_KEY),
        ("GOOGLE_CREDENTIALS", SecretKind.CREDENTIAL),
        ("Parameters.DocumentDBClusterPassword.Default", SecretKind.PASSWORD),
        ("provider.environment.GITHUB_API_KEY", SecretKind.API_KEY),
        ("env[VITE_API_KEY].value", SecretKind.API_KEY),
        ("spring.datasource.password", SecretKind.PASSWORD),
    ],
)
def test_keys_that_name_secrets(key: str, kind: SecretKind) -> None:
    assert secret_kind_of_key(key) is kind


@pytest.mark.parametrize(
    "key",
    [
        "PASSWORD_ITERATIONS",
        "GITHUB_TOKEN_URL",
        "MAX_TOKENS",
        "SECRET_ARN",
        "AWS_ACCESS_KEY_ID",
        "TWILIO_ACCOUNT_SID",
        "DB_USER",
        "Parameters.ActiveMQBrokerUsername.Default",
        "s3Key",
        "KeyName",
        "RouteKey",
        "PUBLIC_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "NEXT_PUBLIC_API_KEY",
        "SUPABASE_ANON_KEY",
        "MPESA_CONSUMER_KEY",
        "APPINSIGHTS_INSTRUMENTATIONKEY",
        "AzureWebJobsStorage",
        "key",
        "RESET_PASSWORD_URL",
        "",
    ],
)
def test_keys_that_name_no_secret(key: str) -> None:
    assert secret_kind_of_key(key) is None


def test_key_name_skips_positional_segments_and_reads_named_list_entries() -> None:
    assert key_name("Parameters.DbPassword.Default") == "DbPassword"
    assert key_name("env[VITE_API_KEY].value") == "VITE_API_KEY"
    assert key_name("endpoints.counter.secrets[0]") == "secrets"
    assert key_name("Resources.*.Environment.Variables.TOKEN") == "TOKEN"


def test_key_words_split_every_case_style() -> None:
    assert key_words("jwtSecret") == ("jwt", "secret")
    assert key_words("APIKey") == ("api", "key")
    assert key_words("AUTH0_CLIENT_SECRET") == ("auth0", "client", "secret")
    assert key_words("s3Key") == ("s3", "key")
    assert normalized_key("client-secret") == normalized_key("CLIENT_SECRET") == "client_secret"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("hunter2" + "hunter2", SecretKind.PASSWORD),
        ("Passw0rd!" + "2023", SecretKind.PASSWORD),
        ("84736251", SecretKind.PASSWORD),
        ("mhr-mydsfmv-" + "uhecn-33", SecretKind.TOKEN),
        ("96e22a1264e2" + "210cdf048216", SecretKind.SECRET),
        ("qwhfhsnxkzpwlrtvbcmdjqz", SecretKind.SECRET),
        ("Bearer Ab1Cd2" + "Ef3Gh4Ij5", SecretKind.TOKEN),
    ],
)
def test_plausible_secret_values(value: str, kind: SecretKind) -> None:
    assert is_plausible_secret_value(value, kind)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("true", SecretKind.PASSWORD),
        ("Off", SecretKind.TOKEN),
        ("5432", SecretKind.PASSWORD),
        ("4096", SecretKind.TOKEN),
        ("https://api.example.net/v1", SecretKind.API_KEY),
        ("~/.gcloud/keyfile.json", SecretKind.CREDENTIAL),
        ("assets/service-account.json", SecretKind.CREDENTIAL),
        ("/var/run/secrets/db", SecretKind.PASSWORD),
        ("ops@example.net", SecretKind.SECRET),
        ("HUBSPOT_API_KEY", SecretKind.API_KEY),
        ("Your Twilio Auth Token", SecretKind.PASSWORD),
        ("keyboard cat", SecretKind.SECRET),
        ("production", SecretKind.TOKEN),
        ('{"user": "app"}', SecretKind.SECRET),
        ("line one\nline two", SecretKind.PASSWORD),
        ("", SecretKind.PASSWORD),
    ],
)
def test_implausible_secret_values(value: str, kind: SecretKind) -> None:
    assert not is_plausible_secret_value(value, kind)


def test_slashes_in_base64_do_not_make_a_path() -> None:
    assert not is_path("/iuf8qKocKTsM/socYIq2LIq3Adri3NZ4i6QiaP0P")
    assert is_path("config/app.json")


def test_credential_part_strips_an_auth_scheme() -> None:
    assert credential_part("  Bearer abc.def ") == "abc.def"
    assert credential_part("Basic dXNlcjpwdw==") == "dXNlcjpwdw=="


def test_entropy_measures() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert character_classes("abc") == 1
    assert character_classes("aB3!") == 4
