"""`max_inline_comments`: the loader and the schema accept 0 to 100 alike and keep the default otherwise."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from bot.core.config import ScanConfig
from bot.core.repoconfig import load_repo_config

SCHEMA = json.loads(resources.files("bot").joinpath("schemas/secrets-bot.schema.json").read_text())


def test_default_is_twenty() -> None:
    assert load_repo_config("")[0].max_inline_comments == ScanConfig().max_inline_comments == 20


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("5", 5), ("100", 100), ("7.0", 7), ("null", 20)])
def test_a_whole_number_from_0_to_100_is_used(text: str, expected: int) -> None:
    config, problems = load_repo_config(f"max_inline_comments: {text}\n")
    assert (config.max_inline_comments, problems) == (expected, [])


@pytest.mark.parametrize("text", ["-1", "101", "2.5", "true", "'ten'", "[5]"])
def test_anything_else_is_a_named_problem_and_keeps_the_default(text: str) -> None:
    config, problems = load_repo_config(f"max_inline_comments: {text}\nfail_on: low\n")
    assert config.max_inline_comments == 20
    assert config.fail_on == "low"
    [problem] = problems
    assert problem.startswith("max_inline_comments: must be a whole number of comments from 0 to 100")


@pytest.mark.parametrize("text", ["0", "100", "-1", "101", "2.5", "true", "null"])
def test_loader_and_schema_agree(text: str) -> None:
    source = f"max_inline_comments: {text}\n"
    data = YAML(typ="safe", pure=True).load(source)
    assert Draft202012Validator(SCHEMA).is_valid(data) == (load_repo_config(source)[1] == [])
