"""Organisation defaults under a repository's own file, and the pull-request settings."""

from __future__ import annotations

import pytest

from bot.core.config import ScanConfig
from bot.core.repoconfig import load_layered_config, load_repo_config

ORG = "fail_on: never\nallowlist:\n  values: ['^test-']\n  paths: ['fixtures/**']\nmax_inline_comments: 5\n"


def test_without_a_repository_file_the_organisation_defaults_apply() -> None:
    config, problems = load_layered_config(None, ORG)
    assert problems == []
    assert config.fail_on == "never"
    assert config.allowlist.value_patterns == ("^test-",)
    assert config.max_inline_comments == 5


def test_a_repository_key_replaces_the_organisation_value_whole() -> None:
    config, problems = load_layered_config("fail_on: high\nallowlist:\n  paths: ['docs/**']\n", ORG)
    assert problems == []
    assert config.fail_on == "high"
    # `allowlist` is the repository's own: the organisation's `values` are not merged into it
    assert config.allowlist.paths == ("docs/**",)
    assert config.allowlist.value_patterns == ()
    assert config.max_inline_comments == 5  # not set by the repository: inherited


def test_without_either_file_everything_is_default() -> None:
    assert load_layered_config(None, None) == (ScanConfig(), [])


def test_problems_in_inherited_keys_name_the_defaults() -> None:
    config, problems = load_layered_config("fail_on: sometimes\n", "incomplete: maybe\n")
    assert (config.fail_on, config.incomplete) == ("medium", "fail")
    assert sorted(problems) == [
        "fail_on: must be one of critical, high, medium, low, never (got 'sometimes')",
        "organisation defaults: incomplete: must be one of fail, neutral (got 'maybe')",
    ]


def test_broken_defaults_are_reported_and_the_repository_file_still_applies() -> None:
    config, problems = load_layered_config("fail_on: low\n", "fail_on: [unclosed\n")
    assert config.fail_on == "low"
    assert len(problems) == 1 and problems[0].startswith("organisation defaults: invalid YAML")


def test_a_repository_file_that_is_not_a_mapping_leaves_the_defaults() -> None:
    config, problems = load_layered_config("- a list\n", ORG)
    assert config.fail_on == "never"
    assert problems == ["(top level): must be a mapping of settings (got a list)"]


@pytest.mark.parametrize(
    ("text", "fails_on", "waivers"),
    [
        ("", "introduced", "report"),
        ("pr_fails_on: all\nwaivers_in_pr: deny\n", "all", "deny"),
        ("pr_fails_on: introduced\nwaivers_in_pr: allow\n", "introduced", "allow"),
    ],
)
def test_the_pull_request_settings(text: str, fails_on: str, waivers: str) -> None:
    config, problems = load_repo_config(text)
    assert problems == []
    assert (config.pr_fails_on, config.waivers_in_pr) == (fails_on, waivers)


def test_a_bad_pull_request_setting_falls_back_to_its_default() -> None:
    config, problems = load_repo_config("pr_fails_on: new\nwaivers_in_pr: yes\n")
    assert (config.pr_fails_on, config.waivers_in_pr) == ("introduced", "report")
    assert [problem.split(":")[0] for problem in problems] == ["pr_fails_on", "waivers_in_pr"]
