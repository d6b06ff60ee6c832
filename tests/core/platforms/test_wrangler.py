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

WRANGLER_TOML = f"""name = "worker"
main = "src/index.js"
compatibility_date = "2024-09-01"
kv_namespaces = [{{ binding = "KV", id = "0f2ac74b498b48028cb68387c421e279" }}]

[vars]
API_URL = "https://api.example.com"
STRIPE_SECRET = "{PASSWORD}"

[env.production.vars]
GITHUB_TOKEN = "{GITHUB_TOKEN}"
"""

WRANGLER_JSONC = f"""{{
  // wrangler.jsonc: comments and trailing commas are allowed
  "name": "worker",
  "main": "src/index.ts",
  "vars": {{
    "API_URL": "https://api.example.com",
    "DB_PASSWORD": "{PASSWORD}",
  }},
  "env": {{
    "staging": {{ "vars": {{ "GITHUB_TOKEN": "{GITHUB_TOKEN}" }} }},
  }},
}}
"""

DEV_VARS = f"""# local secrets for wrangler dev
DB_PASSWORD={PASSWORD}
export GITHUB_TOKEN="{GITHUB_TOKEN}"
API_URL=http://localhost:8787
"""


def test_vars_in_toml_are_found_per_environment() -> None:
    result = scan("wrangler.toml", WRANGLER_TOML)
    assert result.platform == "cloudflare-workers"
    assert serious_lines("wrangler.toml", WRANGLER_TOML) == [8, 11]
    assert {f.key for f in serious(result)} == {"vars.STRIPE_SECRET", "env.production.vars.GITHUB_TOKEN"}


def test_vars_in_jsonc_are_found_despite_comments_and_trailing_commas() -> None:
    assert scan("wrangler.jsonc", WRANGLER_JSONC).platform == "cloudflare-workers"
    assert serious_lines("wrangler.jsonc", WRANGLER_JSONC) == [7, 10]


def test_fix_removes_the_var_and_puts_a_worker_secret_from_stdin() -> None:
    fix = remediation_at("wrangler.toml", WRANGLER_TOML, 8)
    assert fix.replacement == "# STRIPE_SECRET: removed; its new value is secret STRIPE_SECRET"
    assert fix.store_command == "printf '%s' \"$STRIPE_SECRET\" | npx wrangler secret put STRIPE_SECRET"


def test_ids_urls_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        'name = "w"\naccount_id = "0f2ac74b498b48028cb68387c421e279"\n[vars]\n'
        'API_TOKEN = "<set with wrangler secret put>"\n'
        f'DB_PASSWORD = "{SOPS_VALUE}"\n'
        'WEBHOOK_URL = "https://hooks.example.com/in"\n'
    )
    assert serious_lines("wrangler.toml", text) == []


def test_dev_vars_are_found_with_an_advisory_that_the_file_stays_local() -> None:
    result = scan("worker/.dev.vars", DEV_VARS)
    assert result.platform == "cloudflare-dev-vars"
    findings = serious(result)
    assert [f.line for f in findings] == [2, 3]
    assert all(".gitignore" in f.message for f in findings)


def test_dev_vars_for_an_environment_are_recognised() -> None:
    assert scan(".dev.vars.staging", DEV_VARS).platform == "cloudflare-dev-vars"


def test_a_toml_file_with_vars_that_is_not_wrangler_is_not_misread() -> None:
    assert scan("config/worker.toml", WRANGLER_TOML).platform is None


def test_fix_property() -> None:
    assert_fix_property("wrangler.toml", WRANGLER_TOML)
    assert_fix_property("wrangler.jsonc", WRANGLER_JSONC)
    assert_fix_property(".dev.vars", DEV_VARS)
