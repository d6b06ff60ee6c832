from __future__ import annotations

import pytest

from bot.core.detect import choose
from tests.core.platforms.support import (
    GITHUB_TOKEN,
    PASSWORD,
    assert_fix_property,
    remediation_at,
    scan,
    serious_lines,
)
from tests.timing import cpu_seconds

CIPHERTEXT = "EV[1:" + "Zm9vYmFy" * 4 + ":" + "YmF6cXV4" * 6 + "]"

APP_SPEC = f"""name: sample-app
region: fra
envs:
  - key: GITHUB_TOKEN
    value: {GITHUB_TOKEN}
    scope: RUN_TIME
services:
  - name: web
    github:
      repo: owner/repo
      branch: main
    envs:
      - key: DO_SPACES_SECRET
        value: "{PASSWORD}"
        type: GENERAL
      - key: API_KEY
        type: SECRET
        value: {CIPHERTEXT}
      - key: DATABASE_URL
        value: ${{db.DATABASE_URL}}
      - key: PUBLIC_URL
        value: ${{APP_URL}}
"""


def test_plain_values_at_app_and_component_level_are_found() -> None:
    result = scan(".do/app.yaml", APP_SPEC)
    assert result.platform == "digitalocean"
    assert serious_lines(".do/app.yaml", APP_SPEC) == [5, 14]


def test_ev_ciphertext_and_bindable_variables_are_not_secrets() -> None:
    lines = serious_lines(".do/app.yaml", APP_SPEC)
    assert 18 not in lines and 20 not in lines and 22 not in lines


def test_a_secret_type_value_still_in_clear_is_a_leak() -> None:
    text = f"name: a\nenvs:\n  - key: API_KEY\n    type: SECRET\n    value: {GITHUB_TOKEN}\n"
    assert serious_lines(".do/app.yaml", text) == [5]


def test_deploy_template_nests_the_spec_under_spec() -> None:
    template = "spec:\n" + "".join(f"  {line}\n" for line in APP_SPEC.splitlines())
    assert serious_lines(".do/deploy.template.yaml", template) == [6, 15]


def test_fix_removes_the_value_and_points_to_type_secret() -> None:
    fix = remediation_at(".do/app.yaml", APP_SPEC, 14)
    assert fix.replacement == "        # DO_SPACES_SECRET: removed; its new value is secret DO_SPACES_SECRET"
    assert "type: SECRET" in (fix.runtime_hint or "")


def test_an_app_spec_under_another_name_is_recognised_by_its_content() -> None:
    assert scan("app.yaml", APP_SPEC).platform == "digitalocean"
    assert serious_lines("deploy/app.yaml", APP_SPEC) == [5, 14]


def test_an_app_engine_app_yaml_is_not_read_as_an_app_spec() -> None:
    app_engine = "name: web\nruntime: python312\nservices:\n  - a\nenvs:\n  - key: X\n"
    app_engine += f"    value: {PASSWORD}\n"
    assert scan("app.yaml", app_engine).platform != "digitalocean"


def test_a_compose_file_with_services_is_not_an_app_spec() -> None:
    compose = f"name: stack\nservices:\n  web:\n    environment:\n      DB_PASSWORD: {PASSWORD}\n"
    assert scan("compose.yaml", compose).platform is None


def test_fix_property() -> None:
    assert_fix_property(".do/app.yaml", APP_SPEC)


def test_envs_is_found_after_blank_lines_as_a_key_or_a_list_item() -> None:
    spec = "name: a\nservices:\n  - name: web\n\n \n{}\n"
    for line in ("    envs:", "  - envs :", "envs:", "  -\n    envs:"):
        assert choose("app.yaml", spec.format(line).encode()) is not None, line
    assert choose("app.yaml", spec.format("  x: envs").encode()) is None


@pytest.mark.parametrize("unit", ["\n", " \n", "\t\n\n"])
def test_blank_lines_in_a_yaml_head_are_read_in_linear_time(unit: str) -> None:
    # `^\s*(?:-\s+)?envs` read a run of blank lines to its end from every line start in it: quadratic,
    # 98 s on a 64 KB head of any `.yaml` file that names `envs` somewhere. Growth is compared, not seconds.
    def detect(count: int) -> None:
        choose("app.yaml", ("x: envs\n" + unit * count + "y: 1\n").encode())

    small, large = (cpu_seconds(lambda count=count: detect(count)) for count in (2_000, 8_000))
    assert large / max(small, 1e-4) < 10
