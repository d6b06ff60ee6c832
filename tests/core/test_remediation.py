"""Fixes: the replacement line per platform, the store command, and the fix property on every case."""

from __future__ import annotations

import pytest

from bot.core.findings import Finding, Severity
from bot.core.manifests.base import Format, env_name, kebab
from bot.core.remediation import quote
from bot.core.tree import Style
from tests.core.test_scanner_cases import (
    AZURE_SETTINGS,
    CASES,
    CFN_PARAMETERS,
    CFN_SUB_JOIN_MAP,
    GCP_ENV,
    GITHUB,
    SAM_GLOBALS,
    SAMCONFIG,
    SECRETS,
    SERVERLESS_ENV,
    SERVERLESS_FALLBACKS,
    SERVERLESS_PEM_BLOCK,
    SERVERLESS_SELF_CHAIN,
    SERVERLESS_TS,
    Case,
    scan,
)

_SERIOUS = (Severity.MEDIUM, Severity.HIGH)


def apply_fixes(text: str, findings: tuple[Finding, ...]) -> str:
    """Replace each finding's lines (line..end_line) with its replacement, bottom-up."""
    lines = text.split("\n")
    edits: dict[tuple[int, int], str] = {}
    for finding in findings:
        if finding.remediation is not None and finding.remediation.replacement is not None:
            edits[(finding.line, finding.end_line)] = finding.remediation.replacement
    for (first, last), replacement in sorted(edits.items(), reverse=True):
        lines[first - 1 : last] = [replacement]
    return "\n".join(lines)


def fix_of(case: Case, line: int) -> Finding:
    result = scan(case.path, case.text)
    return next(f for f in result.findings if f.line == line and f.severity in _SERIOUS)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_applying_every_replacement_leaves_a_parseable_manifest_without_secrets(case: Case) -> None:
    before = scan(case.path, case.text)
    serious = [f for f in before.findings if f.severity in _SERIOUS]
    assert serious and all(f.remediation and f.remediation.replacement is not None for f in serious)
    fixed = apply_fixes(case.text, before.findings)
    after = scan(case.path, fixed)
    assert after.platform == before.platform
    assert after.notices == ()
    assert [(f.line, f.rule) for f in after.findings if f.severity in _SERIOUS] == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_no_finding_shows_a_secret_value(case: Case) -> None:
    for finding in scan(case.path, case.text).findings:
        remediation = finding.remediation
        shown = [repr(finding), finding.message, finding.redacted, finding.key, finding.fingerprint]
        if remediation is not None:
            shown += [
                remediation.replacement or "",
                remediation.store_command or "",
                remediation.runtime_hint or "",
            ]
        for secret in SECRETS:
            assert all(secret not in text for text in shown), (
                f"{case.name}: {finding.rule} at line {finding.line}"
            )


def test_serverless_fix_is_an_ssm_reference_named_after_service_and_key() -> None:
    finding = fix_of(SERVERLESS_ENV, 7)
    assert finding.remediation is not None
    assert finding.remediation.replacement == "    GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}"
    assert finding.remediation.store_command == (
        "aws ssm put-parameter --name /hello-world/github-api-key --type SecureString "
        '--value "$GITHUB_API_KEY"'
    )
    assert finding.remediation.runtime_hint and "Rotate" in finding.remediation.runtime_hint


def test_serverless_fix_keeps_quoting_style_and_uses_a_literal_stage() -> None:
    quoted = fix_of(SERVERLESS_ENV, 14)
    assert quoted.remediation is not None
    assert quoted.remediation.replacement == '      DB_PASSWORD: "${ssm:/hello-world/db-password}"'
    fallback = fix_of(SERVERLESS_FALLBACKS, 9)
    assert fallback.remediation is not None
    assert (
        fallback.remediation.replacement
        == "      STRIPE_KEY: ${env:STRIPE_KEY, ${ssm:/payments/prod/stripe-key}}"
    )


def test_self_chain_fix_rewrites_the_literal_where_it_is_defined() -> None:
    finding = fix_of(SERVERLESS_SELF_CHAIN, 3)
    assert finding.key == "custom.apiKey"
    assert finding.remediation is not None
    assert finding.remediation.replacement == "  apiKey: ${ssm:/hello-world/api-key}"


def test_pem_block_is_replaced_as_a_whole() -> None:
    finding = fix_of(SERVERLESS_PEM_BLOCK, 6)
    assert (finding.line, finding.end_line) == (6, 12)
    assert finding.remediation is not None
    assert finding.remediation.replacement == "    privateKey: ${ssm:/signer/private-key}"


def test_cloudformation_fixes_use_secrets_manager_dynamic_references() -> None:
    env = fix_of(SAM_GLOBALS, 16)
    assert env.remediation is not None
    assert env.remediation.replacement == (
        '          STRIPE_SECRET_KEY: "{{resolve:secretsmanager:sam-app/stripe-secret-key}}"'
    )
    assert env.remediation.store_command == (
        "aws secretsmanager create-secret --name sam-app/stripe-secret-key "
        '--secret-string "$STRIPE_SECRET_KEY"'
    )
    url = fix_of(CFN_SUB_JOIN_MAP, 13)
    assert url.remediation is not None and url.remediation.replacement is not None
    assert (
        "{{resolve:secretsmanager:stacks/db-url-password}}@${Db.Endpoint.Address}"
        in url.remediation.replacement
    )


def test_parameter_default_fix_deletes_the_default_and_says_how_to_pass_it() -> None:
    finding = fix_of(CFN_PARAMETERS, 6)
    assert "consumed by MasterUserPassword" in finding.message
    assert finding.remediation is not None
    assert finding.remediation.replacement == ""  # the line goes: the value is passed at deploy time
    assert finding.remediation.runtime_hint is not None
    assert 'sam deploy --parameter-overrides DBPassword="$DB_PASSWORD"' in finding.remediation.runtime_hint


def test_azure_fix_empties_the_value_and_points_to_key_vault() -> None:
    storage = fix_of(AZURE_SETTINGS, 5)
    assert storage.remediation is not None
    assert storage.remediation.replacement == '    "AzureWebJobsStorage": "UseDevelopmentStorage=true",'
    sendgrid = fix_of(AZURE_SETTINGS, 8)
    assert sendgrid.remediation is not None
    assert sendgrid.remediation.replacement == '    "SENDGRID_API_KEY": "",'
    assert sendgrid.remediation.store_command == (
        'az keyvault secret set --vault-name <your-vault> --name sendgrid-api-key --value "$SENDGRID_API_KEY"'
    )
    assert ".gitignore" in sendgrid.message
    assert sendgrid.remediation.runtime_hint and "@Microsoft.KeyVault(" in sendgrid.remediation.runtime_hint


def test_gcp_fix_removes_the_entry_and_stores_it_in_secret_manager() -> None:
    finding = fix_of(GCP_ENV, 2)
    assert finding.remediation is not None
    assert finding.remediation.replacement == "# DB_PASSWORD: removed; its new value is secret db-password"
    assert finding.remediation.store_command == (
        "printf '%s' \"$DB_PASSWORD\" | gcloud secrets create db-password --data-file=-"
    )
    assert finding.remediation.runtime_hint and "--set-secrets DB_PASSWORD=db-password:1" in (
        finding.remediation.runtime_hint
    )


def test_samconfig_fix_drops_only_the_secret_pair() -> None:
    finding = fix_of(SAMCONFIG, 5)
    assert finding.remediation is not None
    assert finding.remediation.replacement == 'parameter_overrides = "Stage=\\"prod\\" LogLevel=info"'
    assert finding.remediation.store_command == (
        'aws secretsmanager create-secret --name bot-app/db-password --secret-string "$DB_PASSWORD"'
    )


def test_typescript_fix_keeps_the_string_quotes() -> None:
    finding = fix_of(SERVERLESS_TS, 8)
    assert finding.remediation is not None
    assert finding.remediation.replacement == "      GITHUB_TOKEN: '${ssm:/ts-svc/github-token}',"
    assert GITHUB not in finding.remediation.replacement


@pytest.mark.parametrize(
    ("value", "style", "fmt", "expected"),
    [
        ("${ssm:/a/b}", Style.PLAIN, Format.YAML, "${ssm:/a/b}"),
        ("{{resolve:secretsmanager:x}}", Style.PLAIN, Format.YAML, "'{{resolve:secretsmanager:x}}'"),
        ("it's", Style.SINGLE, Format.YAML, "'it''s'"),
        ("", Style.PLAIN, Format.YAML, "''"),
        ("true", Style.PLAIN, Format.YAML, "'true'"),
        ('a"b', Style.DOUBLE, Format.JSON, '"a\\"b"'),
        ("${ssm:/x}", Style.SINGLE, Format.TOML, "'${ssm:/x}'"),
        ("${ssm:/x}", Style.PLAIN, Format.CODE, "`\\${ssm:/x}`"),
    ],
)
def test_quote_writes_the_value_in_the_original_style(
    value: str, style: Style, fmt: Format, expected: str
) -> None:
    assert quote(value, style, fmt) == expected


@pytest.mark.parametrize(
    ("key", "kebab_name", "env"),
    [
        ("GITHUB_API_KEY", "github-api-key", "GITHUB_API_KEY"),
        ("githubApiKey", "github-api-key", "GITHUB_API_KEY"),
        ("AzureWebJobsStorage", "azure-web-jobs-storage", "AZURE_WEB_JOBS_STORAGE"),
        ("mongodb-connstring", "mongodb-connstring", "MONGODB_CONNSTRING"),
        ("1password", "1password", "_1PASSWORD"),
    ],
)
def test_secret_names_derive_from_the_key(key: str, kebab_name: str, env: str) -> None:
    assert kebab(key) == kebab_name
    assert env_name(key) == env
