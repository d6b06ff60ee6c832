"""Positive manifests, one per case of the scanner issue, in the places real manifests put secrets.

Every fake secret is generated at import time from a seeded RNG (no secret-shaped literal is in the repo).
`CASES` is shared with the fix-property and redaction tests in test_remediation.py; the test here checks
that each case reports exactly the expected medium/high findings, at the expected lines.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass

import pytest

from bot.core.advisories import ADVISORY_IDS
from bot.core.config import ScanConfig
from bot.core.findings import ScanResult, Severity
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

_RNG = random.Random(20240611)
_ALNUM = string.ascii_letters + string.digits
_B64 = _ALNUM + "+/"


def fake(prefix: str, length: int, alphabet: str = _ALNUM) -> str:
    return prefix + "".join(_RNG.choice(alphabet) for _ in range(length))


GITHUB = fake("ghp_", 36)
STRIPE = fake("sk_" + "live_", 24)
GOOGLE = fake("AI" + "za", 35, _ALNUM + "_-")
SENDGRID = fake("SG.", 22) + fake(".", 43)
SLACK = fake("xo" + "xb-", 12, string.digits) + fake("-", 13, string.digits) + fake("-", 24)
AWS_KEY_ID = fake("AK" + "IA", 16, string.ascii_uppercase + string.digits)
STORAGE_KEY = fake("", 86, _B64) + "=="
BUS_KEY = fake("", 43, _B64) + "="
COSMOS_KEY = fake("", 86, _B64) + "=="
PASSWORD = "hunter2" + "hunter2"
DB_PASSWORD = fake("Pw", 14)
PEM_BODY = [fake("", 64, _B64) for _ in range(4)]
PEM = "-----BEGIN " + "PRIVATE KEY-----\n" + "\n".join(PEM_BODY) + "\n-----END " + "PRIVATE KEY-----\n"
SECRETS: tuple[str, ...] = (GITHUB, STRIPE, GOOGLE, SENDGRID, SLACK, AWS_KEY_ID, STORAGE_KEY, BUS_KEY)
SECRETS += (COSMOS_KEY, PASSWORD, DB_PASSWORD, *PEM_BODY)


def pem_block(indent: str) -> str:
    return "".join(f"{indent}{line}\n" for line in PEM.rstrip("\n").split("\n"))


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    text: str
    expected: dict[int, str]  # line -> rule id of each medium/high finding

    def __str__(self) -> str:
        return self.name


SERVERLESS_ENV = Case(
    "serverless-provider-and-function-env",
    "serverless.yml",
    f"""service: hello-world
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
  environment:
    GITHUB_API_KEY: {GITHUB}
    TABLE_NAME: ${{self:service}}-${{sls:stage}}
    SAFE_SECRET: ${{ssm:/hello-world/safe}}
functions:
  sync:
    handler: src/sync.handler
    environment:
      DB_PASSWORD: "{PASSWORD}"
      SLACK_TOKEN: '{SLACK}'
      FROM_ENV: ${{env:FROM_ENV}}
      CLIENT_ID: 1234567890-abcdef.apps.googleusercontent.com
""",
    {7: "github-pat", 14: "generic-password", 15: "slack-token"},
)

SERVERLESS_FALLBACKS = Case(
    "serverless-literal-fallbacks",
    "services/api/serverless.yml",
    f"""service: payments
provider:
  name: aws
  stage: prod
functions:
  charge:
    handler: charge.handler
    environment:
      STRIPE_KEY: ${{env:STRIPE_KEY, '{STRIPE}'}}
      GITHUB_TOKEN: ${{ssm:/payments/github, "{GITHUB}"}}
      DB_PASSWORD: ${{param:dbPassword, '{DB_PASSWORD}'}}
      REGION: ${{opt:region, 'us-east-1'}}
      STAGE: ${{opt:stage, self:provider.stage, "dev"}}
""",
    {9: "stripe-secret-key", 10: "github-pat", 11: "generic-password"},
)

SERVERLESS_SELF_CHAIN = Case(
    "serverless-self-chain",
    "serverless.yml",
    f"""service: hello-world
custom:
  apiKey: {DB_PASSWORD}
  alias: ${{self:custom.apiKey}}
  loopA: ${{self:custom.loopB}}
  loopB: ${{self:custom.loopA}}
  stageKeys:
    prod: {PASSWORD}
provider:
  name: aws
functions:
  hello:
    handler: handler.hello
    environment:
      API_KEY: ${{self:custom.alias}}
      LOOP: ${{self:custom.loopA}}
      DB_PASS: ${{self:custom.stageKeys.${{sls:stage}}}}
""",
    {3: "generic-api-key", 8: "generic-password"},
)

SERVERLESS_PARAMS = Case(
    "serverless-params",
    "serverless.yaml",
    f"""service: shop
params:
  default:
    stripeKey: ${{env:STRIPE_KEY}}
  prod:
    dbUrl: postgres://shop:{DB_PASSWORD}@db.internal:5432/shop
stages:
  staging:
    params:
      webhookSecret: {PASSWORD}
provider:
  name: aws
  environment:
    STRIPE_KEY: ${{param:stripeKey}}
functions:
  hook:
    handler: hook.handler
    environment:
      WEBHOOK_SECRET: ${{param:webhookSecret}}
      DATABASE_URL: ${{param:dbUrl}}
""",
    {6: "database-url-password", 10: "generic-secret"},
)

SERVERLESS_PEM_JSON = Case(
    "serverless-json-and-pem",
    "serverless.json",
    '{\n  "service": "signer",\n  "provider": {\n    "name": "aws",\n    "environment": {\n'
    f'      "SIGNING_KEY": "{PEM.replace(chr(10), chr(92) + "n")}",\n'
    f'      "SENDGRID_API_KEY": "{SENDGRID}"\n'
    "    }\n  }\n}\n",
    {6: "private-key", 7: "sendgrid-api-key"},
)

SERVERLESS_PEM_BLOCK = Case(
    "serverless-pem-block",
    "serverless.yml",
    "service: signer\nprovider:\n  name: aws\ncustom:\n  signing:\n    privateKey: |\n"
    + pem_block("      ")
    + "functions:\n  sign:\n    handler: sign.handler\n",
    {6: "private-key"},
)

SERVERLESS_RESOURCES = Case(
    "serverless-resources-cloudformation",
    "serverless.yml",
    f"""service: orders
provider:
  name: aws
  environment:
    DB_URL:
      Fn::Join:
        - ''
        - - 'mysql://admin:'
          - '{DB_PASSWORD}'
          - '@'
          - Fn::GetAtt: [Database, Endpoint.Address]
          - '/orders'
resources:
  Resources:
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        MasterUsername: admin
        MasterUserPassword: {PASSWORD}
""",
    {9: "database-url-password", 19: "generic-password"},
)

CFN_PARAMETERS = Case(
    "cfn-parameter-default-noecho",
    "infra/template.yaml",
    f"""AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  DBPassword:
    Type: String
    NoEcho: true
    Default: {DB_PASSWORD}
  DBUser:
    Type: String
    Default: admin
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUsername: !Ref DBUser
      MasterUserPassword: !Ref DBPassword
""",
    {6: "generic-password"},
)

SAM_GLOBALS = Case(
    "sam-globals-and-functions",
    "sam-app/template.yml",
    f"""AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        GITHUB_TOKEN: {GITHUB}
Resources:
  Sync:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Environment:
        Variables:
          STRIPE_SECRET_KEY: "{STRIPE}"
          TABLE: !Ref Table
          SAFE: '{{{{resolve:secretsmanager:sam-app/prod/stripe:SecretString:key}}}}'
  Table:
    Type: AWS::Serverless::SimpleTable
""",
    {8: "github-pat", 16: "stripe-secret-key"},
)

CFN_SUB_JOIN_MAP = Case(
    "cfn-sub-join-findinmap",
    "stacks/db.template",
    f"""AWSTemplateFormatVersion: '2010-09-09'
Mappings:
  Credentials:
    prod:
      ApiToken: {PASSWORD}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          DB_URL: !Sub 'postgres://admin:{DB_PASSWORD}@${{Db.Endpoint.Address}}:5432/app'
          BROKER: !Join ['', ['amqp://user:', '{DB_PASSWORD}x', '@broker.internal:5672']]
          TOKEN: !FindInMap [Credentials, prod, ApiToken]
          REGION: !Sub '${{AWS::Region}}'
""",
    {5: "generic-token", 13: "database-url-password", 14: "database-url-password"},
)

CFN_JSON = Case(
    "cfn-json-lambda-env",
    "cfn/stack.json",
    "{\n"
    '  "AWSTemplateFormatVersion": "2010-09-09",\n'
    '  "Resources": {\n'
    '    "Fn": {\n'
    '      "Type": "AWS::Lambda::Function",\n'
    '      "Properties": {\n'
    '        "Environment": {\n'
    '          "Variables": {\n'
    f'            "AWS_ACCESS_KEY_ID": "{AWS_KEY_ID}",\n'
    '            "QUEUE": {"Ref": "Queue"},\n'
    f'            "GOOGLE_MAPS_KEY": "{GOOGLE}"\n'
    "          }\n"
    "        }\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}\n",
    {9: "aws-access-key-id", 11: "google-api-key"},
)

AZURE_SETTINGS = Case(
    "azure-local-settings",
    "api/local.settings.json",
    "{\n"
    '  "IsEncrypted": false,\n'
    '  "Values": {\n'
    '    "FUNCTIONS_WORKER_RUNTIME": "python",\n'
    '    "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=store1;'
    f'AccountKey={STORAGE_KEY};EndpointSuffix=core.windows.net",\n'
    '    "ServiceBusConnection": "Endpoint=sb://bus1.servicebus.windows.net/;'
    f'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={BUS_KEY}",\n'
    f'    "CosmosDb": "AccountEndpoint=https://db1.documents.azure.com:443/;AccountKey={COSMOS_KEY};",\n'
    f'    "SENDGRID_API_KEY": "{SENDGRID}",\n'
    '    "Vault": "@Microsoft.KeyVault(VaultName=kv1;SecretName=api)",\n'
    '    "Local": "UseDevelopmentStorage=true"\n'
    "  },\n"
    '  "ConnectionStrings": {\n'
    '    "Sql": "Server=tcp:sql1.database.windows.net,1433;Database=app;User ID=app;'
    f'Password={DB_PASSWORD};"\n'
    "  }\n"
    "}\n",
    {
        5: "azure-storage-account-key",
        6: "azure-shared-access-key",
        7: "azure-cosmos-db-key",
        8: "sendgrid-api-key",
        13: "connection-string-password",
    },
)

GCP_ENV = Case(
    "gcp-env-yaml",
    "functions/.env.yaml",
    f"""PROJECT_ID: my-project
DB_PASSWORD: {DB_PASSWORD}
GEMINI_API_KEY: "{GOOGLE}"
DATABASE_URL: postgresql://app:{PASSWORD}@10.0.0.3:5432/app
FIREBASE_PRIVATE_KEY: |
"""
    + pem_block("  ")
    + "LOG_LEVEL: debug\n",
    {2: "generic-password", 3: "google-api-key", 4: "database-url-password", 5: "private-key"},
)

GCP_ENV_LIST = Case(
    "gcp-env-name-value-list",
    "deploy/prod.env.yaml",
    f"""env:
  - name: SHEET_ID
    value: 1KCizb55EhOFAqmN-7SlBaUp0qHNJRZwFWhvG
  - name: MAPS_API_KEY
    value: {GOOGLE}
  - name: ADMIN_PASSWORD
    value: {PASSWORD}
""",
    {5: "google-api-key", 7: "generic-password"},
)

SAMCONFIG = Case(
    "samconfig-parameter-overrides",
    "samconfig.toml",
    f"""version = 0.1
[default.deploy.parameters]
stack_name = "bot-app"
region = "eu-west-2"
parameter_overrides = "Stage=\\"prod\\" DbPassword=\\"{DB_PASSWORD}\\" LogLevel=info"
""",
    {5: "generic-password"},
)

SERVERLESS_TS = Case(
    "serverless-ts-string-literals",
    "serverless.ts",
    f"""import type {{ AWS }} from '@serverless/typescript';

const config: AWS = {{
  service: 'ts-svc',
  provider: {{
    name: 'aws',
    environment: {{
      GITHUB_TOKEN: '{GITHUB}',
      DB_PASSWORD: "{PASSWORD}",
      TABLE: `${{self:service}}-table`,
    }},
  }},
}};

module.exports = config;
""",
    {8: "github-pat", 9: "generic-password"},
)

SERVERLESS_COMMENT_AND_NUMBER = Case(
    "serverless-comment-token-and-numeric-password",
    "serverless.yml",
    f"""service: legacy
# previous token: {GITHUB}
provider:
  name: aws
functions:
  f:
    handler: f.handler
    environment:
      PIN_PASSWORD: 84920175
      TIMEOUT: 30
""",
    {2: "github-pat", 9: "generic-password"},
)

CASES = (
    SERVERLESS_ENV,
    SERVERLESS_COMMENT_AND_NUMBER,
    SERVERLESS_FALLBACKS,
    SERVERLESS_SELF_CHAIN,
    SERVERLESS_PARAMS,
    SERVERLESS_PEM_JSON,
    SERVERLESS_PEM_BLOCK,
    SERVERLESS_RESOURCES,
    CFN_PARAMETERS,
    SAM_GLOBALS,
    CFN_SUB_JOIN_MAP,
    CFN_JSON,
    AZURE_SETTINGS,
    GCP_ENV,
    GCP_ENV_LIST,
    SAMCONFIG,
    SERVERLESS_TS,
)
RULESET = RuleSet.default()
CONFIG = ScanConfig()


def scan(path: str, text: str | bytes, config: ScanConfig = CONFIG) -> ScanResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return scan_file(path, data, ruleset=RULESET, config=config)


def serious(result: ScanResult) -> dict[int, str]:
    return {f.line: f.rule for f in result.findings if f.severity in (Severity.MEDIUM, Severity.HIGH)}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_case_reports_exactly_its_secrets(case: Case) -> None:
    result = scan(case.path, case.text)
    assert result.notices == ()
    assert serious(result) == case.expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_serious_finding_is_complete(case: Case) -> None:
    result = scan(case.path, case.text)
    assert result.platform is not None
    for finding in result.findings:
        assert finding.path == case.path
        assert finding.platform == result.platform
        assert 1 <= finding.line <= finding.end_line
        assert finding.column >= 1
        assert finding.message
        # advice is about a name or a reference: it has no value to preview (never a parameter name)
        assert bool(finding.redacted) == (finding.rule not in ADVISORY_IDS)
        assert finding.key or ("context", "comment") in finding.extra
        assert re.fullmatch(r"v2-[0-9a-f]{32}", finding.fingerprint)
        assert finding.remediation is not None and finding.remediation.docs.startswith("https://")
