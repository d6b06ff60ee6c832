"""`history` and `max_commits`: the loader and the schema agree, and anything else keeps the default."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from bot.core.config import ScanConfig
from bot.core.repoconfig import load_repo_config

SCHEMA = json.loads(resources.files("bot").joinpath("schemas/secrets-bot.schema.json").read_text())


def test_defaults_scan_every_commit_up_to_250() -> None:
    config = load_repo_config("")[0]
    assert (config.history, config.max_commits) == (ScanConfig().history, ScanConfig().max_commits)
    assert (config.history, config.max_commits) == (True, 250)


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("false", False), ("null", True)])
def test_history_is_a_boolean(text: str, expected: bool) -> None:
    config, problems = load_repo_config(f"history: {text}\n")
    assert (config.history, problems) == (expected, [])


@pytest.mark.parametrize("text", ["'no'", "0", "[true]"])
def test_history_that_is_not_a_boolean_is_a_named_problem(text: str) -> None:
    config, problems = load_repo_config(f"history: {text}\n")
    assert config.history is True
    [problem] = problems
    assert problem.startswith("history: must be true or false")


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("40", 40), ("250", 250)])
def test_max_commits_from_1_to_250(text: str, expected: int) -> None:
    config, problems = load_repo_config(f"max_commits: {text}\n")
    assert (config.max_commits, problems) == (expected, [])


@pytest.mark.parametrize("text", ["0", "251", "2.5", "true"])
def test_max_commits_out_of_range_keeps_250(text: str) -> None:
    config, problems = load_repo_config(f"max_commits: {text}\n")
    assert config.max_commits == 250
    [problem] = problems
    assert problem.startswith("max_commits: must be a whole number of commits from 1 to 250")


SOURCES = ["history: true\n", "history: false\n", "history: 'no'\n", "max_commits: 250\n", "max_commits: 0\n"]


@pytest.mark.parametrize("source", SOURCES)
def test_loader_and_schema_agree(source: str) -> None:
    data = YAML(typ="safe", pure=True).load(source)
    schema_ok = not list(Draft202012Validator(SCHEMA).iter_errors(data))
    assert schema_ok == (load_repo_config(source)[1] == [])
