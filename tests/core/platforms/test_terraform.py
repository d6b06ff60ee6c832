from __future__ import annotations

from bot.core.findings import NoticeKind
from tests.core.platforms.support import (
    API_KEY,
    GITHUB_TOKEN,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

AWS = f"""terraform {{
  required_version = ">= 1.5"
}}

variable "stage" {{
  default = "prod"
}}

variable "db_password" {{
  type      = string
  sensitive = true
  default   = "{PASSWORD}"
}}

resource "aws_lambda_function" "api" {{
  function_name = "api-${{var.stage}}"
  role          = aws_iam_role.lambda.arn
  environment {{
    variables = {{
      STAGE        = var.stage
      GITHUB_TOKEN = "{GITHUB_TOKEN}"
      DATABASE_URL = coalesce(var.database_url, "postgres://app:{PASSWORD}@db:5432/app")
      SIGNING_KEY  = <<-EOT
        {API_KEY}
      EOT
      FROM_SSM     = data.aws_ssm_parameter.api_key.value
      TEMPLATED    = "${{var.api_key}}"
    }}
  }}
}}
"""

GOOGLE = f"""resource "google_cloudfunctions2_function" "fn" {{
  name = "fn"
  service_config {{
    environment_variables = {{
      OPENAI_API_KEY = "{API_KEY}"
    }}
  }}
}}

resource "google_cloud_run_v2_service" "api" {{
  template {{
    containers {{
      env {{
        name  = "REGION"
        value = "europe-west1"
      }}
      env {{
        name  = "DB_PASSWORD"
        value = "{PASSWORD}"
      }}
    }}
  }}
}}
"""

AZURE = f"""resource "azurerm_linux_function_app" "fn" {{
  name = "fn"
  app_settings = {{
    "FUNCTIONS_WORKER_RUNTIME" = "python"
    "STRIPE_SECRET"            = "{PASSWORD}"
  }}
}}
"""

TFVARS = f"""region      = "eu-west-1"
db_password = "{PASSWORD}"
tags = {{
  owner = "team"
}}
"""


def test_environment_literals_defaults_heredocs_and_literals_in_calls_are_found() -> None:
    result = scan("infra/main.tf", AWS)
    assert result.platform == "terraform"
    assert result.notices == ()
    assert serious_lines("infra/main.tf", AWS) == [12, 21, 22, 23]


def test_heredoc_finding_spans_its_lines() -> None:
    heredoc = next(f for f in serious(scan("main.tf", AWS)) if f.line == 23)
    assert heredoc.end_line == 25


def test_references_are_safe() -> None:
    lines = serious_lines("main.tf", AWS)
    assert not {16, 20, 26, 27} & set(lines)


def test_aws_fix_reads_the_value_from_an_ssm_data_source() -> None:
    fix = remediation_at("main.tf", AWS, 21)
    assert fix.replacement == '      GITHUB_TOKEN = "${data.aws_ssm_parameter.github_token.value}"'
    assert fix.store_command == (
        'aws ssm put-parameter --name /github-token --type SecureString --value "$GITHUB_TOKEN"'
    )


def test_a_variable_default_is_removed_and_supplied_at_apply_time() -> None:
    finding = next(f for f in serious(scan("main.tf", AWS)) if f.line == 12)
    assert finding.key == "variable.db_password.default"
    assert finding.remediation is not None
    assert finding.remediation.replacement == "  # db_password: removed; its new value is secret /db-password"
    assert "TF_VAR_db_password" in (finding.remediation.runtime_hint or "")


def test_google_functions_and_cloud_run_env_blocks_use_secret_manager() -> None:
    result = scan("gcp.tf", GOOGLE)
    assert serious_lines("gcp.tf", GOOGLE) == [5, 19]
    finding = next(f for f in serious(result) if f.line == 19)
    assert finding.remediation is not None
    assert finding.remediation.replacement == (
        '        value = "${data.google_secret_manager_secret_version.db_password.secret_data}"'
    )
    assert (
        finding.remediation.store_command
        == "printf '%s' \"$DB_PASSWORD\" | gcloud secrets create db-password --data-file=-"
    )


def test_azure_app_settings_use_a_key_vault_reference() -> None:
    finding = serious(scan("azure.tf", AZURE))[0]
    assert finding.line == 5
    assert finding.remediation is not None
    assert finding.remediation.replacement == (
        '    "STRIPE_SECRET"            = "@Microsoft.KeyVault(SecretUri=https://<your-vault>.vault.azure.net/'
        'secrets/stripe-secret/)"'
    )
    assert finding.remediation.store_command is not None
    assert finding.remediation.store_command.startswith(
        "az keyvault secret set --vault-name <your-vault> --name stripe"
    )


def test_json_syntax_is_read_with_the_same_meaning() -> None:
    text = (
        '{\n  "resource": {\n    "aws_lambda_function": {\n      "api": {\n        "environment": [\n'
        f'          {{"variables": {{"GITHUB_TOKEN": "{GITHUB_TOKEN}"}}}}\n'
        "        ]\n      }\n    }\n  }\n}\n"
    )
    finding = serious(scan("main.tf.json", text))[0]
    assert finding.line == 6
    assert finding.remediation is not None
    assert '"GITHUB_TOKEN": "${data.aws_ssm_parameter.github_token.value}"' in (
        finding.remediation.replacement or ""
    )
    assert_fix_property("main.tf.json", text)


def test_tfvars_values_are_found() -> None:
    assert serious_lines("prod.tfvars", TFVARS) == [2]
    assert serious_lines("terraform.auto.tfvars", TFVARS) == [2]


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        f'variable "api_key" {{\n  default = "<api-key>"\n}}\nlocals {{\n  db_password = "{SOPS_VALUE}"\n}}\n'
    )
    assert serious_lines("vars.tf", text) == []


def test_other_hcl_files_are_not_read_as_terraform() -> None:
    packer = f'source "amazon-ebs" "x" {{\n  secret_key = "{PASSWORD}"\n}}\n'
    assert scan("image.pkr.hcl", packer).platform is None


def test_a_broken_file_is_reported_and_still_scanned_line_by_line() -> None:
    broken = f'resource "aws_lambda_function" "x" {{\n  environment {{\n    GITHUB_TOKEN = "{GITHUB_TOKEN}"\n'
    result = scan("broken.tf", broken)
    assert [notice.kind for notice in result.notices] == [NoticeKind.PARSE_ERROR]
    assert [f.line for f in serious(result)] == [3]


def test_fix_property() -> None:
    assert_fix_property("main.tf", AWS)
    assert_fix_property("gcp.tf", GOOGLE)
    assert_fix_property("azure.tf", AZURE)
    assert_fix_property("prod.tfvars", TFVARS)
