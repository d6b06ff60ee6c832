"""An IAM user's access key in a Lambda environment: the fix deletes the variable, revokes the key and grants
the execution role, on every platform that deploys to Lambda; never "store it in SSM"."""

from __future__ import annotations

import json

import pytest

from bot.core.manifests.awskeys import is_key_name
from bot.reports.review import comment_body
from tests.core.platforms.support import apply_fixes, assert_no_value_leaks, scan, serious
from tests.timing import cpu_seconds

KEY_ID = "AKIA" + "Q2W3E4R5" + "T6Y7U8I9"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "Zq7xK9pL2m"
_PAIR = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "TABLE": "users"}


def _json(document: object) -> str:
    return json.dumps(document, indent=2) + "\n"


# platform id -> (path, text, where the execution role is granted)
LAMBDA_MANIFESTS = {
    "serverless": (
        "serverless.yml",
        "service: api\nprovider:\n  name: aws\n  environment:\n"
        f"    AWS_ACCESS_KEY_ID: {KEY_ID}\n    AWS_SECRET_ACCESS_KEY: {SECRET}\n"
        "functions:\n  hello:\n    handler: h.main\n",
        "provider.iam.role.statements",
    ),
    "serverless-function": (
        "serverless.yml",
        "service: api\nprovider:\n  name: aws\nfunctions:\n  hello:\n    handler: h.main\n    environment:\n"
        f"      AWS_KEY: {KEY_ID}\n      AWS_SECRET: {SECRET}\n      TABLE: users\n",
        "provider.iam.role.statements",
    ),
    "sam": (
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: h.main\n"
        f"      Environment:\n        Variables:\n          ACCESS_KEY_ID: {KEY_ID}\n"
        f"          SECRET_ACCESS_KEY: {SECRET}\n",
        "Policies",
    ),
    "cloudformation": (
        "stack.template",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Handler: h.main\n      Environment:\n        Variables:\n"
        f"          AWS_ACCESS_KEY_ID: {KEY_ID}\n          AWS_SECRET_ACCESS_KEY: {SECRET}\n",
        "ManagedPolicyArns",
    ),
    "zappa": (
        "zappa_settings.json",
        _json({"dev": {"app_function": "app.app", "aws_environment_variables": _PAIR}}),
        "extra_permissions",
    ),
    "chalice": (
        "api/.chalice/config.json",
        _json({"version": "2.0", "app_name": "api", "environment_variables": _PAIR}),
        "policy-<stage>.json",
    ),
    "terraform": (
        "infra/main.tf",
        'resource "aws_lambda_function" "api" {\n  environment {\n    variables = {\n'
        f'      AWS_ACCESS_KEY_ID = "{KEY_ID}"\n      AWS_SECRET_ACCESS_KEY = "{SECRET}"\n    }}\n  }}\n}}\n',
        "aws_iam_role_policy",
    ),
    "serverless-code": (
        "serverless.ts",
        "export default {\n  service: 'api',\n  provider: {\n    name: 'aws',\n    environment: {\n"
        f"      AWS_ACCESS_KEY_ID: '{KEY_ID}',\n      AWS_SECRET_ACCESS_KEY: '{SECRET}',\n"
        "    },\n  },\n};\n",
        "provider.iam.role.statements",
    ),
    "architect-prefs": (
        "prefs.arc",
        f"@env\nproduction\n  AWS_ACCESS_KEY_ID {KEY_ID}\n  AWS_SECRET_ACCESS_KEY {SECRET}\n",
        "@aws",
    ),
}


@pytest.mark.parametrize("name", LAMBDA_MANIFESTS)
def test_a_key_pair_in_a_lambda_environment_gets_the_execution_role_fix(name: str) -> None:
    path, text, grant = LAMBDA_MANIFESTS[name]
    result = scan(path, text)
    found = serious(result)
    assert len(found) == 2, [(f.line, f.rule) for f in found]
    assert_no_value_leaks(result)
    for finding in found:
        fix = finding.remediation
        assert fix is not None and fix.runtime_hint is not None and fix.store_command is not None
        hint = fix.runtime_hint
        assert hint.startswith("Rotate first: deactivate this IAM user's access key")
        assert "Do not move it to SSM" in hint and grant in hint
        assert "aws iam update-access-key --status Inactive --access-key-id <access-key-id>" in (
            fix.store_command
        )
        assert fix.store_command.index("update-access-key") < fix.store_command.index("delete-access-key")
        assert "ssm put-parameter" not in fix.store_command and "ssm:" not in (fix.replacement or "")
        assert "execution role" in hint


def test_reserved_names_say_lambda_reserves_them_and_look_alikes_say_the_role_has_credentials() -> None:
    path, text, _ = LAMBDA_MANIFESTS["serverless"]
    result = scan(path, text)
    assert "env-provider-wide" not in {f.rule for f in result.findings}  # nothing to scope: it is deleted
    reserved = serious(result)[0].remediation
    assert reserved is not None and "Lambda reserves AWS_ACCESS_KEY_ID" in (reserved.runtime_hint or "")
    path, text, _ = LAMBDA_MANIFESTS["serverless-function"]
    alike = serious(scan(path, text))[0].remediation
    assert alike is not None and "already has credentials from the function's execution role" in (
        alike.runtime_hint or ""
    )


@pytest.mark.parametrize(
    "name", ["serverless", "serverless-function", "sam", "cloudformation", "terraform", "architect-prefs"]
)
def test_the_fix_deletes_the_variables_and_leaves_a_clean_manifest(name: str) -> None:
    path, text, _ = LAMBDA_MANIFESTS[name]
    result = scan(path, text)
    assert all(f.remediation and f.remediation.replacement == "" for f in serious(result))
    fixed = apply_fixes(text, result)
    assert KEY_ID not in fixed and SECRET not in fixed
    after = scan(path, fixed)
    assert after.platform == result.platform and not serious(after) and not after.notices
    assert [f.rule for f in after.findings] == []  # no "reaches every function" advice left either


def test_a_json_member_followed_by_a_comma_is_deleted_the_last_one_has_no_one_click_fix() -> None:
    path, text, _ = LAMBDA_MANIFESTS["chalice"]
    fixes = {f.rule: f.remediation for f in serious(scan(path, text))}
    assert fixes["aws-access-key-id"] is not None and fixes["aws-access-key-id"].replacement == ""
    assert fixes["aws-secret-access-key"] is not None and fixes["aws-secret-access-key"].replacement == ""
    last = _json({"dev": {"app_function": "app.app", "environment_variables": {"AWS_KEY": KEY_ID}}})
    (finding,) = serious(scan("zappa_settings.json", last))
    assert finding.remediation is not None and finding.remediation.replacement is None
    assert "Delete AWS_KEY" in (finding.remediation.runtime_hint or "")


def test_a_forty_character_secret_next_to_a_key_id_is_the_pair_whatever_its_name() -> None:
    text = (
        "service: api\nprovider:\n  name: aws\nfunctions:\n  hello:\n    handler: h.main\n    environment:\n"
        f"      UPLOAD_ID: {KEY_ID}\n      UPLOAD_SECRET: {SECRET}\n"
    )
    found = serious(scan("serverless.yml", text))
    assert {f.line for f in found} == {8, 9}
    assert all(
        f.remediation and f.remediation.store_command and "update-access-key" in f.remediation.store_command
        for f in found
    )


def test_outside_a_lambda_environment_the_usual_fix_stays() -> None:
    custom = (
        f"service: api\nprovider:\n  name: aws\ncustom:\n  uploader:\n    aws_secret_access_key: {SECRET}\n"
    )
    (finding,) = serious(scan("serverless.yml", custom))
    assert finding.remediation is not None and finding.remediation.replacement is not None
    assert "${ssm:/api/" in finding.remediation.replacement
    google = (
        'resource "google_cloudfunctions_function" "f" {\n  environment_variables = {\n'
        f'    AWS_SECRET = "{SECRET}"\n  }}\n}}\n'
    )
    (finding,) = serious(scan("main.tf", google))
    assert finding.remediation is not None and "update-access-key" not in (
        finding.remediation.store_command or ""
    )
    fly = f'app = "a"\n[env]\nAWS_SECRET_ACCESS_KEY = "{SECRET}"\n'
    (finding,) = serious(scan("fly.toml", fly))
    assert finding.remediation is not None and "fly secrets set" in (finding.remediation.store_command or "")


def test_the_review_comment_is_an_empty_suggestion_that_deletes_the_line() -> None:
    path, text, _ = LAMBDA_MANIFESTS["serverless"]
    finding = serious(scan(path, text))[0]
    body = comment_body(finding, pushed=True)
    assert "```suggestion\n```" in body
    assert body.index("Rotate first") < body.index("aws iam update-access-key")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("AWS_ACCESS_KEY_ID", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("AWS_SESSION_TOKEN", True),
        ("AWS_KEY", True),
        ("awsSecretKey", True),
        ("MY_AWS_SECRET", True),
        ("SECRET_ACCESS_KEY", True),
        ("ACCESS_KEY_ID", True),
        ("AWS_REGION", False),
        ("STRIPE_SECRET_KEY", False),
        ("AWS_KMS_KEY_ARN", False),
        ("GITHUB_TOKEN", False),
    ],
)
def test_key_names(key: str, expected: bool) -> None:
    assert is_key_name(key) is expected


def test_a_long_key_name_made_of_its_own_fragments_is_judged_in_linear_time() -> None:
    def seconds(repeats: int) -> float:
        name = "aws_" * repeats + "x"
        assert not is_key_name(name)
        return cpu_seconds(lambda: is_key_name(name))

    # about 8 when linear; the backtracking pattern this replaced gave about 64
    assert seconds(16_000) / max(seconds(2_000), 1e-4) < 24
