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

RUNTIME_CONFIG = f"""{{
  "stripe": {{
    "secret": "{PASSWORD}",
    "publishable": "pk_test_abc123"
  }},
  "github": {{"token": "{GITHUB_TOKEN}"}}
}}
"""

FUNCTIONS_ENV = f"""# written by the Firebase CLI for defineString params
PLANET=Earth
AUDIENCE="Developers"
OPENAI_API_KEY={API_KEY}
"""

APPHOSTING = f"""runConfig:
  cpu: 1
  maxInstances: 4
env:
  - variable: STORAGE_BUCKET
    value: project.appspot.com
  - variable: STRIPE_SECRET
    value: {PASSWORD}
    availability:
      - RUNTIME
  - variable: API_KEY
    secret: myApiKeySecret
"""


def test_runtimeconfig_values_are_found_with_an_advisory_that_the_file_stays_local() -> None:
    result = scan("functions/.runtimeconfig.json", RUNTIME_CONFIG)
    assert result.platform == "firebase-runtimeconfig"
    assert serious_lines("functions/.runtimeconfig.json", RUNTIME_CONFIG) == [3, 6]
    assert all(".gitignore" in f.message for f in serious(result))


def test_runtimeconfig_fix_moves_the_value_to_a_secret_named_after_its_config_path() -> None:
    fix = remediation_at(".runtimeconfig.json", RUNTIME_CONFIG, 3)
    assert fix.replacement == '    "secret": "",'
    assert fix.store_command == (
        "printf '%s' \"$STRIPE_SECRET\" | firebase functions:secrets:set STRIPE_SECRET --data-file=-"
    )
    assert "defineSecret('STRIPE_SECRET')" in (fix.runtime_hint or "")


def test_functions_env_files_are_read_as_dotenv() -> None:
    result = scan("functions/.env.my-project", FUNCTIONS_ENV)
    assert result.platform == "firebase-env"
    assert serious_lines("functions/.env.my-project", FUNCTIONS_ENV) == [4]
    assert serious_lines("functions/.secret.local", FUNCTIONS_ENV) == [4]


def test_dotenv_files_outside_functions_and_env_yaml_files_are_not_firebase_env() -> None:
    assert scan("web/.env.production", FUNCTIONS_ENV).platform is None
    assert scan("functions/.env.yaml", "API_KEY: x\n").platform != "firebase-env"


def test_apphosting_value_is_a_leak_and_secret_is_a_reference() -> None:
    result = scan("apphosting.yaml", APPHOSTING)
    assert result.platform == "firebase-apphosting"
    assert serious_lines("apphosting.yaml", APPHOSTING) == [8]
    finding = serious(result)[0]
    assert finding.remediation is not None
    assert finding.remediation.store_command == (
        "printf '%s' \"$STRIPE_SECRET\" | firebase apphosting:secrets:set stripe-secret --data-file=-"
    )
    assert serious_lines("apphosting.staging.yaml", APPHOSTING) == [8]


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = f'{{"stripe": {{"secret": "<stripe-secret>", "key": "{SOPS_VALUE}"}}}}'
    assert serious_lines(".runtimeconfig.json", text) == []
    assert serious_lines("functions/.env", "API_KEY=changeme\nTOKEN=${TOKEN}\n") == []


def test_fix_property() -> None:
    assert_fix_property(".runtimeconfig.json", RUNTIME_CONFIG)
    assert_fix_property("functions/.env.my-project", FUNCTIONS_ENV)
    assert_fix_property("apphosting.yaml", APPHOSTING)
