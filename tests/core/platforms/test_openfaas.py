from __future__ import annotations

from bot.core.detect import choose
from tests.core.platforms.support import (
    API_KEY,
    PASSWORD,
    SOPS_VALUE,
    assert_fix_property,
    scan,
    serious,
    serious_lines,
)
from tests.timing import cpu_seconds

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


def test_the_provider_name_is_found_after_blank_lines_and_indented_or_at_the_start_of_a_line() -> None:
    # The detection pattern reads blanks on the name's own line, or on the line before it: the lines that
    # `^\s+name` (whose blanks could cross newlines) matched.
    for head in (
        "provider:\n\n\n  name: openfaas\n",
        "provider:\n \t\nname: faas\n",
        "provider:\n\nname:\n\n 'openfaas'",
    ):
        assert choose("stack.yml", head.encode()) is not None, head
    for head in (
        "provider:\nname: openfaas\n",
        "provider:\n  name: openfaasx\n",
        "provider:\n  x name: openfaas\n",
    ):
        assert choose("stack.yml", head.encode()) is None, head


def test_blank_lines_in_a_yaml_head_are_read_in_linear_time() -> None:
    # `^\s+name` read a run of blank lines to its end from every line start in it: quadratic, 6.8 s on a
    # 64 KB head of newlines under `provider:`. Growth is compared, not seconds.
    def detect(count: int) -> None:
        choose("stack.yml", ("provider:\n" + "\n" * count + "x: 1\n").encode())

    small, large = (cpu_seconds(lambda count=count: detect(count)) for count in (4_000, 16_000))
    assert large / max(small, 1e-4) < 10
