"""Root causes found by a blind check on real manifests, each pinned with synthetic data of its own.

Fake secrets are generated from a seeded RNG at import time: no secret-shaped literal sits in this file.
"""

from __future__ import annotations

import random
import string

from bot.core.config import ScanConfig
from bot.core.findings import Finding, Remediation, ScanResult, Severity
from bot.core.judge import json_fields, pairs
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.core.sharedlines import settle_shared_lines

_RNG = random.Random(7331)
_ALNUM = string.ascii_letters + string.digits


def fake(prefix: str, length: int, alphabet: str = _ALNUM) -> str:
    return prefix + "".join(_RNG.choice(alphabet) for _ in range(length))


API_KEY = fake("Mk", 30)
PASSWORD = fake("Pw7", 12)
SIGNING = fake("", 64, "0123456789abcdef")
TOKEN = fake("ghp_", 36)
RANDOM_ID = fake("Zq_", 61, _ALNUM + "_-")
CLERK = fake("sk_" + "test_", 42)
STRIPE = fake("sk_" + "live_", 24)
SECRETS = (API_KEY, PASSWORD, SIGNING, TOKEN, RANDOM_ID, CLERK, STRIPE)
RULES = RuleSet.default()
SERIOUS = (Severity.MEDIUM, Severity.HIGH)


def scan(path: str, text: str, config: ScanConfig | None = None) -> ScanResult:
    return scan_file(path, text.encode(), ruleset=RULES, config=config or ScanConfig())


def serious(result: ScanResult) -> list[Finding]:
    return [f for f in result.findings if f.severity in SERIOUS]


def replacements(result: ScanResult) -> list[str | None]:
    return [f.remediation.replacement if f.remediation else None for f in result.findings]


def assert_no_secret_in_fixes(result: ScanResult) -> None:
    for replacement in replacements(result):
        assert all(secret not in (replacement or "") for secret in SECRETS)


# --- Dotenv lines in an env-vars YAML file ------------------------------------------------------------------

DOTENV_YAML = f"""# settings for the functions
DATABASE_URL=postgresql://app:{PASSWORD}@db.internal:5432/app
PAYMENTS_API_KEY={API_KEY}
DEBUG=False

APP_SECRET_PEPPER={SIGNING}
PORT=8080
"""


def test_dotenv_lines_in_env_yaml_are_each_their_own_finding_on_their_own_line() -> None:
    found = serious(scan("functions/.env.yaml", DOTENV_YAML))
    assert sorted((f.line, f.end_line, f.key) for f in found) == [
        (2, 2, "DATABASE_URL"),
        (3, 3, "PAYMENTS_API_KEY"),
        (6, 6, "APP_SECRET_PEPPER"),
    ]


def test_dotenv_fixes_delete_one_line_each_and_keep_the_file_readable_as_yaml() -> None:
    result = scan("functions/.env.yaml", DOTENV_YAML)
    assert replacements(result) == ["", "", ""]
    lines = DOTENV_YAML.split("\n")
    for finding in serious(result):
        lines[finding.line - 1] = ""
    assert serious(scan("functions/.env.yaml", "\n".join(lines))) == []


def test_a_single_dotenv_line_in_env_yaml_is_judged() -> None:
    assert [f.line for f in serious(scan(".env.yaml", f"# one\nAPP_SECRET_PEPPER={SIGNING}\n"))] == [2]


def test_a_yaml_env_file_is_still_read_as_yaml() -> None:
    text = f"PAYMENTS_API_KEY: {API_KEY}\nQUERY: a=b\n"
    assert [(f.line, f.key) for f in serious(scan(".env.yaml", text))] == [(1, "PAYMENTS_API_KEY")]


def test_one_name_value_assignment_is_a_pair() -> None:
    text = f"DB_PASSWORD={PASSWORD}"
    assert pairs(text) == [("DB_PASSWORD", 12, len(text))]
    assert pairs("a=b c") == []
    list_entry = f"service: s\nprovider:\n  name: aws\ncustom:\n  envList:\n    - DB_PASSWORD={PASSWORD}\n"
    assert [f.line for f in serious(scan("serverless.yml", list_entry))] == [6]


# --- Key names, connection strings, JSON literals -----------------------------------------------------------


def test_numbered_and_staged_copies_of_a_key_are_judged_like_the_key() -> None:
    text = f"SCANNER_API_KEY_2: {API_KEY}\nSCANNER_API_KEY_x: {API_KEY[::-1]}\nDB_PASSWORD_PROD: {PASSWORD}\n"
    assert [f.line for f in serious(scan(".env.yaml", text))] == [1, 2, 3]


def test_random_key_material_under_a_key_that_mentions_a_secret_is_found() -> None:
    text = f"AUTH_0_SECRET_ID: {RANDOM_ID}\nSECRET_ID: prod/billing/api\nSECRET_ARN: arn:aws:sm:x\n"
    found = serious(scan(".env.yaml", text))
    assert [(f.line, f.rule) for f in found] == [(1, "auth0-client-secret")]


def test_odbc_braces_around_a_password_are_quoting_not_a_template() -> None:
    value = f"Driver={{ODBC Driver 18}};Server=tcp:db.example.net;Uid=app;Pwd={{{PASSWORD}}};Encrypt=yes;"
    text = f'{{"IsEncrypted": false, "Values": {{"DB": "{value}"}}}}'
    result = scan("local.settings.json", text)
    assert [f.rule for f in serious(result)] == ["generic-password"]
    assert "Pwd=;Encrypt=yes;" in (replacements(result)[0] or "")


def test_a_user_name_with_an_at_sign_does_not_hide_the_url_password() -> None:
    url = f"postgresql://admin@dbserver:{PASSWORD}@dbserver.postgres.example.net/app"
    found = serious(scan(".env.yaml", f"DB_URL: {url}\n"))
    assert [f.rule for f in found] == ["database-url-password"]
    assert found[0].redacted.startswith(PASSWORD[:2])


def test_a_json_secret_string_is_judged_field_by_field() -> None:
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n"
        "    Properties:\n"
        f'      SecretString: \'{{"username": "app", "password": "{PASSWORD}"}}\'\n'
    )
    result = scan("template.yaml", text)
    assert [(f.line, f.rule) for f in serious(result)] == [(6, "generic-password")]
    fixed = replacements(result)[0] or ""
    assert '"password": "{{resolve:secretsmanager:' in fixed and '"username": "app"' in fixed


def test_json_fields_report_offsets_of_string_values_only() -> None:
    text = '{"user": "app", "n": 3, "nested": {"pw": "x\\"y"}}'
    assert [(key, text[start:end]) for key, start, end in json_fields(text)] == [
        ("user", "app"),
        ("pw", 'x\\"y'),
    ]
    assert json_fields("{not json}") == []


def test_a_clerk_key_is_not_called_a_stripe_key() -> None:
    text = f"CLERK_SECRET_KEY: {CLERK}\nSTRIPE_SECRET_KEY: {STRIPE}\n"
    assert [f.rule for f in serious(scan(".env.yaml", text))] == ["clerk-secret-key", "stripe-secret-key"]


def test_public_and_one_way_shapes_under_secret_names_are_not_reported() -> None:
    wallet = "0x" + fake("", 40, "0123456789abcdefABCDEF")
    text = (
        f"ALLOWED_TOKEN: '{wallet}'\nGCP_CREDENTIALS: key.json\n"
        "GOOGLE_APPLICATION_CREDENTIALS: serviceAccountKey.json\n"
        "JWT_SECRET: orbit-dev-jwt-secret-change-in-production\nSESSION_SECRET: local-dev-session-secret\n"
    )
    assert serious(scan(".env.yaml", text)) == []


# --- Serverless: API Gateway keys, bare `self:` fallbacks, chains -------------------------------------------

API_GATEWAY = f"""service: keys
provider:
  name: aws
  apiGateway:
    apiKeys:
      - free-tier
      - name: partner
        value: {API_KEY}
      - name: internal
        value: {API_KEY[::-1]}
"""


def test_api_gateway_key_names_are_not_keys_and_values_get_distinct_store_paths() -> None:
    found = serious(scan("serverless.yml", API_GATEWAY))
    assert [f.line for f in found] == [8, 10]
    commands = [f.remediation.store_command if f.remediation else "" for f in found]
    assert len(set(commands)) == 2
    assert "/keys/partner-api-key" in (commands[0] or "")


def test_a_bare_self_fallback_is_followed_to_its_literal() -> None:
    text = (
        f"service: s\ncustom:\n  jwtFallback: {SIGNING}\nprovider:\n  name: aws\n  environment:\n"
        "    JWT_SECRET: ${env:JWT_SECRET, self:custom.jwtFallback}\n"
    )
    found = serious(scan("serverless.yml", text))
    assert [f.line for f in found] == [3]
    assert "consumed by environment variable JWT_SECRET" in found[0].message


def test_a_two_hop_self_chain_names_the_environment_variable() -> None:
    text = (
        "service: s\ncustom:\n  base: ${self:custom.level2}\n  level2:\n"
        f"    signingKey: {SIGNING}\nprovider:\n  name: aws\n  environment:\n"
        "    SIGNING_KEY: ${self:custom.base.signingKey}\n"
    )
    found = serious(scan("serverless.yml", text))
    assert [f.line for f in found] == [5]
    assert found[0].message.endswith("consumed by environment variable SIGNING_KEY")


# --- CloudFormation parameter defaults ----------------------------------------------------------------------


def test_a_json_parameter_default_is_deleted_only_when_a_comma_follows() -> None:
    template = (
        '{{"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {{\n'
        '  "DbPassword": {{\n    "Default": "{first}",\n    "NoEcho": true\n  }},\n'
        '  "ApiPassword": {{\n    "NoEcho": true,\n    "Default": "{last}"\n  }}\n}}}}\n'
    )
    result = scan("template.json", template.format(first=PASSWORD, last=PASSWORD[::-1]))
    assert [(f.line, f.remediation.replacement if f.remediation else None) for f in serious(result)] == [
        (3, ""),
        (8, '    "Default": ""'),
    ]


# --- Two secrets on one line --------------------------------------------------------------------------------


def test_every_fix_of_a_shared_line_fixes_every_secret_on_it() -> None:
    flow_map = f"{{API_TOKEN: {TOKEN}, DB_PASSWORD: {PASSWORD}}}"
    text = f"service: s\nprovider:\n  name: aws\n  environment: {flow_map}\n"
    result = scan("serverless.yml", text)
    fixes = {f.remediation.replacement for f in serious(result) if f.remediation}
    assert fixes == {
        "  environment: {API_TOKEN: ${ssm:/s/api-token}, DB_PASSWORD: ${ssm:/s/db-password}}",
    }
    assert_no_secret_in_fixes(result)


def test_a_comment_token_on_the_line_is_removed_by_the_value_fix_too() -> None:
    comment = f"  # old token {TOKEN}"
    text = f"service: s\nprovider:\n  name: aws\n  environment: {{DB_PASSWORD: {PASSWORD}}}{comment}\n"
    result = scan("serverless.yml", text)
    fixes = {f.remediation.replacement for f in serious(result) if f.remediation}
    assert fixes == {"  environment: {DB_PASSWORD: ${ssm:/s/db-password}}  # old token <removed>"}


def _finding(line: int, column: int, rule: str, replacement: str | None) -> Finding:
    return Finding(
        path="f.yml",
        line=line,
        column=column,
        end_line=line,
        key="k",
        rule=rule,
        severity=Severity.HIGH,
        message="m",
        redacted="r",
        fingerprint=rule,
        remediation=Remediation(replacement, None, ""),
    )


def test_a_line_with_a_secret_that_has_no_fix_gets_no_replacement() -> None:
    lines = [f"env: {{A: {TOKEN}, B: {PASSWORD}}}"]
    fixed_a = _finding(1, 9, "github-pat", f"env: {{A: REF, B: {PASSWORD}}}")
    unfixed_b = _finding(1, 20 + len(TOKEN), "generic-password", None)
    settled = settle_shared_lines([fixed_a, unfixed_b], lines, {id(fixed_a): TOKEN, id(unfixed_b): PASSWORD})
    assert [f.remediation.replacement if f.remediation else "" for f in settled] == [None, None]


def test_advice_on_a_shared_line_is_rebuilt_with_the_secret_fixes() -> None:
    lines = [f"env: {{A: '${{ssm:/a~true}}', B: {PASSWORD}}}"]
    advice = _finding(1, 9, "ssm-legacy-decrypt-suffix", f"env: {{A: '${{ssm:/a}}', B: {PASSWORD}}}")
    secret = _finding(1, 30, "generic-password", "env: {A: '${ssm:/a~true}', B: REF}")
    settled = settle_shared_lines([advice, secret], lines, {id(secret): PASSWORD})
    assert [f.remediation.replacement if f.remediation else "" for f in settled] == [
        "env: {A: '${ssm:/a}', B: REF}",
        "env: {A: '${ssm:/a~true}', B: REF}",
    ]


# --- Advisory ids can be disabled ---------------------------------------------------------------------------


def test_disabled_advisories_are_accepted_and_dropped() -> None:
    text = "service: s\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: ${ssm:/db/pw}\n"
    assert [f.rule for f in scan("serverless.yml", text).findings] == ["env-provider-wide"]
    config = ScanConfig(disabled_rules=frozenset({"env-provider-wide"}))
    assert RULES.with_config(config).rules == RULES.rules
    assert scan("serverless.yml", text, config).findings == ()
