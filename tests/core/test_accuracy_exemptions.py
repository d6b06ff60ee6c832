"""Exemptions reach no further than their evidence (issue 14): each case is forgiven where the evidence is
there, and a real secret of the same shape is reported where it is not. Fake values are built here."""

from __future__ import annotations

import pytest

from bot.core.filters import is_masked, is_placeholder_for, is_public_identifier, is_well_known_public_value
from bot.core.heuristics import names_a_lookup_key
from bot.core.hosts import sample_host_passwords
from bot.core.rules import RuleSet
from tests.core.test_accuracy_passwords import _env, _rules_found
from tests.core.test_heuristics_filters import COSMOS_EMULATOR_KEY
from tests.timing import cpu_seconds

RULES = RuleSet.default()
WEAK = "admin" + "123"
RANDOM = "Zq8xK2mW" + "9vR4tL7b" + "N3pQ5sY1" + "uJ6hG0fD"  # 32 characters in three classes


# 1. A connection string's host is evidence only about the password of the same string.


@pytest.mark.parametrize(
    "text",
    [
        f"Server=db.example.com;Database=app;User Id=sa;Password={WEAK};",
        f"Data Source=db.example.com;Initial Catalog=app;User ID=sa;Password={WEAK}",
        f"host=db.example.com dbname=app user=app password={WEAK}",
    ],
)
def test_a_documentation_server_of_the_same_connection_string_forgives_its_weak_password(text: str) -> None:
    assert _rules_found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        f"DOCS_HOST=db.example.com DB_PASSWORD={WEAK}",  # another setting's host on the same line
        f'{{docs: "Server=db.example.com;Database=d", prod: "Server=prod;Password={WEAK}"}}',
        f"Server=db.example.com, Other: Password={WEAK}",
        f"Stage=prod Host=db.example.com DbPassword={WEAK}",
    ],
)
def test_a_host_of_another_setting_on_the_line_does_not_forgive_a_password(text: str) -> None:
    assert _rules_found(text) == ["connection-string-password"]


# 2. A sibling setting's host speaks for a password of the same service only; a URL only for its credential.


def test_a_host_setting_speaks_for_the_password_of_its_own_service() -> None:
    settings = [("DB_HOST", "db.example.com"), ("DB_PASSWORD", WEAK), ("API_PASSWORD", WEAK)]
    assert "DB_PASSWORD" in sample_host_passwords(settings)
    assert "API_PASSWORD" not in sample_host_passwords(settings)
    assert "password" in sample_host_passwords([("host", "db.example.com"), ("password", WEAK)])


def test_a_bare_host_speaks_for_the_bare_password_only() -> None:
    settings = [("host", "db.example.com"), ("API_PASSWORD", WEAK), ("DB_PASSWORD", WEAK), ("pwd", WEAK)]
    assert sample_host_passwords(settings) == {"pwd"}
    assert _env(f"    host: db.example.com\n    API_PASSWORD: {WEAK}\n    DB_PASSWORD: {WEAK}\n") == [
        ("generic-password", 6),
        ("generic-password", 7),
    ]


def test_a_url_speaks_only_for_the_password_its_credential_names() -> None:
    url = "postgres://app:${DB_PASSWORD}@db.example.com/app"
    assert sample_host_passwords([("DATABASE_URL", url), ("DB_PASSWORD", WEAK)]) == {"DB_PASSWORD"}
    serverless = "postgres://app:${self:custom.dbPassword}@db.example.com/app"
    assert sample_host_passwords([("DATABASE_URL", serverless), ("dbPassword", WEAK)]) == {"dbPassword"}
    plain = "postgres://db.example.com:5432/app"
    assert sample_host_passwords([("DATABASE_URL", plain), ("DB_PASSWORD", WEAK)]) == set()


def test_a_neighbours_documentation_url_does_not_forgive_a_weak_password() -> None:
    assert _env(f"    DOCS_URL: https://docs.example.com/guide\n    ADMIN_PASSWORD: {WEAK}\n") == [
        ("generic-password", 6)
    ]
    assert _env(f"    DATABASE_URL: postgres://db.example.com:5432/app\n    DB_PASSWORD: {WEAK}\n") == [
        ("generic-password", 6)
    ]
    assert _env(f"    DB_HOST: db.example.com\n    API_PASSWORD: {WEAK}\n") == [("generic-password", 6)]


def test_a_documentation_url_naming_the_password_forgives_it() -> None:
    url = "postgres://app:${DB_PASSWORD}@db.example.com:5432/app"
    assert _env(f"    DATABASE_URL: {url}\n    DB_PASSWORD: {WEAK}\n") == []


# 3. Lookup-key qualifiers forgive names, not random key material.


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOCK_KEY", "my-lock"),
        ("INDEX_KEY", "id"),
        ("MAP_KEY", "userId"),
        ("SYNC_TOKEN", "nightly"),
        ("RESET_PASSWORD", "/auth/reset"),
    ],
)
def test_a_lookup_key_holding_a_name_is_not_reported(key: str, value: str) -> None:
    assert names_a_lookup_key(key)
    assert RULES.judge_keyed(key, value) is None


@pytest.mark.parametrize(
    "key", ["MAP_KEY", "LOCK_KEY", "INDEX_KEY", "SYNC_TOKEN", "cacheKey", "SSE_KEY", "RESET_PASSWORD"]
)
def test_random_key_material_under_a_lookup_key_name_is_reported(key: str) -> None:
    assert RULES.judge_keyed(key, RANDOM) is not None
    assert _env(f"    {key}: {RANDOM}\n") == [("generic-secret", 5)]


@pytest.mark.parametrize("key", ["SITE_KEY", "NEXT_TOKEN", "IDEMPOTENCY_KEY", "S3_KEY", "PUBLIC_LOCK_KEY"])
def test_qualifiers_random_or_public_by_design_stay_exempt(key: str) -> None:
    assert not names_a_lookup_key(key)
    assert RULES.judge_keyed(key, RANDOM) is None


# 4. Twelve digits are an account id only when the key says account or id, and never under a password key.


@pytest.mark.parametrize("key", ["AWS_ACCOUNT_ID", "accountNumber", "OwnerId", "ACCOUNT"])
def test_twelve_digits_under_an_account_key_are_an_account_id(key: str) -> None:
    assert is_public_identifier(key, "123456789012")


@pytest.mark.parametrize("key", ["ACCOUNT_PASSWORD", "AWS_PASSWORD", "OWNER_PASSWORD", "PRINCIPAL_PIN"])
def test_twelve_digits_under_a_password_or_other_key_are_no_account_id(key: str) -> None:
    assert not is_public_identifier(key, "123456789012")


def test_twelve_digits_under_a_password_key_are_reported() -> None:
    match = RULES.judge_keyed("ACCOUNT_PASSWORD", "123456789012")
    assert match is not None
    assert match.rule.id == "generic-password"


# Further: no word inside a password or secret key makes its value public.


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SITE_PASSWORD", "6L" + "c" * 10 + RANDOM[:28]),  # reCAPTCHA-shaped, under a password key
        ("CLIENT_KEY_PASSWORD", "Velvet9orbit"),
        ("CONSUMER_KEY_SECRET", RANDOM),
        ("PASSWORD_USER", "Velvet9orbit"),
    ],
)
def test_a_public_word_inside_a_password_or_secret_key_forgives_nothing(key: str, value: str) -> None:
    assert not is_public_identifier(key, value)
    assert RULES.judge_keyed(key, value) is not None


@pytest.mark.parametrize(
    ("key", "value"),
    [("RECAPTCHA_SITE_KEY", "6L" + "c" * 10 + RANDOM[:28]), ("CONSUMER_KEY", RANDOM), ("CLIENT_ID", RANDOM)],
)
def test_keys_that_say_public_still_forgive(key: str, value: str) -> None:
    assert is_public_identifier(key, value)
    assert RULES.judge_keyed(key, value) is None


# Further: a value repeats its password key only when it names the slot too.


@pytest.mark.parametrize(
    ("key", "value"),
    [("POSTGRES_PASSWORD", "postgres"), ("ADMIN_PASSWORD", "admin"), ("MYSQL_ROOT_PASSWORD", "root")],
)
def test_a_service_word_of_a_password_key_is_a_default_credential_pair_reported(key: str, value: str) -> None:
    assert not is_placeholder_for(key, value, password=True)
    assert RULES.judge_keyed(key, value) is not None


@pytest.mark.parametrize(
    ("key", "value"), [("DB_PASS", "db-pass"), ("DB_PASSWORD", "db_password"), ("API_KEY", "api-key")]
)
def test_a_value_repeating_the_key_and_its_slot_is_a_placeholder(key: str, value: str) -> None:
    assert is_placeholder_for(key, value, password=True)
    assert RULES.judge_keyed(key, value) is None


# Further: a documented key forgives a connection string only when it is the string's only key.


def test_an_emulator_connection_string_is_well_known() -> None:
    assert is_well_known_public_value(
        f"AccountEndpoint=https://localhost:8081/;AccountKey={COSMOS_EMULATOR_KEY}"
    )


def test_a_real_key_beside_the_emulator_key_is_not_forgiven() -> None:
    text = f"AccountKey={COSMOS_EMULATOR_KEY};SecondaryKey={RANDOM}{RANDOM}"
    assert not is_well_known_public_value(text)
    assert RULES.judge_keyed("COSMOS_SECRET", text) is not None
    assert RULES.judge_keyed("COSMOS_SECRET", f"AccountKey={COSMOS_EMULATOR_KEY};") is None


# Further: every host of a host list must be a documentation host; a public pair must be what the key names.


def test_a_host_list_forgives_only_when_every_host_is_a_documentation_host() -> None:
    assert _rules_found(f"mongodb://app:{WEAK}@a.example.com,b.example.com:27017/app") == []
    assert _rules_found(f"mongodb://app:{WEAK}@db.example.com,prod-db.acme.net:27017/app") == [
        "database-url-password"
    ]
    assert _rules_found(f"Server=tcp:db.example.com,1433;User ID=sa;Password={WEAK}") == []


@pytest.mark.parametrize("key", ["CLIENT_KEY_TOKEN", "SITE_KEY_TOKEN", "CONSUMER_KEY_TOKEN"])
def test_a_token_named_after_a_public_key_is_not_public(key: str) -> None:
    assert not is_public_identifier(key, RANDOM)
    assert RULES.judge_keyed(key, RANDOM) is not None


# Further: a stock default is the image's own only under a key naming the image or for a local host.


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("RABBITMQ_DEFAULT_PASS", "guest"),
        ("MINIO_ROOT_PASSWORD", "minioadmin"),
        ("rabbitmq.password", "guest"),
    ],
)
def test_a_stock_default_under_its_images_key_is_not_reported(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


@pytest.mark.parametrize(("key", "value"), [("SMTP_PASSWORD", "guest"), ("DB_PASSWORD", "minioadmin")])
def test_a_stock_default_under_another_key_is_a_chosen_password(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is not None


def test_a_stock_default_is_forgiven_for_a_local_host_only() -> None:
    assert _rules_found("amqp://guest:guest@localhost:5672/") == []
    assert _rules_found("http://minioadmin:minioadmin@minio:9000") == []
    assert _rules_found("amqp://guest:guest@prod-mq.acme.net:5672/") == ["database-url-password"]
    assert _rules_found("https://deploy:guest@git.acme.net/org/repo.git") == ["url-basic-auth"]


# Further: in a password slot one repeated character masks only if it is a masking character.


@pytest.mark.parametrize("value", ["11111111", "77777777", "zzzzzzzz"])
def test_a_repeated_digit_or_letter_is_a_weak_password_not_a_mask(value: str) -> None:
    assert not is_masked(value, password=True)
    assert RULES.judge_keyed("DB_PASSWORD", value) is not None
    assert is_masked(value)  # in any other slot it stands in for a value


@pytest.mark.parametrize("value", ["xxxxxxxx", "00000000", "********", "########"])
def test_masking_characters_still_mask_a_password(value: str) -> None:
    assert is_masked(value, password=True)
    assert RULES.judge_keyed("DB_PASSWORD", value) is None


def test_host_evidence_is_linear_in_the_settings_of_a_mapping() -> None:
    """Many host settings beside many passwords: set lookups, not every host against every key."""

    def settings(count: int) -> list[tuple[str, str]]:
        hosts = [(f"S{i}_HOST", "db.example.com") for i in range(count)]
        urls = [(f"U{i}_URL", f"postgres://a:${{P{i}_PASSWORD}}@db.example.com/x") for i in range(count)]
        return [*hosts, *urls, *((f"P{i}_PASSWORD", WEAK) for i in range(count))]

    def seconds(count: int) -> float:
        data = settings(count)
        assert len(sample_host_passwords(data)) == 2 * count  # the passwords and the host keys
        return cpu_seconds(lambda: sample_host_passwords(data))

    assert seconds(16_000) / max(seconds(2_000), 1e-4) < 24  # linear: 8, quadratic: 64
