from __future__ import annotations

from tests.core.platforms.support import (
    GITHUB_TOKEN,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    remediation_at,
    scan,
    serious_lines,
)

CHALICE = f"""{{
  "version": "2.0",
  "app_name": "linebot",
  "environment_variables": {{
    "GITHUB_TOKEN": "{GITHUB_TOKEN}"
  }},
  "stages": {{
    "dev": {{
      "api_gateway_stage": "api",
      "environment_variables": {{
        "LINE_CHANNEL_SECRET": "{PASSWORD}",
        "LINE_CHANNEL_ACCESS_TOKEN": "xxxxx"
      }},
      "lambda_functions": {{
        "worker": {{
          "environment_variables": {{"DB_PASSWORD": "{PASSWORD}"}}
        }}
      }}
    }}
  }}
}}
"""


def test_top_level_stage_and_function_environments_are_found() -> None:
    result = scan("app/.chalice/config.json", CHALICE)
    assert result.platform == "chalice"
    assert serious_lines("app/.chalice/config.json", CHALICE) == [5, 11, 16]


def test_fix_keeps_the_name_in_ssm_under_app_and_stage() -> None:
    fix = remediation_at(".chalice/config.json", CHALICE, 11)
    assert fix.replacement == '        "LINE_CHANNEL_SECRET": "",'
    assert fix.store_command == (
        "aws ssm put-parameter --name /linebot/dev/line-channel-secret --type SecureString "
        '--value "$LINE_CHANNEL_SECRET"'
    )
    assert "policy-<stage>.json" in (fix.runtime_hint or "")


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        '{"version": "2.0", "app_name": "a", "stages": {"dev": {"environment_variables": '
        f'{{"LINE_CHANNEL_SECRET": "xxx", "API_KEY": "{SOPS_VALUE}"}}}}}}}}'
    )
    assert serious_lines(".chalice/config.json", text) == []


def test_a_config_json_outside_dot_chalice_is_not_misread() -> None:
    assert scan("config.json", CHALICE).platform is None
    assert scan(".chalice/deployed/dev.json", CHALICE).platform is None


def test_fix_property() -> None:
    assert_fix_property(".chalice/config.json", CHALICE)
