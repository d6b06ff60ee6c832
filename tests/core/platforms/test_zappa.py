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

ZAPPA_JSON = f"""{{
    "dev": {{
        "app_function": "app.app",
        "aws_region": "eu-west-1",
        "project_name": "hook",
        "runtime": "python3.12",
        "s3_bucket": "zappa-do45jmb03",
        "environment_variables": {{
            "GITHUB_TOKEN": "{GITHUB_TOKEN}",
            "APP_KEY": "$APP_KEY"
        }},
        "aws_environment_variables": {{
            "DB_PASSWORD": "{PASSWORD}"
        }},
        "remote_env": "s3://my-private-bucket/env.json"
    }}
}}
"""

ZAPPA_YAML = f"""dev:
  app_function: app.app
  project_name: hook
  aws_environment_variables:
    DB_PASSWORD: {PASSWORD}
prod:
  extends: dev
  environment_variables:
    SECRET_KEY: "{PASSWORD}"
"""


def test_both_environment_maps_are_found_on_their_lines() -> None:
    result = scan("zappa_settings.json", ZAPPA_JSON)
    assert result.platform == "zappa"
    assert serious_lines("zappa_settings.json", ZAPPA_JSON) == [9, 13]


def test_yaml_settings_and_extended_stages_are_read() -> None:
    assert serious_lines("zappa_settings.yml", ZAPPA_YAML) == [5, 9]


def test_fix_empties_the_value_and_stores_an_ssm_parameter_named_after_project_and_stage() -> None:
    fix = remediation_at("zappa_settings.json", ZAPPA_JSON, 13)
    assert fix.replacement == '            "DB_PASSWORD": ""'
    assert fix.store_command == (
        'aws ssm put-parameter --name /hook/dev/db-password --type SecureString --value "$DB_PASSWORD"'
    )
    assert "remote_env" in (fix.runtime_hint or "")


def test_a_password_inside_a_url_is_stored_as_the_whole_url() -> None:
    text = ZAPPA_JSON.replace(
        f'"DB_PASSWORD": "{PASSWORD}"', f'"DATABASE_URL": "mysql://app:{PASSWORD}@db/app"'
    )
    fix = remediation_at("zappa_settings.json", text, 13)
    assert fix.store_command == (
        'aws ssm put-parameter --name /hook/dev/database-url --type SecureString --value "$DATABASE_URL"'
    )


def test_unexpanded_variables_bucket_names_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        '{"dev": {"project_name": "p", "s3_bucket": "zappa-ofhw78x3y", "environment_variables": '
        f'{{"APP_KEY": "$APP_KEY", "API_TOKEN": "xxxxxxxx", "DB_PASSWORD": "{SOPS_VALUE}"}}}}}}'
    )
    assert serious_lines("zappa_settings.json", text) == []


def test_a_zappa_named_file_without_stage_settings_is_not_misread() -> None:
    text = f'{{"name": "x", "env": {{"DB_PASSWORD": "{PASSWORD}"}}}}'
    assert scan("zappa_settings.json", text).platform is None


def test_fix_property() -> None:
    assert_fix_property("zappa_settings.json", ZAPPA_JSON)
    assert_fix_property("zappa_settings.yml", ZAPPA_YAML)
