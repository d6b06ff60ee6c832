from __future__ import annotations

from tests.core.platforms.support import (
    GITHUB_TOKEN,
    PASSWORD,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

RENDER = f"""services:
  - type: web
    name: api
    runtime: node
    envVars:
      - key: GITHUB_TOKEN
        value: {GITHUB_TOKEN}
      - key: STRIPE_SECRET
        sync: false
      - key: SESSION_SECRET
        generateValue: true
      - key: DATABASE_URL
        fromDatabase:
          name: db
          property: connectionString
      - fromGroup: shared-settings
envVarGroups:
  - name: shared-settings
    envVars:
      - key: SMTP_PASSWORD
        value: "{PASSWORD}"
"""


def test_literal_values_in_services_and_groups_are_found() -> None:
    result = scan("render.yaml", RENDER)
    assert result.platform == "render"
    assert serious_lines("render.yaml", RENDER) == [7, 21]
    assert {f.key for f in serious(result)} == {
        "services[0].envVars[0].value",
        "envVarGroups[0].envVars[0].value",
    }


def test_sync_false_generated_and_bound_values_are_safe_references() -> None:
    safe = RENDER.replace(f"value: {GITHUB_TOKEN}", "sync: false").replace(
        f'value: "{PASSWORD}"', "sync: false"
    )
    assert scan("render.yaml", safe).findings == ()


def test_fix_removes_the_literal_and_says_to_use_sync_false() -> None:
    fix = remediation_at("render.yaml", RENDER, 21)
    assert fix.replacement == "        # SMTP_PASSWORD: removed; its new value is secret SMTP_PASSWORD"
    assert "sync: false" in (fix.runtime_hint or "")


def test_placeholders_are_not_secrets() -> None:
    text = "services:\n  - type: web\n    envVars:\n      - key: API_KEY\n        value: <your-api-key>\n"
    assert serious_lines("render.yaml", text) == []


def test_a_render_yaml_without_blueprint_keys_is_not_misread() -> None:
    assert scan("render.yaml", "chart:\n  name: x\n").platform is None


def test_fix_property() -> None:
    fixed = assert_fix_property("render.yaml", RENDER)
    assert "- key: SMTP_PASSWORD" in fixed
