"""Defects a review of the scanner core found: literal passwords in inline code read as expressions,
declarations of variables read as literals, config words under signing keys, convention-only query
parameters, and two-letter source prefixes. Each test makes its own manifest (fake values, real shapes)."""

from __future__ import annotations

import pytest

from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

RULES = RuleSet.default()
LAMBDA = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
SERVERLESS = "service: x\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: h.h\n    environment:\n"


def rules_at(name: str, text: str) -> list[tuple[str, int]]:
    result = scan_file(name, text.encode(), ruleset=RULES, config=ScanConfig())
    return [(finding.rule, finding.line) for finding in result.findings]


def zipfile(*code: str) -> str:
    return (
        LAMBDA
        + "    Properties:\n      Code:\n        ZipFile: |\n"
        + "".join(f"          {c}\n" for c in code)
    )


def env(key: str, value: str) -> str:
    return SERVERLESS + f"      {key}: {value}\n"


# --- 1. A literal in a string of inline code is a literal ---


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        (
            'CONN = "Driver={ODBC Driver 18};Server=tcp:sql.example.net,1433;Uid=admin;Pwd=Xk9(mQ2]vLp7Rt;"',
            "connection-string-password",
        ),
        (
            'client = new Client("postgres://app:Zq7{Lm2vT9x}Kp@prod-db.internal:5432/app");',
            "database-url-password",
        ),
        (
            'b = redis.from_url("orders.redis.example.net:6380,password=Hx81mQ2vLp9RtZw3NbY4,ssl=True")',
            "redis-connection-password",
        ),
        (
            'c = "Server=prod-sql;Database=app;User Id=sa;Password = Wk3nB8xQ2pLm;"',
            "connection-string-password",
        ),
    ],
)
def test_a_literal_password_in_a_string_of_inline_code_is_reported(code: str, rule: str) -> None:
    text = zipfile("import pyodbc, redis", "def handler(event, context):", "    " + code)
    assert rules_at("template.yaml", text) == [(rule, 10)]


@pytest.mark.parametrize(
    "code",
    [
        "conn = f\"Server=prod-sql;Uid=sa;Pwd={creds['password']};\"",
        "conn = `Server=prod-sql;Uid=sa;Password=${process.env.DB_PASSWORD};`",
        "conn = psycopg2.connect(host=h, user=u, password=get_password())",
        "conn = pymssql.connect(server=h, user=u, password=db_password, database=d)",
        "password = event.password",
    ],
)
def test_an_expression_in_a_password_slot_of_inline_code_is_not(code: str) -> None:
    text = zipfile("import psycopg2", "def handler(event, context):", "    " + code)
    assert rules_at("template.yaml", text) == []


def test_a_script_that_imports_is_not_inline_code() -> None:
    # A UserData script is text: a bare `password=value` argument in it is the literal it looks like.
    text = (
        LAMBDA.replace("AWS::Lambda::Function", "AWS::EC2::Instance")
        + "    Properties:\n      UserData: |\n        import os\n"
        + "        def setup():\n            run(host=h, password=Wk3nB8xQ2pLmZq7T)\n"
    )
    assert [line for _, line in rules_at("template.yaml", text)] == [9]


# --- 2. A declaration assigns a literal only when it is quoted ---


def test_declared_variables_in_inline_code_are_not_literals() -> None:
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        "  AuthFn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n"
        "      InlineCode: |\n        const jwt = require('jsonwebtoken');\n"
        "        exports.handler = async (event) => {\n          const jwtSecret = secretString;\n"
        "          let sessionSecret = cachedSecret;\n          const signingKey = keyMaterial;\n"
        "          return jwt.sign({ sub: event.user }, jwtSecret);\n        };\n"
        "      Environment:\n        Variables:\n          JWT_SECRET_NAME: prod/jwt\n"
        "          ENCRYPTION_KEY: alias/aws/lambda\n"
    )
    assert rules_at("template.yaml", text) == []


def test_a_quoted_value_in_a_declaration_is_still_reported() -> None:
    text = (
        LAMBDA
        + "    Properties:\n      Code:\n        ZipFile: |\n"
        + "          const sessionSecret = 'Hx81mQ2vLp9RtZw3NbY4';\n"
    )
    assert [line for _, line in rules_at("template.yaml", text)] == [8]


# --- 3. Config words under a signing key ---


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ENCRYPTION_KEY", "'MyKmsKey'"),
        ("ENCRYPTION_KEY", "'aws-managed'"),
        ("ENCRYPTION_KEY", "'SSE-KMS'"),
        ("SESSION_KEY", "'session-id'"),
        ("CRYPTO_KEY", "'prod-key'"),
        ("TOKEN_SECRET", "'Bearer'"),
        ("JWT_SECRET", "'Unset'"),
        ("JWT_SECRET", "'30d'"),
        ("JWT_SECRET", "'1h'"),
    ],
)
def test_a_config_word_under_a_signing_key_is_not_a_secret(key: str, value: str) -> None:
    assert rules_at("serverless.yml", env(key, value)) == []


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("JWT_SECRET", "'keyboard cat'", "weak-signing-secret"),
        ("JWT_SECRET", "'secret123'", "generic-secret"),
        ("SESSION_SECRET", "'bird123'", "weak-signing-secret"),
        ("ENCRYPTION_KEY", "'Hx81mQ2vLp9RtZw3NbY4'", "generic-api-key"),
        ("COOKIE_SECRET", "'TopSecretSigningKey'", "weak-signing-secret"),
    ],
)
def test_a_typed_or_generated_signing_secret_is_still_reported(key: str, value: str, rule: str) -> None:
    assert rules_at("serverless.yml", env(key, value)) == [(rule, 8)]


# --- 4. Query parameters named a credential only by URL convention ---


@pytest.mark.parametrize(
    "url",
    [
        "https://storage.example.com/bucket/file?key=reports-2024-q1.csv",
        "https://shop.example.com/?code=SPRING2024",
        "https://dl.example.com/get?key=3f2b1c9e-4d7a-4e1b-9c2d-8a6f5e4d3c2b",
        "https://status.example.com/?code=200&lang=en",
    ],
)
def test_a_convention_only_parameter_needs_a_generated_value(url: str) -> None:
    assert rules_at("serverless.yml", env("REPORT_URL", url)) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://tiles.example.com/{z}/{x}/{y}.png?key=Xq81mQ2vLp9RtZw3NbY4",
        "https://hooks.example.com/in?code=Zq7Lm2vT9xKpHx81mQ2vLp9RtZw3NbY4",
        "https://hooks.example.com/in?secret=spring-hook-2024",
    ],
)
def test_a_generated_or_secret_named_parameter_is_still_reported(url: str) -> None:
    assert [line for _, line in rules_at("serverless.yml", env("HOOK_URL", url))] == [8]


# --- 5. Two-letter prefixes do not name a secret's source ---


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DB_PASSWORD", '"sm:orders-db-2024"'),
        ("SMTP_PASSWORD", '"op:mail-relay-pw-7731"'),
        ("REDIS_PASSWORD", '"kv:Zq7LmvT9xKpQ/r8N2pLm"'),
        ("API_TOKEN", '"vault:Zq7Lm2vT9xKpHx81mQ2vLp9RtZw3NbY4/aB"'),
    ],
)
def test_a_value_behind_a_short_or_random_source_prefix_is_reported(key: str, value: str) -> None:
    assert [line for _, line in rules_at("serverless.yml", env(key, value))] == [8]


@pytest.mark.parametrize(
    "value", ['"ssm:/app/prod/db-password"', '"secretsmanager:prod/api-key"', '"ENV:STAGING_DB_PASSWORD"']
)
def test_a_named_source_is_still_not_a_secret(value: str) -> None:
    assert rules_at("serverless.yml", env("DB_PASSWORD", value)) == []
