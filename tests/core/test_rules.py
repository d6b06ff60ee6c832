"""The built-in rule table: every rule finds its own examples, misses its counter-examples, and the matcher
reports exact, non-overlapping secret spans. Fake secrets are built by concatenation or from templates."""

from __future__ import annotations

import random

import pytest

from bot.core.findings import Severity
from bot.core.rules import KeyedMatch, Rule, RuleKind, RuleSet, TokenMatch, expand_example

RULES = RuleSet.default()
SEEDS = (0, 1, 2)


def _reported_ids(ruleset: RuleSet, rule: Rule, example: str) -> list[str]:
    if rule.kind is RuleKind.KEYED:
        key, _, value = example.partition("=")
        judged = ruleset.judge_keyed(key, value)
        return [judged.rule.id] if judged else []
    return [match.rule.id for match in ruleset.find_tokens(example)]


def _cases(field: str) -> list[object]:
    return [
        pytest.param(rule, template, seed, id=f"{rule.id}-{index}-{seed}")
        for rule in RULES.rules
        for index, template in enumerate(getattr(rule, field))
        for seed in SEEDS
    ]


@pytest.mark.parametrize(("rule", "template", "seed"), _cases("examples"))
def test_every_example_is_found_by_its_rule(rule: Rule, template: str, seed: int) -> None:
    example = expand_example(template, random.Random(seed))
    assert rule.id in _reported_ids(RULES, rule, example), f"{rule.id} missed its example {template!r}"


@pytest.mark.parametrize(("rule", "template", "seed"), _cases("counter_examples"))
def test_no_counter_example_is_reported_by_its_rule(rule: Rule, template: str, seed: int) -> None:
    example = expand_example(template, random.Random(seed))
    assert rule.id not in _reported_ids(RULES, rule, example), f"{rule.id} reported {template!r}"


def test_rule_table_is_well_formed() -> None:
    ids = [rule.id for rule in RULES.rules]
    assert len(ids) == len(set(ids))
    for rule in RULES.rules:
        assert rule.examples, f"{rule.id} has no examples"
        assert rule.severity is not Severity.LOW, f"{rule.id}: nothing a real secret lands on is low"
        assert all(keyword == keyword.lower() for keyword in rule.keywords)
        if rule.kind is RuleKind.TOKEN:
            assert "secret" in rule.pattern.groupindex, f"{rule.id} marks no secret group"


def test_issue_formats_are_covered() -> None:
    wanted = {
        "aws-access-key-id", "aws-secret-access-key", "github-pat", "github-fine-grained-pat",
        "github-oauth-token", "github-app-token", "github-refresh-token", "gitlab-pat", "slack-token",
        "slack-app-token", "slack-webhook-url", "stripe-secret-key", "stripe-restricted-key",
        "twilio-api-key", "twilio-auth-token", "sendgrid-api-key", "mailgun-api-key", "mailchimp-api-key",
        "google-api-key", "private-key", "azure-storage-account-key", "azure-shared-access-key",
        "azure-cosmos-db-key", "npm-token", "pypi-token", "openai-api-key", "anthropic-api-key",
        "datadog-api-key", "telegram-bot-token", "discord-bot-token", "discord-webhook-url", "shopify-token",
        "square-access-token", "square-oauth-secret", "jwt", "database-url-password", "url-basic-auth",
        "line-channel-access-token", "line-channel-secret", "flutterwave-secret-key", "laravel-app-key",
        "auth0-client-secret", "generic-password",
    }  # fmt: skip
    assert wanted <= {rule.id for rule in RULES.rules}


def test_default_is_loaded_once() -> None:
    assert RuleSet.default() is RuleSet.default()


def test_get_returns_the_rule_and_rejects_unknown_ids() -> None:
    assert RULES.get("github-pat").severity is Severity.HIGH
    with pytest.raises(KeyError):
        RULES.get("no-such-rule")


def test_token_offsets_point_at_the_secret_even_after_non_ascii_text() -> None:
    token = "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8"
    text = f"# clé: ça marche ✓\nGITHUB_TOKEN: {token}\n"
    (match,) = RULES.find_tokens(text)
    assert match == TokenMatch(RULES.get("github-pat"), text.index(token), text.index(token) + len(token))


def test_adjacent_tokens_sharing_one_separator_are_both_found() -> None:
    first, second = "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8", "ghp_" + "Z9y8X7w6V5" * 3 + "u4T3s2"
    found = RULES.find_tokens(f"{first},{second}")
    assert [(m.start, m.end) for m in found] == [(0, len(first)), (len(first) + 1, len(first) * 2 + 1)]


def test_the_more_specific_rule_wins_the_same_span_and_it_is_reported_once() -> None:
    account_key = expand_example("{base64:86}==", random.Random(4))
    text = f"AccountEndpoint=https://db.documents.azure.com:443/;AccountKey={account_key};"
    assert [match.rule.id for match in RULES.find_tokens(text)] == ["azure-cosmos-db-key"]


def test_azure_and_database_secrets_cover_only_the_key_or_password() -> None:
    key = expand_example("{base64:86}==", random.Random(3))
    password = "Pq7Rs8Tu9Vw0"
    text = (
        f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net\n"
        f"mongodb+srv://app:{password}@cluster0.abcde.mongodb.net/db?retryWrites=true\n"
    )
    secrets = {match.rule.id: text[match.start : match.end] for match in RULES.find_tokens(text)}
    assert secrets == {"azure-storage-account-key": key, "database-url-password": password}


@pytest.mark.parametrize(
    "url",
    [
        "postgres://app:${DB_PASSWORD}@db:5432/app",
        "postgres://app:password@db:5432/app",
        "mysql://root:@localhost/db",
        "amqp://guest:guest@localhost:5672/",
        "https://user:<password>@example.net/",
        "https://example.net:8443/path",
    ],
)
def test_urls_without_a_real_password_are_not_reported(url: str) -> None:
    assert RULES.find_tokens(url) == []


def test_pem_private_keys_are_reported_whole_in_blocks_and_escaped_json() -> None:
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "Kq7Lm2Np9Rs4Tu8Vw3Xy6Za1Bc5De0Fg" * 4
    block = f"-----BEGIN PRIVATE KEY-----\n{body}\n{body}\n-----END PRIVATE KEY-----"
    escaped = block.replace("\n", "\\n")
    for text in (
        f"key: |\n  {block.replace(chr(10), chr(10) + '  ')}\n",
        f'{{"private_key": "{escaped}\\n"}}',
    ):
        (match,) = RULES.find_tokens(text)
        assert match.rule.id == "private-key"
        assert text[match.start : match.end].startswith("-----BEGIN PRIVATE KEY-----")
        assert text[match.start : match.end].endswith("-----END PRIVATE KEY-----")


@pytest.mark.parametrize(
    "text",
    [
        "GOOGLE_API_KEY: AIza" + "X" * 35,
        'MySlackToken: "xoxb-ENTER YOUR BOT\'S ACCESS TOKEN HERE"',
        "aws_access_key_id = AKIAIOSFODNN7" + "EXAMPLE",
        "AccountEndpoint=https://localhost:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9"
        + "nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
        "FLUTTERWAVE_PUBLIC_KEY: FLWPUBK_TEST-" + "23ae08c637a8" * 2 + "85251e3f-X",
    ],
)
def test_placeholders_and_public_values_in_token_shape_are_not_reported(text: str) -> None:
    assert RULES.find_tokens(text) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DB_PASSWORD", "hunter2" + "hunter2"),
        ("masterUserPassword", "Passw0rd!" + "2023"),
        ("POSTGRES_PASSWORD", "j8vJe" + "03l"),
        ("Parameters.BrokerPassword.Default", "fejikdhv" + "Acrtnkpp008"),
        ("spring.datasource.password", "S3cure-" + "Pa55"),
        ("DB_PASS", "TV6aZ2miRm" + "@ai3695"),
    ],
)
def test_low_entropy_human_passwords_are_secrets(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) == KeyedMatch(RULES.get("generic-password"))


@pytest.mark.parametrize(
    ("key", "value", "rule_id"),
    [
        ("jwtSecret", "96e22a1264e2210cdf048216", "generic-secret"),
        ("client-secret", "Zx9Kq2Lm8Np4Rt6Vw1", "generic-secret"),
        ("GatewayToken", "mhr-mydsfmv-uhecn-33", "generic-token"),
        ("env[VITE_ASSEMBLY_API_KEY].value", "e68312b9029935440a6adac9a586632d", "generic-api-key"),
        ("SIGNING_KEY", "k3y-s1gn-ab12cd34ef", "generic-api-key"),
        ("LINE_CHANNEL_SECRET", "62fd4354702b48b0" + "8d5e86ddaca084ea", "line-channel-secret"),
        ("TWILIO_AUTH_TOKEN", "0123456789abcdef" + "fedcba9876543210", "twilio-auth-token"),
        ("WALLET_PRIVATE_KEY", "0x" + "4f9a1c7e3b5d2086" * 4, "generic-private-key"),
        ("Authorization", "Bearer Ab1Cd2Ef3Gh4Ij5", "generic-token"),
    ],
)
def test_secrets_named_by_their_key_are_judged_by_the_right_rule(key: str, value: str, rule_id: str) -> None:
    assert RULES.judge_keyed(key, value) == KeyedMatch(RULES.get(rule_id))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DB_PASSWORD", "password"),
        ("SESSION_SECRET", "secret"),
        ("DB_PASSWORD", "changeme"),
        ("ManageMasterUserPassword", "true"),
        ("DB_PASSWORD", "5432"),
        ("DB_PASSWORD", "localhost"),
        ("PASSWORD_ITERATIONS", "10000"),
        ("EMAIL_SERVICE_API_KEY", "KEYEXAMPLE1234"),
        ("ApiKeyValue", "MyAPIkey"),
        ("ApiKeyValue", "KeyValue"),
        ("TWILIO_TOKEN", "Your Twilio Auth Token"),
        ("SPOTIFY_CLIENT_ID", "1fa5c68ab75d4bab827eb97466bfd4ee"),
        ("SHOPIFY_API_KEY", "769bf4a65b8e8a0c128d65161791c306"),
        ("MPESA_CONSUMER_KEY", "f6uXBzhDWqTqVJBKHJvkNKku2CuAAwhowUBYMLJ0NWoEBrqN"),
        ("APPINSIGHTS_INSTRUMENTATIONKEY", "ef17bcfe-cf08-4ff6-8574-796293786603"),
        ("provider.credentials", "~/.gcloud/keyfile.json"),
        ("s3Key", "honeyLambda/config.json"),
        ("API_KEY", "${env:API_KEY}"),
        ("API_KEY", "{{resolve:secretsmanager:prod/api:SecretString:key}}"),
        ("API_KEY", "@Microsoft.KeyVault(SecretUri=https://vault.vault.azure.net/secrets/api)"),
        ("endpoints.counter.secrets[0]", "hubspot_api_key"),
        ("ENCRYPTION_KEY", "ENC[AES256_GCM,data:Tr3Fq,iv:x,tag:y,type:str]"),
        ("GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token"),
    ],
)
def test_non_secrets_under_secret_like_keys_are_not_reported(key: str, value: str) -> None:
    assert RULES.judge_keyed(key, value) is None


def test_keyed_judgement_ignores_keys_that_name_no_secret() -> None:
    assert RULES.judge_keyed("FUNCTIONS_WORKER_RUNTIME", "Zx9Kq2Lm8Np4Rt6Vw1") is None


def test_expand_example_is_deterministic_and_honours_every_template_part() -> None:
    template = "{{x}}-{repeat:Q:3}-{hex:8}-{digits:4}"
    first, second = (expand_example(template, random.Random(7)) for _ in range(2))
    assert first == second
    prefix, rest = first[:9], first[9:]
    assert prefix == "{x}-QQQ-" + first[8]
    assert len(rest) == len("abcdef1-1234") and all(char in "0123456789abcdef-" for char in rest)


def test_expand_example_rejects_an_unknown_class() -> None:
    with pytest.raises(ValueError, match="unknown template class 'emoji'"):
        expand_example("{emoji:3}", random.Random(0))
