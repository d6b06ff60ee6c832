"""Weak passwords and default credentials (issue 14): what a password slot forgives, and on what evidence.

Every exemption has its counterpart here: a real secret of the same shape that is still reported.
"""

from __future__ import annotations

import pytest

from bot.core.config import ScanConfig
from bot.core.filters import is_placeholder, is_stand_in_words
from bot.core.hosts import host_of, is_documentation_host
from bot.core.rules import RuleError, RuleSet
from bot.core.ruletable import compile_rule
from bot.core.scanner import scan_file
from tests.core.test_bounded_work import _growth

RULES = RuleSet.default()
WEAK = [
    "Password" + "123",
    "admin" + "123",
    "qwerty" + "123",
    "root" + "root",
    "test" + "1234",
    "admin",
    "spiju",
]


def _rules_found(text: str) -> list[str]:
    return [match.rule.id for match in RULES.find_tokens(text)]


@pytest.mark.parametrize("value", WEAK)
def test_a_weak_password_under_a_password_key_is_reported(value: str) -> None:
    match = RULES.judge_keyed("DB_PASSWORD", value)
    assert match is not None
    assert match.rule.id == "generic-password"


@pytest.mark.parametrize("value", WEAK[:5])
def test_the_same_weak_value_under_other_keys_is_still_a_placeholder(value: str) -> None:
    assert is_placeholder(value)
    assert RULES.judge_keyed("API_KEY", value) is None


@pytest.mark.parametrize(
    "value",
    ["password", "Password", "mysupersecretpassword", "your_password", "secret", "abc" + "123", "foobar"],
)
def test_a_value_that_only_names_the_slot_is_a_placeholder_even_for_a_password(value: str) -> None:
    assert is_stand_in_words(value.lower())
    assert is_placeholder(value, password=True)
    assert RULES.judge_keyed("DB_PASSWORD", value) is None


@pytest.mark.parametrize(
    "value", ["<password>", "${DB_PASSWORD}", "changeme", "********", "YOUR_PASSWORD_HERE"]
)
def test_templates_markers_and_masks_stay_placeholders_for_passwords(value: str) -> None:
    assert is_placeholder(value, password=True)


def test_documentation_hosts() -> None:
    assert is_documentation_host("db.example.com:5432")
    assert is_documentation_host("api.test")
    assert is_documentation_host("example")
    assert not is_documentation_host("examples.acme.com")
    assert not is_documentation_host("myexample.com")
    assert host_of("TCP:Db.Acme.Net,1433") == "db.acme.net"


@pytest.mark.parametrize("host", ["prod-db.acme.net:5432", "db:5432", "localhost:5432", "127.0.0.1"])
@pytest.mark.parametrize("password", ["admin", "postgres", "Password" + "123", "root" + "root"])
def test_default_and_weak_credentials_are_reported_whatever_the_real_host(host: str, password: str) -> None:
    # What is written counts, not where it points: the same value is usually reused (docs/blind-set.md).
    assert _rules_found(f"postgres://admin:{password}@{host}/app") == ["database-url-password"]
    assert _rules_found(f"https://deploy:{password}@{host}/org/repo.git") == ["url-basic-auth"]


@pytest.mark.parametrize("password", ["admin", "postgres", "Password" + "123"])
def test_weak_credentials_for_a_documentation_host_are_a_template(password: str) -> None:
    assert _rules_found(f"postgres://postgres:{password}@db.example.com/app") == []


@pytest.mark.parametrize(
    "url", ["amqp://guest:guest@localhost:5672/", "http://minioadmin:minioadmin@minio:9000"]
)
def test_the_stock_defaults_of_local_images_are_not_reported(url: str) -> None:
    assert _rules_found(url) == []


@pytest.mark.parametrize("host", ["localhost:5432", "db:5432", "db.example.com"])
def test_a_random_password_is_reported_whatever_the_host(host: str) -> None:
    password = "k8Jq2mW9" + "xR4tL7vB"
    assert _rules_found(f"postgres://app:{password}@{host}/app") == ["database-url-password"]


def test_a_word_naming_the_slot_is_no_password_even_for_a_remote_host() -> None:
    assert _rules_found("postgres://app:password@prod-db.acme.net:5432/app") == []


def test_a_connection_string_reads_its_server_for_evidence() -> None:
    weak = "admin" + "123"
    assert _rules_found(f"Server=db.example.com;Database=app;User Id=sa;Password={weak};") == []
    assert _rules_found(f"Server=localhost;Database=app;User Id=sa;Password={weak};") == [
        "connection-string-password"
    ]
    assert _rules_found(f"Server=tcp:sql1.acme.net,1433;User ID=sa;Password={weak};") == [
        "connection-string-password"
    ]
    assert _rules_found(f"Password={weak};Server=localhost") == [
        "connection-string-password"
    ]  # no evidence yet


def test_a_weak_password_in_a_manifest_is_reported_with_its_key() -> None:
    text = f"service: s\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: {WEAK[0]}\n"
    result = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=ScanConfig())
    assert [(f.rule, f.line) for f in result.findings if f.rule == "generic-password"] == [
        ("generic-password", 5)
    ]


def test_a_rule_table_names_a_known_secret_kind() -> None:
    raw = {"id": "x", "description": "x", "regex": "x(?P<secret>y+)", "secret_kind": "password"}
    assert compile_rule(raw, where="r").secret_kind is not None
    with pytest.raises(RuleError, match="secret_kind"):
        compile_rule({**raw, "secret_kind": "pin"}, where="r")


@pytest.mark.parametrize(
    "value",
    [
        "sk_live_" + "8" * 12,
        "0" * 8 + "-" + "0" * 4 + "-0000-0000-" + "0" * 12,
        "AIza" + "0" * 35,
        "********",
    ],
)
def test_a_value_masked_by_a_run_of_digits_is_a_placeholder(value: str) -> None:
    assert is_placeholder(value)


def test_a_run_of_zeros_inside_a_real_format_key_is_not_masking() -> None:
    token = "xoxb-" + "1234567890" + "12-000000" + "123456-aB3dE5fG7hJ9kL1mN3pQ5rS7"
    assert not is_placeholder(token)
    assert _rules_found(f"SLACK_TOKEN: {token}") == ["slack-token"]
    google = "AIza" + "SyB9x" + "000000" + "Kq2mW9xR4tL7vBn3Pz8cY1uJ"
    assert _rules_found(google) == ["google-api-key"]


def _env(lines: str) -> list[tuple[str, int]]:
    text = "service: s\nprovider:\n  name: aws\n  environment:\n" + lines
    result = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=ScanConfig())
    return [(f.rule, f.line) for f in result.findings if f.severity.rank >= 2]


@pytest.mark.parametrize(
    "host_line",
    [
        "    DB_HOST: db.example.com\n",
        "    DATABASE_URL: postgres://app:${DB_PASSWORD}@db.example.com:5432/app\n",  # the URL's credential
    ],
)
@pytest.mark.parametrize("password", ["postgres", "admin" + "123"])
def test_a_documentation_host_beside_a_weak_password_makes_it_a_template(
    host_line: str, password: str
) -> None:
    assert _env(host_line + f"    DB_PASSWORD: {password}\n") == []


@pytest.mark.parametrize("password", ["postgres", "admin" + "123"])
def test_beside_any_real_host_a_default_or_weak_password_is_reported(password: str) -> None:
    assert _env(f"    DB_PASSWORD: {password}\n") == [("generic-password", 5)]
    assert _env(f"    DB_HOST: prod-db.acme.net\n    DB_PASSWORD: {password}\n") == [("generic-password", 6)]
    assert _env(f"    DB_HOST: db\n    DB_PASSWORD: {password}\n") == [("generic-password", 6)]
    assert _env(f"    DB_HOST: localhost\n    DB_PASSWORD: {password}\n") == [("generic-password", 6)]
    assert _env(
        f"    DB_HOST: db.example.com\n    CACHE_HOST: cache.acme.net\n    DB_PASSWORD: {password}\n"
    ) == [("generic-password", 7)]


def test_a_random_password_beside_a_local_host_is_still_reported() -> None:
    assert _env("    DB_HOST: localhost\n    DB_PASSWORD: " + "k8Jq2mW9" + "xR4tL7vB\n") == [
        ("generic-password", 6)
    ]


def test_host_evidence_costs_one_walk_of_the_document() -> None:
    def build(count: int) -> str:
        entries = "".join(
            f"  r{i}:\n    DB_HOST: localhost\n    DB_PASSWORD: postgres\n" for i in range(count)
        )
        return "Resources:\n" + entries

    assert _growth(build, 1_000) < 10


@pytest.mark.parametrize("value", ["1234", "12345678"])
def test_a_count_alone_is_a_weak_password_not_filler(value: str) -> None:
    assert not is_placeholder(value, password=True)
    assert is_placeholder("abc" + value, password=True)
    assert _rules_found(f"mongodb+srv://app:{value}@cluster0.ab1cd.mongodb.net/db") == [
        "database-url-password"
    ]


def test_an_app_password_in_four_groups_is_a_password_not_prose() -> None:
    assert RULES.judge_keyed("SMTP_PASS", "koih qyrh " + "psvb xukt") is not None
    assert RULES.judge_keyed("SMTP_PASS", "see the team vault") is None


@pytest.mark.parametrize(
    ("key", "value"), [("JWT_SECRET", "OCPBNSNS" + "NYKZPD"), ("API_TOKEN", "xkkrxhcjec" + "iqvebvvif")]
)
def test_a_generated_secret_in_one_character_class_is_reported(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is not None


@pytest.mark.parametrize(
    ("key", "value"), [("API_TOKEN", "serverless"), ("JWT_SECRET", "enabled"), ("API_KEY", "HEADER")]
)
def test_short_one_class_words_under_key_or_token_names_are_not_reported(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


@pytest.mark.parametrize("value", ["thisisasecretkey", "jsonwebtoken", "abcdefghijkl"])
def test_sample_phrases_and_the_alphabet_stay_placeholders_for_one_class_secrets(value: str) -> None:
    assert RULES.judge_keyed("JWT_SECRET", value) is None
