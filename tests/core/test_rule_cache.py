"""The JSON copy of the built-in rule table (`bot.core.rulecache`): current, faithful, never trusted stale."""

from __future__ import annotations

import tomllib

from bot.core import rulecache
from bot.core.rules import RuleSet


def test_the_committed_copy_is_made_from_the_committed_table() -> None:
    source = rulecache.SOURCE.read_text(encoding="utf-8")
    assert rulecache.COPY.read_text(encoding="utf-8") == rulecache.render(source), (
        "bot/rules/default.json is stale: run `python -m bot.core.rulecache`"
    )


def test_the_copy_reads_as_the_toml_table_does() -> None:
    source = rulecache.SOURCE.read_text(encoding="utf-8")
    table = rulecache.read_table(source, rulecache.COPY.read_text(encoding="utf-8"))
    parsed = tomllib.loads(source)
    assert table == parsed
    assert [type(leaf) for leaf in _leaves(table)] == [type(leaf) for leaf in _leaves(parsed)]  # 1 vs 1.0


def test_a_copy_of_other_text_is_ignored() -> None:
    old = 'rules = [{ id = "old" }]\n'
    new = 'rules = [{ id = "new" }]\n'
    assert rulecache.read_table(new, rulecache.render(old)) == {"rules": [{"id": "new"}]}
    assert rulecache.read_table(new, None) == {"rules": [{"id": "new"}]}
    assert rulecache.read_table(old, rulecache.render(old)) == {"rules": [{"id": "old"}]}


def test_a_damaged_copy_is_ignored() -> None:
    source = 'rules = [{ id = "kept" }]\n'
    for damaged in (rulecache.render(source)[:-20], "", "[]", "\ufffd"):
        assert rulecache.read_table(source, damaged) == {"rules": [{"id": "kept"}]}


def test_the_default_rules_come_in_the_table_order() -> None:
    source = tomllib.loads(rulecache.SOURCE.read_text(encoding="utf-8"))
    assert [rule.id for rule in RuleSet.default().rules] == [raw["id"] for raw in source["rules"]]


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for key in value for leaf in (key, *_leaves(value[key]))]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
