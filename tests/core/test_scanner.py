"""scan_file behaviour: messages, safe references, advice, suppression and what is not a manifest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core.config import Allowlist, ScanConfig
from bot.core.findings import Severity
from tests.core.test_scanner_cases import (
    AZURE_SETTINGS,
    DB_PASSWORD,
    GITHUB,
    PASSWORD,
    SAM_GLOBALS,
    SERVERLESS_ENV,
    SERVERLESS_FALLBACKS,
    SERVERLESS_PARAMS,
    SERVERLESS_SELF_CHAIN,
    STORAGE_KEY,
    STRIPE,
    scan,
    serious,
)


def messages(result_text: str, path: str = "serverless.yml") -> dict[int, str]:
    return {f.line: f.message for f in scan(path, result_text).findings}


def rules(text: str, path: str = "serverless.yml") -> list[tuple[int, str, Severity]]:
    return [(f.line, f.rule, f.severity) for f in scan(path, text).findings]


def test_message_names_the_rule_and_the_key() -> None:
    found = messages(SERVERLESS_ENV.text)
    assert found[7] == "GitHub personal access token (classic) in provider.environment.GITHUB_API_KEY"


def test_fallback_message_names_the_reference_without_the_value() -> None:
    message = messages(SERVERLESS_FALLBACKS.text, SERVERLESS_FALLBACKS.path)[9]
    assert "literal fallback of ${env:STRIPE_KEY, ...} at functions.charge.environment.STRIPE_KEY" in message
    assert STRIPE not in message


def test_self_reference_is_reported_at_the_literal_and_names_the_consumer() -> None:
    result = scan(SERVERLESS_SELF_CHAIN.path, SERVERLESS_SELF_CHAIN.text)
    api_key = next(f for f in result.findings if f.line == 3)
    assert api_key.key == "custom.apiKey"
    assert api_key.message.endswith("at custom.apiKey, consumed by environment variable API_KEY")
    assert ("consumer", "API_KEY") in api_key.extra
    wildcard = next(f for f in result.findings if f.line == 8)
    assert "consumed by environment variable DB_PASS" in wildcard.message


def test_param_values_are_reported_where_they_are_defined() -> None:
    result = scan(SERVERLESS_PARAMS.path, SERVERLESS_PARAMS.text)
    webhook = next(f for f in result.findings if f.line == 10)
    assert webhook.key == "stages.staging.params.webhookSecret"
    assert "consumed by environment variable WEBHOOK_SECRET" in webhook.message


def test_a_literal_judged_only_through_its_consumer() -> None:
    text = f"""service: svc
custom:
  settings:
    first: {DB_PASSWORD}
functions:
  f:
    environment:
      DB_PASSWORD: ${{self:custom.settings.first}}
"""
    assert rules(text) == [(4, "generic-password", Severity.MEDIUM)]


@pytest.mark.parametrize(
    "value",
    [
        "${ssm:/svc/github-token}",
        "${ssm(eu-west-1, raw):/svc/github-token}",
        "${ssm:/aws/reference/secretsmanager/svc/github}",
        "${env:GITHUB_TOKEN}",
        "${env:GITHUB_TOKEN, ''}",
        "${file(./secrets.${sls:stage}.yml):githubToken}",
        "${param:githubToken}",
        "${vault:secret/data/github.token}",
        "${doppler:GITHUB_TOKEN}",
        "${cf:other-stack.GithubToken}",
        "${s3:my-bucket/github-token}",
        "${terraform:outputs:github_token}",
        "${output:other.githubToken}",
        "${self:custom.missing}",
        "'{{resolve:secretsmanager:svc/github:SecretString:token}}'",
        "'{{resolve:ssm:/svc/github-token}}'",
        "${{ secrets.GITHUB_TOKEN }}",
        "<your-github-token>",
        "changeme",
        "xxxxxxxxxxxxxxxx",
        "ENC[AES256_GCM,data:Zm9vYmFy,iv:aXY=,tag:dGFn,type:str]",
        "EV[1:abcdefgh:ijklmnopqrstuvwx]",
        "$GITHUB_TOKEN",
    ],
)
def test_references_placeholders_and_ciphertext_are_silent(value: str) -> None:
    head = "service: svc\nprovider:\n  name: aws\nfunctions:\n  f:\n    environment:\n"
    text = f"{head}      GITHUB_TOKEN: {value}\n"
    assert rules(text) == []


def test_public_identifiers_are_silent() -> None:
    text = """service: svc
provider:
  name: aws
  environment:
    STRIPE_PUBLISHABLE_KEY: pk_live_51HcXyZabcdefghijklmnopqrstuv
    USER_POOL_CLIENT_ID: 4tl6g5n4t2v0a1b2c3d4e5f6g7
    ACCOUNT_ID: '123456789012'
    REGION: eu-west-1
    KMS_KEY_ARN: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
"""
    assert rules(text) == []


def test_references_are_never_resolved_against_the_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_TOKEN", GITHUB)
    (tmp_path / "secrets.yml").write_text(f"apiToken: {GITHUB}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    text = (
        "service: svc\nprovider:\n  name: aws\n  environment:\n"
        "    API_TOKEN: ${env:API_TOKEN}\n    FILE_TOKEN: ${file(./secrets.yml):apiToken}\n"
    )
    result = scan("serverless.yml", text)
    assert os.environ["API_TOKEN"] == GITHUB
    assert [f for f in result.findings if f.severity is not Severity.LOW] == []


def test_provider_wide_secret_gets_low_advice_even_as_a_reference() -> None:
    text = (
        "service: svc\nprovider:\n  name: aws\n  environment:\n"
        "    DB_PASSWORD: ${ssm:/svc/db-password}\n    TABLE: orders\n"
    )
    assert rules(text) == [(5, "env-provider-wide", Severity.LOW)]


def test_sam_globals_secret_gets_provider_wide_advice() -> None:
    found = rules(SAM_GLOBALS.text, SAM_GLOBALS.path)
    assert (8, "env-provider-wide", Severity.LOW) in found


@pytest.mark.parametrize(
    ("version", "advised"), [("'3'", True), ("'>=4.0.0'", True), ("'2'", False), (None, True)]
)
def test_legacy_ssm_suffix_is_advised_in_v3_and_v4_services(version: str | None, advised: bool) -> None:
    pinned = f"frameworkVersion: {version}\n" if version else ""
    text = f"service: svc\n{pinned}provider:\n  name: aws\ncustom:\n  token: ${{ssm:/svc/token~true}}\n"
    result = scan("serverless.yml", text)
    legacy = [f for f in result.findings if f.rule == "ssm-legacy-decrypt-suffix"]
    assert bool(legacy) is advised
    if advised:
        assert legacy[0].severity is Severity.LOW
        assert legacy[0].remediation is not None
        assert legacy[0].remediation.replacement == "  token: ${ssm:/svc/token}"


def test_ssm_secure_in_lambda_environment_is_advised() -> None:
    text = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          TOKEN: '{{resolve:ssm-secure:/svc/token:3}}'
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUserPassword: '{{resolve:ssm-secure:/svc/db:1}}'
"""
    assert rules(text, "template.yaml") == [(8, "ssm-secure-in-lambda-env", Severity.LOW)]


def test_secret_like_parameter_without_noecho_is_advised() -> None:
    text = """AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ApiToken:
    Type: String
  DbPassword:
    Type: String
    NoEcho: true
  ArtifactKey:
    Type: String
    Default: builds/app.zip
  KeyPair:
    Type: AWS::EC2::KeyPair::KeyName
Resources: {}
"""
    assert rules(text, "template.yaml") == [(3, "noecho-missing", Severity.LOW)]


def test_encrypted_local_settings_are_ciphertext() -> None:
    text = '{"IsEncrypted": true, "Values": {"AzureWebJobsStorage": "' + STORAGE_KEY + '"}}'
    result = scan("local.settings.json", text)
    assert result.platform == "azure-functions"
    assert result.findings == ()


def test_inline_ignore_comment_suppresses_one_rule() -> None:
    text = (
        "service: svc\nprovider:\n  name: aws\n  environment:\n"
        f"    A_TOKEN: {GITHUB}  # secrets-bot: ignore[github-pat]\n"
        "    # secrets-bot: ignore\n"
        f"    DB_PASSWORD: {PASSWORD}\n"
        f"    OTHER_TOKEN: {GITHUB}  # secrets-bot: ignore[generic-token]\n"
    )
    assert serious(scan("serverless.yml", text)) == {8: "github-pat"}


def test_allowlisted_fingerprint_and_value_pattern_drop_findings() -> None:
    first = scan(SERVERLESS_ENV.path, SERVERLESS_ENV.text)
    github = next(f for f in first.findings if f.rule == "github-pat")
    config = ScanConfig(
        allowlist=Allowlist(fingerprints=frozenset({github.fingerprint}), value_patterns=("^xox",))
    )
    assert serious(scan(SERVERLESS_ENV.path, SERVERLESS_ENV.text, config)) == {14: "generic-password"}


def test_disabled_rules_are_not_reported() -> None:
    config = ScanConfig(disabled_rules=frozenset({"env-provider-wide"}))
    result = scan(SAM_GLOBALS.path, SAM_GLOBALS.text, config)
    assert all(f.rule != "env-provider-wide" for f in result.findings)


def test_fingerprint_survives_moving_lines() -> None:
    moved = SERVERLESS_ENV.text.replace(
        "  runtime: nodejs18.x\n", "  runtime: nodejs18.x\n  memorySize: 512\n"
    )
    before = {f.rule: f.fingerprint for f in scan("serverless.yml", SERVERLESS_ENV.text).findings}
    after = {f.rule: f.fingerprint for f in scan("serverless.yml", moved).findings}
    assert before == after


def test_azure_messages_say_the_file_belongs_in_gitignore() -> None:
    result = scan(AZURE_SETTINGS.path, AZURE_SETTINGS.text)
    assert result.platform == "azure-functions"
    assert all(".gitignore" in f.message for f in result.findings)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".github/workflows/ci.yml", f"on: push\njobs:\n  b:\n    env:\n      PASSWORD: {PASSWORD}\n"),
        ("docker-compose.yml", f"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {PASSWORD}\n"),
        ("template.yml", f"name: my-template\npassword: {PASSWORD}\n"),
        ("config/settings.json", f'{{"password": "{PASSWORD}"}}'),
        ("package.json", '{"name": "x", "scripts": {}}'),
        ("README.md", f"token: {GITHUB}\n"),
        ("src/handler.py", f"TOKEN = '{GITHUB}'\n"),
    ],
)
def test_files_that_are_not_manifests_are_skipped(path: str, text: str) -> None:
    result = scan(path, text)
    assert (result.platform, result.findings, result.notices) == (None, (), ())


def test_extra_manifest_patterns_scan_any_file_generically() -> None:
    config = ScanConfig(extra_manifests=("deploy/*.yml",))
    result = scan("deploy/app.yml", f"env:\n  DB_PASSWORD: {PASSWORD}\n", config)
    assert result.platform == "generic"
    assert serious(result) == {2: "generic-password"}


def test_numeric_passwords_are_judged_as_written_and_small_numbers_are_not() -> None:
    pin = "8492" + "0175"
    text = (
        "service: svc\nprovider:\n  name: aws\nfunctions:\n  f:\n    environment:\n"
        f"      DB_PASSWORD: {pin}\n      MAX_TOKENS: 4096\n      TIMEOUT: 30\n"
    )
    result = scan("serverless.yml", text)
    assert serious(result) == {7: "generic-password"}
    finding = result.findings[0]
    assert finding.remediation is not None
    assert finding.remediation.replacement == "      DB_PASSWORD: ${ssm:/svc/db-password}"
    assert pin not in repr(finding)


def test_cloudformation_outputs_and_ssm_parameters_are_named_by_their_names() -> None:
    text = f"""AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/prod/db-password
      Type: String
      Value: {DB_PASSWORD}
Outputs:
  AdminPassword:
    Value: {PASSWORD}
  BucketName:
    Value: !Ref Bucket
"""
    assert serious(scan("template.yaml", text)) == {8: "generic-password", 11: "generic-password"}


def test_tokens_in_comments_are_reported_and_fixed_by_removal() -> None:
    text = f"service: svc\n# old token: {GITHUB}\nprovider:\n  name: aws  # {STRIPE}\n"
    result = scan("serverless.yml", text)
    assert serious(result) == {2: "github-pat", 4: "stripe-secret-key"}
    comment = next(f for f in result.findings if f.line == 2)
    assert (comment.key, comment.column) == ("", 14)
    assert "in a comment" in comment.message
    assert comment.remediation is not None
    assert comment.remediation.replacement == "# old token: <removed>"


def test_api_gateway_key_values_are_secrets_but_key_names_are_not() -> None:
    text = f"""service: svc
provider:
  name: aws
  apiGateway:
    apiKeys:
      - partnerKey
      - name: internalKey
        value: {DB_PASSWORD}
"""
    assert serious(scan("serverless.yml", text)) == {8: "generic-api-key"}
