from __future__ import annotations

from tests.core.platforms.support import (
    API_KEY,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    scan,
    serious,
    serious_lines,
)

STACK = f"""version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  gps-fn:
    lang: python3
    handler: ./gps-fn
    image: registry/gps-fn:latest
    environment:
      write_debug: true
      DB_PASSWORD: {PASSWORD}
      API_KEY: ${{API_KEY:-{API_KEY}}}
      WEBHOOK_SECRET: ${{WEBHOOK_SECRET}}
    secrets:
      - github-api-key
      - stripe-live-key
"""

SWARM_STACK = f"""version: "3.8"
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: {PASSWORD}
"""


def test_environment_literals_and_envsubst_defaults_are_found() -> None:
    result = scan("stack.yml", STACK)
    assert result.platform == "openfaas"
    assert serious_lines("stack.yml", STACK) == [12, 13]


def test_secret_names_and_plain_envsubst_references_are_safe() -> None:
    lines = serious_lines("stack.yml", STACK)
    assert 14 not in lines and 16 not in lines and 17 not in lines


def test_fix_removes_the_entry_creates_a_secret_and_drops_a_literal_default() -> None:
    findings = {f.line: f for f in serious(scan("stack.yml", STACK))}
    literal, default = findings[12].remediation, findings[13].remediation
    assert literal is not None and default is not None
    assert literal.replacement == "      # DB_PASSWORD: removed; its new value is secret db-password"
    assert literal.store_command == "faas-cli secret create db-password --from-file ./db-password.txt"
    assert default.replacement == "      API_KEY: ${API_KEY}"


def test_placeholders_and_ciphertext_are_not_secrets() -> None:
    text = STACK.replace(f"DB_PASSWORD: {PASSWORD}", "DB_PASSWORD: changeme").replace(
        f"${{API_KEY:-{API_KEY}}}", SOPS_VALUE
    )
    assert serious_lines("stack.yml", text) == []


def test_a_docker_swarm_stack_is_not_read_as_openfaas() -> None:
    assert scan("stack.yml", SWARM_STACK).platform is None


def test_any_stack_file_name_is_recognised_by_its_provider() -> None:
    assert scan("functions/gps.yml", STACK).platform == "openfaas"


def test_fix_property() -> None:
    assert_fix_property("stack.yml", STACK)
