from __future__ import annotations

from tests.core.platforms.support import (
    API_KEY,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    remediation_at,
    scan,
    serious,
    serious_lines,
)

APP_YAML = f"""runtime: python312
entrypoint: gunicorn -b :$PORT main:app
instance_class: F1

env_variables:
  BUCKET_NAME: my-bucket
  DB_PASSWORD: "{PASSWORD}"
  MAPS_API_KEY: {API_KEY}
  SECRET_NAME: projects/123456/secrets/db-password/versions/latest

handlers:
  - url: /.*
    script: auto
    secure: always
"""


def test_env_variables_are_found_on_their_lines() -> None:
    result = scan("app.yaml", APP_YAML)
    assert result.platform == "gae"
    assert serious_lines("app.yaml", APP_YAML) == [7, 8]


def test_a_service_file_with_another_name_is_recognised_by_content() -> None:
    assert scan("worker.yaml", APP_YAML).platform == "gae"


def test_fix_removes_the_value_and_creates_a_secret_manager_secret() -> None:
    fix = remediation_at("app.yaml", APP_YAML, 7)
    assert fix.replacement == "  # DB_PASSWORD: removed; its new value is secret db-password"
    assert (
        fix.store_command == "printf '%s' \"$DB_PASSWORD\" | gcloud secrets create db-password --data-file=-"
    )
    assert "projects/<project>/secrets/db-password/versions/latest" in (fix.runtime_hint or "")


def test_a_password_inside_a_url_moves_the_whole_url_to_one_secret() -> None:
    text = f"runtime: python312\nenv_variables:\n  DATABASE_URL: postgres://app:{PASSWORD}@10.0.0.3/app\n"
    finding = serious(scan("app.yaml", text))[0]
    assert finding.remediation is not None
    assert (
        finding.remediation.replacement == "  # DATABASE_URL: removed; its new value is secret database-url"
    )
    assert finding.remediation.store_command == (
        "printf '%s' \"$DATABASE_URL\" | gcloud secrets create database-url --data-file=-"
    )


def test_resource_names_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = f'runtime: nodejs20\nenv_variables:\n  API_KEY: "<api-key>"\n  DB_PASSWORD: "{SOPS_VALUE}"\n'
    assert serious_lines("app.yaml", text) == []
    assert 9 not in serious_lines("app.yaml", APP_YAML)


def test_other_app_yaml_files_are_not_read_as_app_engine() -> None:
    helm_values = f"image:\n  tag: latest\nenv:\n  DB_PASSWORD: {PASSWORD}\n"
    assert scan("app.yaml", helm_values).platform is None
    assert scan(
        ".do/app.yaml", f"name: a\nservices:\n- name: web\n  envs:\n  - key: X\n    value: {PASSWORD}\n"
    ).platform == ("digitalocean")
    assert scan("settings.yaml", "runtime: python3\nname: x\n").platform is None


def test_fix_property() -> None:
    assert_fix_property("app.yaml", APP_YAML)
