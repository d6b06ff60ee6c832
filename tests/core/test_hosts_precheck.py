"""The cheap text check that lets most files skip the walk for documentation hosts (issue 16): it may say
yes too often, never no when a value of the file names such a host."""

from __future__ import annotations

import pytest

from bot.core.config import ScanConfig
from bot.core.hosts import is_documentation_host, may_name_documentation_host
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

RULES = RuleSet.default()


@pytest.mark.parametrize("host", ["db.example.com", "DB.EXAMPLE.ORG", "example", "api.test", "x.INVALID"])
def test_every_documentation_host_passes_the_check(host: str) -> None:
    assert is_documentation_host(host)
    assert may_name_documentation_host(f"DB_HOST: {host}\n")


def test_a_file_without_one_fails_it_unless_an_escape_could_spell_one() -> None:
    assert not may_name_documentation_host("DB_HOST: localhost\nDB_PASSWORD: postgres\n")
    assert may_name_documentation_host('DB_HOST: "db.\\x65xample.com"\n')


def _env(lines: str) -> list[str]:
    text = "service: s\nprovider:\n  name: aws\n  environment:\n" + lines
    result = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=ScanConfig())
    return [finding.rule for finding in result.findings if finding.severity.rank >= 2]


@pytest.mark.parametrize("host", ['"db.\\x65xample.com"', "DB.EXAMPLE.COM"])
def test_a_host_spelt_with_an_escape_or_in_capitals_still_makes_a_weak_password_a_template(host: str) -> None:
    assert _env(f"    DB_HOST: {host}\n    DB_PASSWORD: postgres\n") == []
    assert _env("    DB_HOST: db.acme.net\n    DB_PASSWORD: postgres\n") == ["generic-password"]
