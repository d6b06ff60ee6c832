from __future__ import annotations

from tests.core.platforms.support import (
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    remediation_at,
    scan,
    serious_lines,
)

FLY = f"""app = "my-app"
primary_region = "ams"

[build]
  dockerfile = "Dockerfile"
  [build.args]
    NPM_TOKEN = "{PASSWORD}"

[env]
  PORT = "8080"
  DATABASE_URL = "postgres://app:{PASSWORD}@db.internal:5432/app"
  SESSION_SECRET = "{PASSWORD}"

[http_service]
  internal_port = 8080
"""


def test_env_and_build_args_secrets_are_found_on_their_lines() -> None:
    result = scan("fly.toml", FLY)
    assert result.platform == "fly"
    assert serious_lines("fly.toml", FLY) == [7, 11, 12]


def test_fix_removes_the_entry_and_sets_a_fly_secret_from_the_shell() -> None:
    fix = remediation_at("fly.toml", FLY, 12)
    assert fix.replacement == "  # SESSION_SECRET: removed; its new value is secret SESSION_SECRET"
    assert fix.store_command == 'fly secrets set SESSION_SECRET="$SESSION_SECRET"'


def test_a_password_inside_a_url_is_stored_under_the_variable_name() -> None:
    fix = remediation_at("fly.toml", FLY, 11)
    assert fix.store_command == 'fly secrets set DATABASE_URL="$DATABASE_URL"'


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        f'app = "a"\n[env]\n  API_KEY = "REPLACE_ME"\n  DB_PASSWORD = "{SOPS_VALUE}"\n  LOG_LEVEL = "debug"\n'
    )
    assert serious_lines("fly.toml", text) == []


def test_per_environment_configs_are_recognised_and_look_alikes_are_not() -> None:
    assert scan("deploy/fly.staging.toml", FLY).platform == "fly"
    assert scan("flyway.toml", FLY).platform is None
    assert scan("Cargo.toml", FLY).platform is None


def test_fix_property() -> None:
    assert_fix_property("fly.toml", FLY)
