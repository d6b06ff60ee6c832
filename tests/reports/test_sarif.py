from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot.core.advisories import ADVISORY_DESCRIPTIONS, ADVISORY_DOCS
from bot.core.findings import Notice, NoticeKind, ScanResult, Severity
from bot.core.rules import RuleSet
from bot.reports.sarif import FINGERPRINT_KEY, render_sarif
from tests.reports.sample import PASSWORD, TOKEN, make_finding, sample_results

SCHEMA_PATH = Path(__file__).with_name("sarif-schema-2.1.0.json")


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: Severity
    docs: str
    kind: str


@dataclass(frozen=True)
class Catalog:
    rules: tuple[Rule, ...]


CATALOG = Catalog(
    (
        Rule(
            "github-pat",
            "GitHub personal access token",
            Severity.HIGH,
            "https://docs.github.com/",
            "provider",
        ),
        Rule(
            "generic-password", "Password under a secret-named key", Severity.MEDIUM, "https://x.test/", "key"
        ),
    )
)


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def render(results: list[ScanResult]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render_sarif(results, CATALOG))
    return document


def test_valid_against_the_official_schema(validator: Draft4Validator) -> None:
    errors = [error.message for error in validator.iter_errors(render(sample_results()))]
    assert errors == []


def test_the_schema_is_not_vacuous(validator: Draft4Validator) -> None:
    document = render(sample_results())
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(document)


def test_built_in_rule_set_renders_valid_rules(validator: Draft4Validator) -> None:
    document = json.loads(render_sarif(sample_results(), RuleSet.default()))
    assert validator.is_valid(document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules][: len(RuleSet.default().rules)] == [
        r.id for r in RuleSet.default().rules
    ]
    assert all(rule.get("helpUri", "https://").startswith("https://") for rule in rules)
    without_docs = [rule for rule in rules if "helpUri" not in rule]
    assert all("See " not in rule["help"]["text"] for rule in without_docs)


def test_empty_run_is_valid(validator: Draft4Validator) -> None:
    document = render([])
    assert validator.is_valid(document)
    assert document["runs"][0]["results"] == []


def test_rules_carry_help_level_and_security_severity() -> None:
    rules = render(sample_results())["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    token = by_id["github-pat"]
    assert token["shortDescription"]["text"] == "GitHub personal access token"
    assert token["help"]["markdown"].startswith("**GitHub personal access token**")
    assert "https://docs.github.com/" in token["help"]["text"]
    assert token["defaultConfiguration"]["level"] == "error"
    assert token["properties"]["security-severity"] == "8.5"
    assert {"security", "secret", "provider"} <= set(token["properties"]["tags"])
    assert by_id["generic-password"]["defaultConfiguration"]["level"] == "warning"


def test_a_finding_whose_rule_is_not_in_the_catalog_still_gets_a_descriptor() -> None:
    rules = render(sample_results())["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids[:2] == ["github-pat", "generic-password"] and ids[-1] == "scope-env"
    assert rules[-1]["defaultConfiguration"]["level"] == "note"
    assert rules[-1]["shortDescription"]["text"] == "Scope env"
    assert "advice" in rules[-1]["properties"]["tags"]
    assert "helpUri" not in rules[-1]


def test_advisories_are_listed_as_rules_even_without_results() -> None:
    rules = render([])["runs"][0]["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    for rule_id, description in ADVISORY_DESCRIPTIONS.items():
        advisory = by_id[rule_id]
        assert advisory["shortDescription"]["text"] == description
        assert advisory["defaultConfiguration"]["level"] == "note"
        assert advisory["helpUri"] == ADVISORY_DOCS[rule_id]
        assert description in advisory["help"]["text"]


def test_results_point_at_relative_locations_with_fingerprints() -> None:
    run = render(sample_results())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["generic-password", "github-pat", "scope-env"]
    token = results[1]
    assert rules[token["ruleIndex"]]["id"] == "github-pat"
    assert token["level"] == "error"
    location = token["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "services/api/serverless.yml"
    assert location["region"] == {"startLine": 30, "startColumn": 21, "endLine": 30}
    assert token["partialFingerprints"] == {FINGERPRINT_KEY: sample_results()[0].findings[0].fingerprint}
    assert (
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "template%20with%20space.yaml"
    )


def test_fix_replaces_the_finding_lines() -> None:
    token = render(sample_results())["runs"][0]["results"][1]
    replacement = token["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"] == {"startLine": 30, "endLine": 30}
    assert replacement["insertedContent"]["text"] == "    GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}"
    assert "fixes" not in render(sample_results())["runs"][0]["results"][0]


def test_notices_become_tool_execution_notifications() -> None:
    results = [
        *sample_results(),
        ScanResult("big.json", None, notices=(Notice("big.json", NoticeKind.TOO_LARGE, "over the limit"),)),
    ]
    notifications = render(results)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["descriptor"]["id"], n["level"]) for n in notifications] == [
        ("too-large", "warning"),
        ("parse-error", "warning"),
    ]
    assert notifications[1]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert "region" not in notifications[0]["locations"][0]["physicalLocation"]


def test_messages_show_only_the_redacted_preview() -> None:
    text = render_sarif(sample_results(), CATALOG)
    assert TOKEN not in text
    assert PASSWORD not in text
    message = json.loads(text)["runs"][0]["results"][1]["message"]["text"]
    assert sample_results()[0].findings[0].redacted in message


def test_advice_names_its_key_without_an_empty_value() -> None:
    advice = make_finding(rule="env-provider-wide", severity=Severity.LOW)._replace(
        message="Provider-wide environment",
        redacted="",
    )
    text = render_sarif([ScanResult("serverless.yml", "serverless", (advice,))], CATALOG)
    message = json.loads(text)["runs"][0]["results"][0]["message"]["text"]
    assert message == "Provider-wide environment (provider.environment.GITHUB_API_KEY)"
