"""Key paths as findings show them: a key that is credential material is redacted, and how each name is
shown is remembered per rule set, not per file (issue 16)."""

from __future__ import annotations

from unittest import mock

from bot.core import keypaths
from bot.core.keypaths import KeyRedactor
from bot.core.rules import RuleSet

TOKEN = "ghp_" + "Zq8sP2vLk4mN7rT1xW9yB3cD6fH0jK5aE8uQ"


def test_a_token_as_a_key_is_redacted_and_other_names_are_kept() -> None:
    shown = KeyRedactor(RuleSet.default()).path(("provider", "environment", TOKEN, 0))
    assert shown.startswith("provider.environment.")
    assert TOKEN not in shown
    assert shown.endswith("[0]")


def test_files_scanned_with_the_same_rules_share_the_answers() -> None:
    rules = RuleSet.default()
    KeyRedactor(rules).segment("DB_PASSWORD_SHARED_NAME")
    with mock.patch.object(rules, "find_tokens", side_effect=AssertionError("asked again")):
        assert KeyRedactor(rules).segment("DB_PASSWORD_SHARED_NAME") == "DB_PASSWORD_SHARED_NAME"
    other = RuleSet(rules.rules)
    with mock.patch.object(other, "find_tokens", return_value=[]) as asked:
        KeyRedactor(other).segment("DB_PASSWORD_SHARED_NAME")
    assert asked.called  # another rule set may answer differently


def test_the_memory_is_bounded() -> None:
    rules = RuleSet(RuleSet.default().rules)
    redactor = KeyRedactor(rules)
    with mock.patch.object(keypaths, "_MAX_NAMES", 3):
        for index in range(10):
            redactor.segment(f"name{index}")
        assert len(keypaths._SHOWN[rules]) <= 3
    long_name = "n" * (keypaths._MAX_NAME_CHARS + 1)
    assert redactor.segment(long_name) == long_name
    assert long_name not in keypaths._SHOWN[rules]
