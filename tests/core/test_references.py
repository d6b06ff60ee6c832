"""The Serverless variable grammar and the other reference syntaxes: recognised, never expanded."""

from __future__ import annotations

import pytest

from bot.core.perfile import one_file
from bot.core.references import RefKind, analyze, describe
from bot.core.variables import parse_variables


def spans(text: str) -> list[tuple[str, str, str, str]]:
    """(kind, source, address, covered text) of every reference."""
    return [(r.kind.value, r.source, r.address, text[r.start : r.end]) for r in analyze(text).references]


def fallbacks(text: str) -> list[str]:
    return [f.value for f in analyze(text).fallbacks]


@pytest.mark.parametrize(
    ("text", "source", "address"),
    [
        ("${self:custom.apiKey}", "self", "custom.apiKey"),
        ("${self:}", "self", ""),
        ("${env:GITHUB_TOKEN}", "env", "GITHUB_TOKEN"),
        ("${opt:stage}", "opt", "stage"),
        ("${sls:stage}", "sls", "stage"),
        ("${param:dbPassword}", "param", "dbPassword"),
        ("${file(./config.yml):secret}", "file", "secret"),
        ("${ssm:/app/token}", "ssm", "/app/token"),
        ("${ssm(eu-west-1, raw):/app/token}", "ssm", "/app/token"),
        ("${ssm(noDecrypt):/app/token}", "ssm", "/app/token"),
        ("${aws:accountId}", "aws", "accountId"),
        ("${cf(us-east-1):stack.Output}", "cf", "stack.Output"),
        ("${s3:bucket/key}", "s3", "bucket/key"),
        (
            "${vault:secret/data/mongo/credentials.password}",
            "vault",
            "secret/data/mongo/credentials.password",
        ),
        ("${terraform:outputs:users_table_arn}", "terraform", "outputs:users_table_arn"),
        ("${doppler:project/DB_PASSWORD}", "doppler", "project/DB_PASSWORD"),
        ("${strToBool(${ssm:/flag})}", "strToBool", ""),
        ("${git:sha1}", "git", "sha1"),
        ("${output:api.url}", "output", "api.url"),
        ("${awsProd:ssm:/path}", "awsProd", "ssm:/path"),
    ],
)
def test_every_source_is_one_serverless_reference(text: str, source: str, address: str) -> None:
    ((kind, found_source, found_address, covered),) = spans(text)
    assert (kind, found_source, found_address, covered) == ("serverless", source, address, text)
    assert fallbacks(text) == []


def test_nested_variables_are_parsed_inside_the_address_and_params() -> None:
    (variable,) = parse_variables("${env:${opt:stage}_arn}")
    assert [inner.source for inner in variable.walk()] == ["env", "opt"]
    (with_param,) = parse_variables("${file(./config.${sls:stage}.json):CREDS}")
    assert with_param.params == ("./config.${sls:stage}.json",)
    assert [inner.source for inner in with_param.walk()] == ["file", "sls"]


@pytest.mark.parametrize(
    ("text", "literals"),
    [
        ("${env:API_KEY, 'lit-one'}", ["lit-one"]),
        ('${ssm:/x, "lit, with } comma"}', ["lit, with } comma"]),
        ("${opt:stage, self:provider.stage, 'dev'}", ["dev"]),
        ("${env:X, ${ssm:/y, 'inner'}}", ["inner"]),
        ("${env:PORT, 8080}", ["8080"]),
        ("${env:FLAG, true}", ["true"]),
        ("${env:X, bare-word}", ["bare-word"]),
        ("${env:X, ${env:Y}}", []),
        ("${DB_PASS:-shell-default}", ["shell-default"]),
    ],
)
def test_literal_fallbacks_are_found_with_exact_offsets(text: str, literals: list[str]) -> None:
    analysis = analyze(text)
    assert [f.value for f in analysis.fallbacks] == literals
    for fallback in analysis.fallbacks:
        assert text[fallback.start : fallback.end] == fallback.value
        assert analysis.is_literal_span(fallback.start, fallback.end)
        assert analysis.fallback_at(fallback.start, fallback.end) is fallback


def test_text_around_references_stays_literal() -> None:
    text = "postgres://app:pw1@${self:custom.host}/db?key=${ssm:/k}"
    analysis = analyze(text)
    assert not analysis.is_literal
    assert analysis.is_literal_span(text.index("pw1"), text.index("pw1") + 3)
    assert not analysis.is_literal_span(text.index("${ssm"), text.index("${ssm") + 4)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("${AWS::Region}", RefKind.FOREIGN),
        ("${MyParameter}", RefKind.FOREIGN),
        ("${Database.Endpoint.Address}", RefKind.FOREIGN),
        ("{{resolve:secretsmanager:MySecret:SecretString:password}}", RefKind.CFN_DYNAMIC),
        ("{{resolve:ssm-secure:/app/db:1}}", RefKind.CFN_DYNAMIC),
        ("{{resolve:ssm:${ParamName}:3}}", RefKind.CFN_DYNAMIC),
        ("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)", RefKind.KEY_VAULT),
        ("@Microsoft.KeyVault(VaultName=kv;SecretName=x)", RefKind.KEY_VAULT),
        ("%MyConnection%", RefKind.APP_SETTING),
        ("${{ secrets.API_TOKEN }}", RefKind.CI_TEMPLATE),
        ("{{ api_token }}", RefKind.CI_TEMPLATE),
        ("$API_TOKEN", RefKind.SHELL),
        ("ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]", RefKind.CIPHERTEXT),
        ("EV[1:abcdef:ghijkl]", RefKind.CIPHERTEXT),
    ],
)
def test_other_reference_syntaxes_cover_the_whole_value(text: str, kind: RefKind) -> None:
    ((found_kind, _, _, covered),) = spans(text)
    assert (found_kind, covered) == (kind.value, text)


def test_ciphertext_is_recognised_as_such() -> None:
    assert analyze("ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]").is_ciphertext
    assert not analyze("${ssm:/x}").is_ciphertext


@pytest.mark.parametrize("text", ["\\${env:X}", "${!Literal}", "pa$$word", "plain-value", "${unterminated"])
def test_escapes_and_plain_text_are_not_references(text: str) -> None:
    assert analyze(text).references == ()


def test_describe_shows_the_source_and_address_but_never_the_fallback() -> None:
    text = "${env:STRIPE_KEY, 'very-secret-fallback'}"
    (reference,) = analyze(text).references
    assert describe(reference) == "${env:STRIPE_KEY, ...}"


def test_deep_nesting_is_bounded() -> None:
    text = "${env:" * 200 + "X" + "}" * 200
    (variable,) = parse_variables(text)
    assert variable.source == "env"
    assert sum(1 for _ in variable.walk()) <= 40


def test_one_file_answers_a_repeated_text_from_memory_and_forgets_it_after() -> None:
    text = "${self:custom.stage}-${env:TOKEN, 'fallback'}"
    assert analyze(text) is not analyze(text)  # no memory outside a file's scan
    with one_file():
        first = analyze(text)
        assert analyze(text) is first
        with one_file():  # a nested block (a `${file()}` target) shares the file's memory
            assert analyze(text) is first
        assert analyze("plain") is not first
    assert analyze(text) is not first
    assert analyze(text) == first
