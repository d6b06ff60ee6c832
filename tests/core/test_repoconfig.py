from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from bot.core.config import ScanConfig
from bot.core.repoconfig import MAX_CONFIG_CHARS, load_repo_config

FULL_EXAMPLE = """\
# .github/secrets-bot.yml
paths:
  include: ["services/**", "serverless.yml"]
  exclude: ["**/examples/**", "node_modules"]
manifests:
  - "deploy/*.yaml"
  - "config/env.*.yaml"
rules:
  disable: [jwt, generic-password]
  custom:
    - id: acme-api-key
      description: ACME API key
      severity: high
      regex: 'acme_(?P<secret>[a-z0-9]{32})'
      keywords: [acme_]
      min_entropy: 3.0
      docs: https://docs.acme.example/keys
      examples: ["acme_{lower_digit:32}"]
allowlist:
  fingerprints: ["0123456789abcdef0123456789abcdef", "v2-0123456789abcdef0123456789abcdef"]
  values: ["^test-", "EXAMPLE$"]
  paths: ["tests/fixtures/**"]
fail_on: high
incomplete: neutral
max_file_size: 500000
max_findings_per_file: 50
"""


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema_text = resources.files("bot").joinpath("schemas/secrets-bot.schema.json").read_text()
    schema = json.loads(schema_text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def as_data(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def test_full_example_is_loaded_field_by_field() -> None:
    config, problems = load_repo_config(FULL_EXAMPLE)
    assert problems == []
    assert config.include == ("services/**", "serverless.yml")
    assert config.exclude == ("**/examples/**", "node_modules")
    assert config.extra_manifests == ("deploy/*.yaml", "config/env.*.yaml")
    assert config.disabled_rules == frozenset({"jwt", "generic-password"})
    assert [rule["id"] for rule in config.custom_rules] == ["acme-api-key"]
    assert config.custom_rules[0]["regex"] == "acme_(?P<secret>[a-z0-9]{32})"
    assert config.allowlist.fingerprints == frozenset(
        {"0123456789abcdef0123456789abcdef", "v2-0123456789abcdef0123456789abcdef"}
    )
    assert config.allowlist.value_patterns == ("^test-", "EXAMPLE$")
    assert config.allowlist.paths == ("tests/fixtures/**",)
    assert config.fail_on == "high"
    assert config.incomplete == "neutral"
    assert config.limits.max_bytes == 500_000
    assert config.limits.max_findings == 50


def test_full_example_is_schema_valid(validator: Draft202012Validator) -> None:
    assert list(validator.iter_errors(as_data(FULL_EXAMPLE))) == []


@pytest.mark.parametrize("text", ["", "# nothing configured yet\n", "---\n"])
def test_empty_config_means_defaults(text: str) -> None:
    assert load_repo_config(text) == (ScanConfig(), [])


def test_null_fields_keep_their_defaults() -> None:
    config, problems = load_repo_config("paths:\n  exclude:\nfail_on:\nallowlist:\nmax_file_size:\n")
    assert problems == []
    assert config == ScanConfig()


def test_bad_fail_on_names_the_field_and_keeps_the_rest() -> None:
    config, problems = load_repo_config("fail_on: urgent\npaths:\n  exclude: [docs]\n")
    assert problems == ["fail_on: must be one of critical, high, medium, low, never (got 'urgent')"]
    assert config.fail_on == "medium"
    assert config.exclude == ("docs",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paths: [a]\n", "paths: must be a mapping (got a list)"),
        ("paths:\n  exclude: docs\n", "paths.exclude: must be a list of strings (got 'docs')"),
        ("paths:\n  include: [1]\n", "paths.include[0]: must be a string (got 1)"),
        ("paths:\n  only: [a]\n", "paths.only: unknown field (expected one of include, exclude)"),
        ("manifests: ['']\n", "manifests[0]: must not be empty"),
        ("rules:\n  disable: [Not_An_Id]\n", "rules.disable[0]: must be a kebab-case rule id"),
        ("allowlist:\n  fingerprints: [abc]\n", "allowlist.fingerprints[0]: must be a fingerprint: v2- and"),
        (
            "allowlist:\n  fingerprints: [v3-0123456789abcdef0123456789abcdef]\n",
            "allowlist.fingerprints[0]: must be",
        ),
        ("allowlist:\n  values: ['(a']\n", "allowlist.values[0]: not a valid RE2 pattern (missing ))"),
        ("allowlist:\n  values: ['(a)\\1']\n", "allowlist.values[0]: not a valid RE2 pattern"),
        ("max_file_size: -5\n", "max_file_size: must be a whole number of bytes"),
        ("max_file_size: big\n", "max_file_size: must be a whole number of bytes"),
        ("max_file_size: true\n", "max_file_size: must be a whole number of bytes"),
        ("failon: high\n", "failon: unknown field"),
        ("incomplete: success\n", "incomplete: must be one of fail, neutral (got 'success')"),
        ("max_findings_per_file: 0\n", "max_findings_per_file: must be a whole number of findings from 1"),
        ("- a\n- b\n", "(top level): must be a mapping of settings (got a list)"),
        ("rules:\n  custom: {id: x}\n", "rules.custom: must be a list of at most 100 rules"),
        ("rules:\n  custom: [5]\n", "rules.custom[0]: must be a rule table (got 5)"),
    ],
)
def test_each_problem_names_its_field(text: str, expected: str) -> None:
    _, problems = load_repo_config(text)
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_broken_yaml_means_all_defaults_and_a_line_number() -> None:
    config, problems = load_repo_config("fail_on: high\npaths: [unclosed\n")
    assert config == ScanConfig()
    assert len(problems) == 1
    assert problems[0].startswith("invalid YAML at line 3")


def test_duplicate_keys_are_reported_without_their_values() -> None:
    secret_like = "sk_live_" + "4eC39HqL" * 3
    config, problems = load_repo_config(f"fail_on: high\nfail_on: {secret_like}\n")
    assert config == ScanConfig()
    assert problems == ["invalid YAML: duplicate key at line 2"]


def test_python_tags_are_never_constructed() -> None:
    config, problems = load_repo_config("fail_on: !!python/object/apply:os.system ['true']\n")
    assert config == ScanConfig()
    assert problems[0].startswith("invalid YAML at line 1")


def test_problem_messages_do_not_repeat_long_values() -> None:
    secret_like = "sk_live_" + "4eC39HqL" * 3
    _, problems = load_repo_config(f"fail_on: {secret_like}\nallowlist:\n  values: ['({secret_like}']\n")
    assert len(problems) == 2
    assert all(secret_like not in problem for problem in problems)


def test_oversized_config_is_refused() -> None:
    config, problems = load_repo_config("#" * (MAX_CONFIG_CHARS + 1))
    assert config == ScanConfig()
    assert problems == [
        f"configuration is {MAX_CONFIG_CHARS + 1} characters, over the {MAX_CONFIG_CHARS} limit"
    ]


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    config, problems = load_repo_config("paths: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert config == ScanConfig()
    assert problems == ["invalid YAML: nested too deeply"]


def test_alias_bomb_is_harmless() -> None:
    lines = ["a: &a ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)
    ]
    lines.append("manifests: *i")
    config, problems = load_repo_config("\n".join(lines) + "\n")
    assert config.extra_manifests == ()
    assert "manifests[0]: must be a string (got a list)" in problems


class TestCustomRules:
    def test_a_broken_rule_means_no_custom_rules_and_each_problem_is_named(self) -> None:
        text = """\
rules:
  custom:
    - id: good-rule
      description: Good
      severity: low
      regex: 'good_[0-9]{8}'
    - id: Bad Rule
      severity: critical
      regex: ''
      color: red
"""
        config, problems = load_repo_config(text)
        assert config.custom_rules == ()
        assert sorted(problems) == sorted(
            [
                "rules.custom[1].description: required",
                "rules.custom[1].color: unknown field",
                "rules.custom[1].id: must be a kebab-case rule id like 'my-api-key' (got 'Bad Rule')",
                "rules.custom[1].severity: must be one of high, medium, low (got 'critical')",
                "rules.custom[1].regex: must be a non-empty string (got '')",
            ]
        )

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("min_entropy", "9", ".min_entropy: must be a number from 0 to 8 (got 9)"),
            ("min_entropy", "high", ".min_entropy: must be a number from 0 to 8 (got 'high')"),
            ("kind", "fuzzy", ".kind: must be one of token, keyed (got 'fuzzy')"),
            ("min_length", "0", ".min_length: must be a whole number from 1 to 10000 (got 0)"),
            (
                "key_kinds",
                "[pin]",
                ".key_kinds[0]: must be one of password, secret, token, api-key, private-key, "
                "credential (got 'pin')",
            ),
            ("allowlist", "[5]", ".allowlist[0]: must be a string (got 5)"),
            ("keywords", "acme", ".keywords: must be a list of strings (got 'acme')"),
            ("keywords", "['']", ".keywords[0]: must not be empty"),
            ("examples", "[1]", ".examples[0]: must be a string (got 1)"),
            ("docs", "[]", ".docs: must be a non-empty string (got a list)"),
        ],
    )
    def test_optional_fields_are_checked(self, field: str, value: str, expected: str) -> None:
        text = (
            "rules:\n  custom:\n    - {id: r, description: d, severity: low, regex: 'x[0-9]+', "
            f"{field}: {value}}}\n"
        )
        config, problems = load_repo_config(text)
        assert problems == [f"rules.custom[0]{expected}"]
        assert config.custom_rules == ()

    def rule_problems(self, **fields: str) -> list[str]:
        body = ", ".join(f"{name}: {value}" for name, value in fields.items())
        return load_repo_config(f"rules:\n  custom:\n    - {{{body}}}\n")[1]

    def test_regex_outside_re2_is_named(self) -> None:
        problems = self.rule_problems(id="r", description="d", severity="low", regex="'(?P<secret>a)\\1'")
        assert len(problems) == 1
        assert problems[0].startswith("rules.custom[0].regex: ")

    def test_backtracking_regex_is_accepted_because_re2_runs_it_in_linear_time(self) -> None:
        problems = self.rule_problems(
            id="r",
            description="d",
            severity="low",
            regex="'(?P<secret>(a+)+b[0-9a-z]{12})'",
            examples="['aab{lower_digit:12}']",
        )
        assert problems == []

    def test_examples_must_be_found(self) -> None:
        problems = self.rule_problems(
            id="r", description="d", severity="low", regex="'zz_[0-9]{4}'", examples="['zz_{alpha:4}']"
        )
        assert problems == ["rules.custom[0].examples[0]: not found by the rule"]

    def test_built_in_ids_cannot_be_reused(self) -> None:
        problems = self.rule_problems(id="github-pat", description="d", severity="low", regex="'zz_[0-9]{4}'")
        assert problems == ["rules.custom[0].id: 'github-pat' is already a rule id"]

    def test_custom_ids_must_be_unique(self) -> None:
        rule = "{id: zz-key, description: d, severity: low, regex: 'zz_[0-9]{4}'}"
        config, problems = load_repo_config(f"rules:\n  custom: [{rule}, {rule}]\n")
        assert problems == ["rules.custom[1].id: 'zz-key' is already a rule id"]
        assert config.custom_rules == ()

    def test_unknown_disabled_rule_is_reported_and_known_ones_kept(self) -> None:
        config, problems = load_repo_config("rules:\n  disable: [jwt, no-such-rule]\n")
        assert problems == ["rules.disable: unknown rule id 'no-such-rule'"]
        assert config.disabled_rules == frozenset({"jwt"})

    def test_advisory_ids_can_be_disabled(self) -> None:
        config, problems = load_repo_config("rules:\n  disable: [env-provider-wide, noecho-missing]\n")
        assert problems == []
        assert config.disabled_rules == frozenset({"env-provider-wide", "noecho-missing"})

    def test_a_custom_rule_cannot_take_an_advisory_id(self) -> None:
        rule = "{id: noecho-missing, description: d, severity: low, regex: 'zz_[0-9]{4}'}"
        config, problems = load_repo_config(f"rules:\n  custom: [{rule}]\n")
        assert problems == ["rules.custom[0].id: 'noecho-missing' is already a rule id"]
        assert config.custom_rules == ()


# Configurations that the schema and the loader must judge alike. (RE2 compilation of regexes, rule examples
# and built-in rule ids are beyond what a JSON Schema can express; they have their own tests above.)
AGREEMENT_CASES = [
    FULL_EXAMPLE,
    "",
    "fail_on: never\n",
    "fail_on: urgent\n",
    "fail_on: [high]\n",
    "max_file_size: 0\n",
    "max_file_size: 100000001\n",
    "max_file_size: 1.5\n",
    "max_file_size: 2000000\n",
    "incomplete: fail\n",
    "incomplete: success\n",
    "max_findings_per_file: 10000\n",
    "max_findings_per_file: 10001\n",
    "paths: []\n",
    "paths:\n  include: []\n  exclude: null\n",
    "paths:\n  include: ['']\n",
    "paths:\n  excludes: [a]\n",
    "manifests: 'deploy/*.yaml'\n",
    "manifests: ['deploy/*.yaml']\n",
    "rules:\n  disable: [generic-password, aws-access-key-id]\n",
    "rules:\n  disable: ['-bad']\n",
    "rules:\n  custom: []\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, regex: 'x'}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, regex: 'x', min_entropy: 8.5}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, kind: keyed, key_kinds: [password]}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, kind: keyed,\n"
    "    key_regex: 'pin$', min_length: 4}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, regex: 'x'}, {id: a-c}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, kind: keyed}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, kind: keyed, key_kinds: [pin]}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, kind: token}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, regex: x, counter_examples: [''],\n"
    "    allowlist: [y]}]\n",
    "rules:\n  custom: [{id: a-b, description: d, severity: low, regex: 'x', extra: 1}]\n",
    "allowlist:\n  fingerprints: ['0123456789abcdef0123456789abcdef']\n",
    "allowlist:\n  fingerprints: ['0123456789ABCDEF0123456789ABCDEF']\n",
    "allowlist:\n  fingerprints: ['v2-0123456789abcdef0123456789abcdef']\n",
    "allowlist:\n  fingerprints: ['v2-0123456789abcdef']\n",
    "allowlist:\n  values: ['']\n",
    "allowlist:\n  paths: [fixtures]\n  other: 1\n",
    "allowlist: 5\n",
    "version: 1\n",
    "[1, 2]\n",
]


@pytest.mark.parametrize("text", AGREEMENT_CASES)
def test_loader_agrees_with_schema(text: str, validator: Draft202012Validator) -> None:
    data = as_data(text)
    schema_valid = data is None or validator.is_valid(data)
    _, problems = load_repo_config(text)
    assert schema_valid == (problems == []), problems
