"""Patterns compiled on first use (start-up time, issue 16) are still all valid, and a custom rule's pattern
is still checked when the rule is loaded."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bot.core
from bot.core.config import ScanConfig
from bot.core.linear import LinearPattern
from bot.core.rulemodel import DeferredPattern, compile_pattern
from bot.core.rules import RuleError, RuleSet


def test_every_built_in_rule_pattern_compiles() -> None:
    patterns = []
    for rule in RuleSet.default().rules:
        patterns += [rule.pattern, *rule.allowlist]
        patterns += [rule.key_pattern] if rule.key_pattern is not None else []
    deferred = [pattern for pattern in patterns if isinstance(pattern, DeferredPattern)]
    assert deferred, "the built-in table is expected to defer compiling"
    for pattern in deferred:
        assert pattern.compiled() is not None


def test_every_module_level_linear_pattern_compiles() -> None:
    found = 0
    for module_info in pkgutil.walk_packages(bot.core.__path__, "bot.core."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, LinearPattern):
                value.compile()
                found += 1
    assert found > 20


def test_a_deferred_pattern_answers_as_the_compiled_one() -> None:
    source = r"(?P<secret>ghp_[A-Za-z0-9]{4})"
    deferred, compiled = DeferredPattern(source), compile_pattern(source)
    text = b"x ghp_abcd y"
    assert deferred.groupindex == compiled.groupindex
    assert deferred.groupindex is deferred.groupindex  # read once, and shared read-only
    with pytest.raises(TypeError):
        deferred.groupindex["secret"] = 2  # type: ignore[index]
    assert deferred.search(text, 1).span(1) == compiled.search(text, 1).span(1) == (2, 10)
    assert (deferred.fullmatch("ghp_abcd") is None) == (compiled.fullmatch("ghp_abcd") is None)
    assert deferred.pattern == source


def test_a_custom_rule_with_a_bad_pattern_is_refused_when_loaded() -> None:
    bad = {"id": "mine", "description": "d", "regex": "(?<=a)b", "keywords": ["b"]}
    config = ScanConfig(custom_rules=(bad,))
    with pytest.raises(RuleError, match=r"rules\.custom\[0\]\.regex"):
        RuleSet.default().with_config(config)
