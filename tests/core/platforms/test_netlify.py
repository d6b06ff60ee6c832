from __future__ import annotations

from tests.core.platforms.support import (
    GITHUB_TOKEN,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

NETLIFY = f"""[build]
  command = "npm run build"
  publish = "dist"

[build.environment]
  NODE_VERSION = "18"
  GITHUB_TOKEN = "{GITHUB_TOKEN}"

[context.production.environment]
  DB_PASSWORD = "{PASSWORD}"

[context."feature/x"]
  environment = {{ API_URL = "https://api.example.com", SESSION_SECRET = "{PASSWORD}" }}
"""


def test_secrets_in_build_and_context_environments_are_found_on_their_lines() -> None:
    result = scan("site/netlify.toml", NETLIFY)
    assert result.platform == "netlify"
    assert serious_lines("site/netlify.toml", NETLIFY) == [7, 10, 13]
    keys = {f.key for f in serious(result)}
    assert "context.production.environment.DB_PASSWORD" in keys


def test_fix_removes_the_entry_and_stores_a_secret_variable_with_the_cli() -> None:
    fix = remediation_at("netlify.toml", NETLIFY, 10)
    assert fix.replacement == "  # DB_PASSWORD: removed; its new value is secret DB_PASSWORD"
    assert fix.store_command is not None
    assert fix.store_command.startswith('netlify env:set DB_PASSWORD "$DB_PASSWORD" --secret')


def test_placeholders_ci_expressions_and_ciphertext_are_not_secrets() -> None:
    text = (
        "[build.environment]\n"
        '  DB_PASSWORD = "changeme"\n'
        '  API_KEY = "<your-api-key>"\n'
        '  MEMBERS_TOKEN = "${{ secrets.MEMBERS_LOG }}"\n'
        f'  STRIPE_SECRET = "{SOPS_VALUE}"\n'
    )
    assert serious_lines("netlify.toml", text) == []


def test_another_toml_file_is_not_read_as_netlify() -> None:
    text = f'[tool.app.environment]\nDB_PASSWORD = "{PASSWORD}"\n'
    assert scan("pyproject.toml", text).platform is None


def test_fix_property() -> None:
    assert_fix_property("netlify.toml", NETLIFY)
