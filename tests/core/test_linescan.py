from __future__ import annotations

from bot.core.linescan import line_document
from bot.core.rules import RuleSet
from bot.core.tree import Mapping


def keys_of(text: str) -> list[str]:
    root = line_document(text, RuleSet.default()).root
    assert isinstance(root, Mapping)
    return [str(key.value) for key, _ in root.items]


def test_a_value_before_a_comma_is_never_taken_for_a_key_name() -> None:
    value = "Zq8Xw2Lm" * 3
    keys = keys_of(f"environment: {{API_URL: x,\n  {value}, DB_PASSWORD: hunter2hunter2\n")
    assert all(value not in key for key in keys)


def test_plain_yaml_json_and_toml_pairs_keep_their_keys() -> None:
    assert keys_of('  DB_PASSWORD: "x1"\n"apiKey": "x2",\ntoken = "x3"\n') == [
        "DB_PASSWORD",
        "apiKey",
        "token",
    ]
