"""Second round of issue 14: classes the frozen test half showed (read after its one measurement). Each
test makes its own data: fake values of the real shapes, in the manifests they were found in."""

from __future__ import annotations

import pytest

from bot.core import humansecrets
from bot.core.config import ScanConfig
from bot.core.findings import redact
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from tests.core.test_bounded_work import _growth

RULES = RuleSet.default()
TOKEN = "Q7vR2kLp" + "9XzT4mWb8NcY3"
HEX = "3f9a2c7e" + "1b5d8f0a4c6e9b2d"
CFN = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Sub:\n    Type: AWS::SNS::Subscription\n"


def findings(name: str, text: str) -> list[tuple[str, int]]:
    result = scan_file(name, text.encode(), ruleset=RULES, config=ScanConfig())
    return [(f.rule, f.line) for f in result.findings if f.severity.rank >= 2]


def lines(name: str, text: str) -> list[int]:
    return [line for _, line in findings(name, text)]


# --- Credentials in a URL's query string -------------------------------------------------------------------


@pytest.mark.parametrize(
    "parameter", ["secret", "token", "key", "code", "sig", "signature", "api_key", "auth"]
)
def test_a_credential_in_a_webhook_urls_query_string_is_reported(parameter: str) -> None:
    text = (
        CFN
        + f"    Properties:\n      Protocol: https\n      Endpoint: https://hooks.acme.io/sns/in?{parameter}={TOKEN}&team=ops\n"
    )
    assert lines("template.yaml", text) == [7]


@pytest.mark.parametrize(
    "value",
    ["${WebhookSecret}", "{{resolve:ssm:/hooks/secret}}", "<your-secret>", "YOUR_SECRET", "xxxxxxxx"],
)
def test_a_reference_or_placeholder_in_a_query_string_is_not(value: str) -> None:
    text = CFN + f"    Properties:\n      Endpoint: !Sub 'https://hooks.acme.io/sns?secret={value}'\n"
    assert findings("template.yaml", text) == []


@pytest.mark.parametrize(
    "query", ["type=firehose&name=logs", "key=uploads/2021/file.png", "code=200", "sig=true", "page=2&key=id"]
)
def test_ordinary_query_parameters_are_not_credentials(query: str) -> None:
    text = CFN + f"    Properties:\n      Endpoint: https://hooks.acme.io/sns?{query}\n"
    assert findings("template.yaml", text) == []


def test_a_query_credential_is_read_in_any_manifest_value() -> None:
    text = f"WEBHOOK_URL: https://relay.acme.io/in?code={HEX}\nREGION: eu-west-1\n"
    assert lines(".env.yaml", text) == [1]


# --- Function code inline in a template --------------------------------------------------------------------

FN = "Resources:\n  Fn:\n    Type: AWS::{}::Function\n    Properties:\n"
ZIP = "AWSTemplateFormatVersion: '2010-09-09'\n" + FN.format("Lambda") + "      Code:\n        ZipFile: |\n"
SAM = "Transform: AWS::Serverless-2016-10-31\n" + FN.format("Serverless") + "      InlineCode: |\n"


@pytest.mark.parametrize("head", [ZIP, SAM])
@pytest.mark.parametrize(
    "line",
    [
        "conn = psycopg2.connect(host=host, user=user, password=password, dbname=db)",
        "conn = pymysql.connect(host=h, password=creds.password)",
        "password = secret['password']",
        "cs = f\"Server={server};Uid={user};Pwd={secret_dict['password']};\"",
        "const password = event.password;",
        "password = db_password",
    ],
)
def test_a_variable_in_a_password_slot_of_inline_code_is_not_a_literal(head: str, line: str) -> None:
    text = head + f"          import os\n          def handler(event, context):\n              {line}\n"
    assert findings("template.yaml", text) == []


@pytest.mark.parametrize("head", [ZIP, SAM])
@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ('API_KEY = "sk_live_' + "51HcJxLkS7d8F9gH2jK3lM4nO5pQ6rS7tU8vW9" + '"', "stripe-secret-key"),
        ('cs = "Server=tcp:db.acme.net;Uid=app;Pwd=' + "Kx81mQ2zLp7w" + ';"', "connection-string-password"),
        ("const dbPassword = '" + "Sup3rS3cretPassw0rd" + "';", "generic-password"),
        ('url = "postgres://app:' + "Kx81mQ2zLp7w" + '@db.acme.net/app"', "database-url-password"),
    ],
)
def test_a_literal_secret_in_inline_code_is_still_reported(head: str, line: str, rule: str) -> None:
    text = head + f"          def handler(event, context):\n              {line}\n"
    assert [found for found, _ in findings("template.yaml", text)] == [rule]


def test_outside_code_a_bracketed_password_is_still_a_password() -> None:
    text = "DB_CONNECTION: Server=db.acme.net;Uid=app;Pwd=Kx8(1mQ2)zLp7w;\n"
    assert [rule for rule, _ in findings(".env.yaml", text)] == ["connection-string-password"]


# --- Provider key ids: the public half of a pair ----------------------------------------------------------


def _settings(values: dict[str, str]) -> str:
    body = ",\n".join(f'    "{key}": "{value}"' for key, value in values.items())
    return '{\n  "IsEncrypted": false,\n  "Values": {\n' + body + "\n  }\n}\n"


@pytest.mark.parametrize("provider", ["VONAGE", "NEXMO"])
def test_a_vonage_api_key_id_is_public_and_its_secret_is_not(provider: str) -> None:
    text = _settings({f"{provider}_API_KEY": "a1b2c3d4", f"{provider}_API_SECRET": "Ab3dE5fG" + "7hI9jK1l"})
    assert findings("local.settings.json", text) == [("generic-secret", 5)]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("PUSHER_APP_KEY", "0a1b2c3d" + "4e5f6a7b8c9d"),
        ("MAILJET_API_KEY", "0123456789abcdef" + "0123456789abcdef"),
        ("RAZORPAY_KEY", "rzp_live_" + "Ab1Cd2Ef3Gh4Ij"),
        ("POSTHOG_KEY", "phc_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5"),
    ],
)
def test_documented_public_key_ids_are_not_secrets(key: str, value: str) -> None:
    assert findings("local.settings.json", _settings({key: value})) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("VONAGE_API_KEY", "Ab3dE5fG" + "7hI9jK1lxQ"),  # not the id's shape
        ("VONAGE_PRIVATE_KEY", "a1b2c3d4" + "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"),
        ("PUSHER_APP_SECRET", "0a1b2c3d" + "4e5f6a7b8c9e"),
        ("MAILJET_SECRET_KEY", "0123456789abcdef" + "0123456789abcdee"),
        ("API_KEY", "a1b2c3d4" + "e5"),  # no provider named
    ],
)
def test_the_secret_half_and_other_shapes_stay_secrets(key: str, value: str) -> None:
    assert len(findings("local.settings.json", _settings({key: value}))) == 1


# --- Web Push (VAPID) keys and bare Azure account keys ------------------------------------------------------

VAPID_PRIVATE = "hB3qk0j2-8Q0yD1m" + "Xr7nWcYtq4ZbP5uLk9vJe2sA6fG"
VAPID_PUBLIC = "BNbxGYNMhEIi9zrneh7mqV4EuanjLUEB" + "axe-ImGrmJmvRUEG3gp8Bx6OKF0DNFMMp0WZN4sMyU4sS2eWRLhSqmY"
ACCOUNT_KEY = "XLWun6AeY7WMqqAyBlN8D5RSLzliWIN7Muatzkkm" + "04SjU5SbSGCE1u/9vvpyL0L1AJ+4QvmuR4s+7cjVMHTLtg=="


@pytest.mark.parametrize(
    "key", ["VAPID_PRIVATE_KEY", "VAPID_KEY_PRIVATE", "WEBPUSH_PRIVATE", "vapidPrivateKey"]
)
def test_a_vapid_private_key_in_netlify_toml_is_reported_and_the_public_key_is_not(key: str) -> None:
    text = f'[build.environment]\n  VAPID_PUBLIC_KEY = "{VAPID_PUBLIC}"\n  {key} = "{VAPID_PRIVATE}"\n'
    assert lines("netlify.toml", text) == [3]


@pytest.mark.parametrize("key", ["STORAGE_ACCOUNT_ACCESS", "AZURE_STORAGE_ACCOUNT", "StorageConnection"])
def test_a_bare_azure_account_key_under_a_storage_setting_is_reported(key: str) -> None:
    assert findings("local.settings.json", _settings({key: ACCOUNT_KEY})) == [("azure-storage-key-bare", 4)]


def test_the_same_shape_under_an_unrelated_key_is_not_an_account_key() -> None:
    assert findings("local.settings.json", _settings({"IMAGE_DIGEST": ACCOUNT_KEY})) == []


# --- Signing secrets people type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_SECRET", "my super secret jwt phrase"),
        ("JwtSecret", "CorrectHorseBatteryStaple"),
        ("SESSION_SECRET", "keyboard cat"),
        ("COOKIE_SECRET", "nodeAuthApp"),
        ("JWT_SIGNING_KEY", "CorrectHorseBatteryStaple"),
    ],
)
def test_a_typed_signing_secret_is_reported(key: str, value: str) -> None:
    assert len(findings(".env.yaml", f"{key}: {value}\n")) == 1


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_SECRET", "Please set this in the console"),
        ("JWT_SECRET", "your jwt secret here"),
        ("JWT_SECRET", "HS256"),
        ("JWT_SECRET", "JWT_SECRET_VALUE"),
        ("JWT_SECRET", "jwtSecret"),
        ("JWT_SECRET", "Set via SSM"),
        ("CLIENT_SECRET", "keyboard cat"),  # not a signing secret: a phrase there is not what the key holds
        ("APP_KEY", "My Cool App"),  # a key that may be a public app key
    ],
)
def test_instructions_names_and_other_keys_are_not(key: str, value: str) -> None:
    assert findings(".env.yaml", f"{key}: {value}\n") == []


# --- Connection strings in the shapes of App Engine and Azure Cache for Redis ------------------------------

PASSWORD = "Kx81mQ2z" + "Lp7w"


def test_a_cloud_sql_socket_url_without_a_host_is_read() -> None:
    uri = f"mysql+pymysql://root:{PASSWORD}@/app?unix_socket=/cloudsql/proj:us-central1:db"
    text = f"runtime: python39\nenv_variables:\n  SQLALCHEMY_DATABASE_URI: {uri}\n"
    assert findings("app.yaml", text) == [("database-url-password", 3)]


def test_a_stackexchange_redis_connection_string_is_read_up_to_its_comma() -> None:
    value = f"cache1.redis.cache.windows.net:6380,password={PASSWORD},ssl=True,abortConnect=False"
    result = scan_file(
        "local.settings.json",
        _settings({"RedisConnection": value}).encode(),
        ruleset=RULES,
        config=ScanConfig(),
    )
    assert [(f.rule, f.line) for f in result.findings] == [("redis-connection-password", 4)]
    assert [f.redacted for f in result.findings] == [redact(PASSWORD)]  # the password alone, not the options


# --- Names of sources and public key ids in commands -------------------------------------------------------


def _overrides(entry: str) -> str:
    return f'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = [\n  "{entry}"\n]\n'


@pytest.mark.parametrize(
    "value", ["ENV:STAGING_GITHUB_TOKEN", "ssm:/app/prod/github-token", "secretsmanager:prod/github-token"]
)
def test_a_samconfig_override_naming_its_source_is_not_a_secret(value: str) -> None:
    text = (
        f'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = [\n  "GitHubToken={value}"\n]\n'
    )
    assert findings("samconfig.toml", text) == []


def test_a_token_that_merely_starts_with_a_source_word_is_still_judged() -> None:
    assert lines("samconfig.toml", _overrides(f"GitHubToken=env:{TOKEN}")) == [4]


def test_a_gpg_key_fingerprint_in_a_command_is_public_and_an_api_key_option_is_not() -> None:
    fingerprint = "A9C5DF4D22E99998" + "D9875A5110C01C5A2F6059E7"
    user_data = (
        f"          #!/bin/bash\n          gpg --keyserver pgp.mit.edu --recv-key {fingerprint}\n"
        f"          ./agent --api-key {HEX}\n"
    )
    text = (
        CFN.replace("SNS::Subscription", "EC2::Instance") + "    Properties:\n      UserData: |\n" + user_data
    )
    assert lines("template.yaml", text) == [9]


# --- Platform properties that hold a credential -------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "      Name: partner-key\n"])
def test_the_value_of_an_api_gateway_api_key_is_a_key(name: str) -> None:
    resource = "  Key:\n    Type: AWS::ApiGateway::ApiKey\n    Properties:\n" + name
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resource + f"      Value: {TOKEN}\n"
    assert [rule for rule, _ in findings("template.yaml", text)] == ["generic-api-key"]


def test_an_api_key_value_from_a_parameter_is_not() -> None:
    resource = "  Key:\n    Type: AWS::ApiGateway::ApiKey\n    Properties:\n      Value: !Ref KeyValue\n"
    assert findings("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resource) == []


# --- Classes of the second blind set's development halves --------------------------------------------------


def test_a_digitalocean_bindable_variable_is_a_reference_not_a_shell_default() -> None:
    text = "name: app\nservices:\n  - name: api\n    envs:\n      - key: MYSQL_PASSWORD\n        value: {}\n"
    assert findings(".do/app.yaml", text.format("${reverb-db.PASSWORD}")) == []
    assert lines(".do/app.yaml", text.format(PASSWORD)) == [6]


def test_a_shell_default_with_a_dash_is_still_a_literal() -> None:
    text = (
        f"service: s\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: ${{DB_PASSWORD-{PASSWORD}}}\n"
    )
    assert lines("serverless.yml", text) == [5]


DER_BODY = "wggSkAgEAAoIBAQC7" + "x9QkZ2mL4pR8vN1tW6yB3dF5hJ0lC2gE7aI9oU4eR1kXq3Mz" * 4


@pytest.mark.parametrize(
    "header",
    [
        "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC",
        "MIIEpAIBAAKCAQEA",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
    ],
)
def test_a_private_key_body_without_pem_armour_is_reported(header: str) -> None:
    text = _settings({"JWT_KEYS_PRIVATE_BASE64": header + DER_BODY})
    assert findings("local.settings.json", text) == [("private-key-der", 4)]


def test_a_public_key_body_is_not() -> None:
    text = _settings({"JWT_KEYS_PUBLIC_BASE64": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + DER_BODY})
    assert findings("local.settings.json", text) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_SECRET", "bird123"),
        ("SECRET_KEY", "123"),
        ("SESSION_SECRET", "test123"),
    ],
)
def test_a_weak_signing_secret_is_still_the_signing_secret(key: str, value: str) -> None:
    assert lines("app.yaml", f"runtime: python39\nenv_variables:\n  {key}: '{value}'\n") == [3]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JWT_SECRET", "secret"),
        ("SESSION_SECRET", "changeme"),
        ("SECRET_KEY", "true"),
        ("JWT_SECRET", "RS256"),
        ("CLIENT_SECRET", "abc1234"),  # not a signing slot: the generic rules' length holds
        ("JWT_EXPIRES_IN", "3600"),
        ("COOKIE_SECRET", "enabled"),  # one lower-case word reads as a setting
        ("COOKIE_SECRET", "lorem ipsum"),
    ],
)
def test_placeholders_switches_and_other_slots_are_not(key: str, value: str) -> None:
    assert findings("app.yaml", f"runtime: python39\nenv_variables:\n  {key}: '{value}'\n") == []


def test_the_weak_signing_rule_reads_the_slots_that_humansecrets_names() -> None:
    rule = next(rule for rule in RULES.rules if rule.id == "weak-signing-secret")
    source = str(getattr(rule.key_pattern, "pattern", rule.key_pattern))
    assert all(
        f"|{word}|" in source.replace("(", "|").replace(")", "|") for word in humansecrets.SIGNING_WORDS
    )


# --- Settings commented out --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        (".env.yaml", f"# DB_PASSWORD: {PASSWORD}\nDB_HOST: db.acme.net\n", 1),
        ("serverless.yml", f"service: s\nprovider:\n  name: aws\n  environment:\n    #API_KEY: {HEX}\n", 5),
        ("netlify.toml", f'[build.environment]\n  # VAPID_PRIVATE_KEY = "{VAPID_PRIVATE}"\n', 2),
    ],
)
def test_a_setting_commented_out_is_still_in_the_file(name: str, text: str, line: int) -> None:
    assert lines(name, text) == [line]


@pytest.mark.parametrize(
    "comment",
    [
        "# DB_PASSWORD: ${ssm:/app/db-password}",
        "# API_KEY: <your-api-key>",
        "# password: see the team vault",
        "# Token: Bearer token used by the webhook",
        "# export DB_PASSWORD=$(aws ssm get-parameter --name /db/pw)",
    ],
)
def test_references_placeholders_and_prose_in_comments_are_not(comment: str) -> None:
    assert findings(".env.yaml", f"{comment}\nREGION: eu-west-1\n") == []


def test_a_token_in_a_commented_setting_is_reported_once() -> None:
    token = "sk_live_" + "51HcJxLkS7d8F9gH2jK3lM4nO5pQ6rS7tU8vW9"
    assert findings(".env.yaml", f"# STRIPE_SECRET_KEY: {token}\nREGION: eu-west-1\n") == [
        ("stripe-secret-key", 1)
    ]


def test_comment_lines_and_query_strings_are_read_in_linear_time() -> None:
    head = "service: s\nprovider:\n  name: aws\n  environment:\n"
    assert _growth(lambda n: head + "".join(f"    # API_KEY_{i}: {HEX}\n" for i in range(n)), 400) < 10
    assert _growth(lambda n: head + "    HOOK: https://h.acme.io/?" + "code=x&" * n + "\n", 2_000) < 10


def test_an_azure_annotated_key_is_found_by_its_signature_under_any_key() -> None:
    key = (
        "pLIi7Qz2Xw9RkT4mVb8NcY3sHdF6gJ0aLe5u" + "Wq1oPr2MnBv3Zy7K" + "JQQJ99BCACYeBjFXJ3w3AAABACOG" + "rEMU"
    )
    text = f'ENDPOINT_AND_CREDENTIAL: "https://ai1.cognitiveservices.azure.com/;{key}"\n'
    assert findings(".env.yaml", text) == [("azure-annotated-key", 1)]


def test_env_yaml_lines_written_without_yamls_space_are_settings() -> None:
    text = f"BOILERPLATE_ENV:'dev'\nDB_PASSWORD:'{PASSWORD}'\nAPI_KEY:\"{HEX}\"\nREGION:\"eu-west-1\"\n"
    assert findings(".env.yaml", text) == [("generic-password", 2), ("generic-api-key", 3)]


def test_tight_lines_with_placeholders_are_not() -> None:
    assert findings(".env.yaml", "GATE_API_KEY:\"your_actual_api_key\"\nLOG_LEVEL:'info'\n") == []


# --- HTTP Basic credentials ------------------------------------------------------------------------------

BASIC = "YWRtaW46SHg3" + "MmtQcTlMbTI="  # admin:<a real-looking password>


@pytest.mark.parametrize("key", ["AUTH", "AUTH_HEADER", "UPSTREAM_AUTHORIZATION"])
def test_basic_credentials_are_reported_under_any_key(key: str) -> None:
    assert findings(".env.yaml", f'{key}: "Basic {BASIC}"\n') == [("http-basic-credentials", 1)]


@pytest.mark.parametrize(
    "value",
    [
        "Basic dXNlcjpwYXNzd29yZA==",  # user:password
        "Basic aGVsbG8gd29ybGQ=",  # no colon: not credentials
        "Basic realm=api",
        "Basic ${BASIC_AUTH}",
    ],
)
def test_basic_values_that_are_no_credentials_are_not(value: str) -> None:
    assert findings(".env.yaml", f'UPSTREAM: "{value}"\n') == []


def test_a_member_commented_out_of_local_settings_json_is_judged() -> None:
    body = f'    // "DB_PASSWORD": "{PASSWORD}",\n    // "TOKEN": "<your-token>",\n'
    text = (
        '{\n  "IsEncrypted": false,\n  "Values": {\n'
        + body
        + '    "FUNCTIONS_WORKER_RUNTIME": "node"\n  }\n}\n'
    )
    assert findings("local.settings.json", text) == [("generic-password", 4)]


@pytest.mark.parametrize(("key", "reported"), [("AI_SEARCH_KEY", True), ("SEARCH_QUERY_KEY", False)])
def test_an_azure_search_admin_key_is_a_secret_and_a_query_key_is_not(key: str, reported: bool) -> None:
    text = _settings({key: "7F3A9C2E1B5D8F0A" + "4C6E9B2D7F1A3C5E"})
    assert len(findings("local.settings.json", text)) == int(reported)


def test_an_algolia_search_only_key_stays_public() -> None:
    assert findings("local.settings.json", _settings({"ALGOLIA_SEARCH_KEY": HEX + HEX})) == []
