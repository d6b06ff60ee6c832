from __future__ import annotations

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

VERCEL = f"""{{
  "$schema": "https://openapi.vercel.sh/vercel.json",
  "version": 2,
  "env": {{
    "DB_PASSWORD": "{PASSWORD}",
    "API_URL": "https://api.example.com"
  }},
  "build": {{
    "env": {{
      "GITHUB_TOKEN": "{GITHUB_TOKEN}",
      "NEXT_PUBLIC_GITHUB": "{GITHUB_TOKEN}",
      "NEXT_PUBLIC_MAPS_KEY": "{API_KEY}"
    }}
  }}
}}
"""


def test_secrets_in_env_and_build_env_are_found_on_their_lines() -> None:
    result = scan("vercel.json", VERCEL)
    assert result.platform == "vercel"
    assert serious_lines("vercel.json", VERCEL) == [5, 10, 11]


def test_a_public_name_makes_a_generic_value_public_but_not_a_provider_token() -> None:
    lines = serious_lines("vercel.json", VERCEL)
    assert 11 in lines
    assert 12 not in lines


def test_fix_empties_the_value_and_adds_a_sensitive_variable() -> None:
    fix = remediation_at("vercel.json", VERCEL, 5)
    assert fix.replacement == '    "DB_PASSWORD": "",'
    assert fix.store_command is not None
    assert fix.store_command.endswith("vercel env add DB_PASSWORD production --sensitive")


def test_legacy_secret_references_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = (
        '{\n  "env": {\n'
        '    "API_KEY": "@my-api-key",\n'
        '    "DB_PASSWORD": "@db_password",\n'
        '    "AUTH_TOKEN": "your-token-here",\n'
        f'    "STRIPE_SECRET": "{SOPS_VALUE}"\n'
        "  }\n}\n"
    )
    assert serious_lines("vercel.json", text) == []


def test_a_provider_token_after_an_at_sign_is_still_found() -> None:
    text = '{\n  "env": {\n    "GH": "@' + GITHUB_TOKEN + '"\n  }\n}\n'
    assert serious_lines("vercel.json", text) == [3]


def test_routing_only_config_and_other_json_files_are_quiet() -> None:
    routes = '{\n  "version": 2,\n  "routes": [{"src": "/api/(.*)", "dest": "/api/bot.py"}]\n}\n'
    assert scan("vercel.json", routes).findings == ()
    assert scan("now-config.json", VERCEL).platform != "vercel"


def test_public_prefix_is_called_out_in_the_hint() -> None:
    public = [f for f in serious(scan("vercel.json", VERCEL)) if "NEXT_PUBLIC" in f.key]
    assert public
    assert public[0].remediation is not None
    assert "browser bundle" in (public[0].remediation.runtime_hint or "")


def test_fix_property() -> None:
    assert_fix_property("vercel.json", VERCEL.replace(API_KEY, "pk-maps-browser-key"))
