"""Key-name classification in every case style, value plausibility, and the entropy measures."""

from __future__ import annotations

import random
import string

import pytest

from bot.core.entropy import character_classes, shannon_entropy
from bot.core.heuristics import (
    SecretKind,
    credential_part,
    is_path,
    is_plausible_secret_value,
    is_random_key_material,
    key_name,
    key_words,
    meaningful_words,
    names_secret_in_passing,
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


# --- Regressions from a blind check on real manifests (synthetic values) ------------------------------------


def random_key(length: int, seed: int = 7) -> str:
    """Generated key material, made at test time so that no key-shaped literal sits in the repository."""
    return "".join(random.Random(seed).choices(string.ascii_letters + string.digits + "_-", k=length))


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("MORALIS_API_KEY_2", SecretKind.API_KEY),  # a numbered copy of a setting
        ("SCANNER_API_KEY_x", SecretKind.API_KEY),  # a one-letter variant
        ("DB_PASSWORD_PROD", SecretKind.PASSWORD),  # a stage suffix
        ("StripeSecretDev", SecretKind.SECRET),
        ("WEBHOOK_TOKEN_V2", SecretKind.TOKEN),
        ("APP_SECRET_PEPPER", SecretKind.SECRET),  # a hashing pepper is a secret
        ("PEPPER", SecretKind.SECRET),
    ],
)
def test_variant_suffixes_do_not_hide_the_word_that_names_the_secret(key: str, kind: SecretKind) -> None:
    assert secret_kind_of_key(key) is kind


def test_variant_suffixes_are_dropped_from_meaningful_words_only() -> None:
    assert meaningful_words("CLIENT_ID_PROD") == ("client", "id")
    assert meaningful_words("DEV") == ("dev",)
    assert key_words("CLIENT_ID_PROD") == ("client", "id", "prod")  # every word stays for the prefilter
    assert normalized_key("AWS_SECRET_KEY_2") == "aws_secret_key"


@pytest.mark.parametrize(
    "value", ["key.json", "serviceAccountKey.json", "server.pem", "firebase-adminsdk.json", "tls.key"]
)
def test_bare_credential_file_names_are_paths_not_secrets(value: str) -> None:
    assert is_path(value)
    assert not is_plausible_secret_value(value, SecretKind.CREDENTIAL)


def test_a_password_with_a_dot_is_not_a_file_name() -> None:
    assert not is_path("Tr0ub4dor.3xq")


def test_a_snake_case_passphrase_is_a_plausible_password_but_a_variable_name_is_not() -> None:
    assert is_plausible_secret_value("crane_" + "tulip_orbit_gravel", SecretKind.PASSWORD)
    assert not is_plausible_secret_value("db_password", SecretKind.PASSWORD)
    assert not is_plausible_secret_value("MY_DB_SECRET", SecretKind.PASSWORD)
    assert not is_plausible_secret_value("crane_tulip_orbit", SecretKind.API_KEY)


def test_a_key_that_only_mentions_a_secret_counts_for_random_key_material() -> None:
    assert names_secret_in_passing("AUTH_0_SECRET_ID")
    assert names_secret_in_passing("SECRET_NAME")
    assert not names_secret_in_passing("CLIENT_SECRET")  # names one outright
    assert not names_secret_in_passing("PUBLIC_SECRET_ID")
    assert is_random_key_material(random_key(64))
    assert not is_random_key_material("prod/billing/stripe-api-credentials")
    assert not is_random_key_material("0123456789abcdef" * 4)  # hex: two classes, at most 4 bits a char
