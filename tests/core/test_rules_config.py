"""Repository configuration of rules: disabling built-ins and compiling custom rules safely with RE2."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.config import ScanConfig
from bot.core.rules import RuleError, RuleSet

RULES = RuleSet.default()
INTERNAL_TOKEN = "acme_" + "Qx7Lp2Vn9Rt4Ws8Yz3"


def _custom(**fields: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": "acme-internal-token",
        "description": "ACME internal token",
        "severity": "high",
        "keywords": ["acme_"],
        "regex": r"(?P<secret>acme_[A-Za-z0-9]{18})",
    }
    rule.update(fields)
    return rule


def _configured(*rules: dict[str, Any], disabled: frozenset[str] = frozenset()) -> RuleSet:
    return RULES.with_config(ScanConfig(custom_rules=rules, disabled_rules=disabled))


def test_with_config_drops_disabled_rules() -> None:
    token = "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8"
    configured = _configured(disabled=frozenset({"github-pat"}))
    assert "github-pat" not in {rule.id for rule in configured.rules}
    assert configured.find_tokens(token) == []
    assert [match.rule.id for match in RULES.find_tokens(token)] == ["github-pat"]


def test_unknown_disabled_rule_id_is_named() -> None:
    with pytest.raises(RuleError) as raised:
        _configured(disabled=frozenset({"githb-pat"}))
    assert raised.value.field == "rules.disable"
    assert "githb-pat" in raised.value.problem


def test_custom_token_rule_is_compiled_and_used_after_the_built_ins() -> None:
    configured = _configured(_custom())
    assert configured.rules[-1].id == "acme-internal-token"
    text = f"ACME_TOKEN: {INTERNAL_TOKEN}\n"
    (match,) = configured.find_tokens(text)
    assert (match.rule.id, text[match.start : match.end]) == ("acme-internal-token", INTERNAL_TOKEN)


def test_custom_rule_keywords_gate_the_regex() -> None:
    configured = _configured(_custom(keywords=["zz-never-present"]))
    assert configured.find_tokens(INTERNAL_TOKEN) == []
    assert len(configured.find_tokens(INTERNAL_TOKEN + " zz-never-present")) == 1


def test_custom_keyed_rule_matches_the_key_name_in_snake_case() -> None:
    rule = _custom(kind="keyed", key_regex=r"^acme_pin$", regex=r"[0-9]{6}", keywords=[])
    configured = _configured(rule)
    assert configured.judge_keyed("acmePin", "493817") is not None
    assert configured.judge_keyed("acmePin", "49381") is None


def test_catastrophic_backtracking_pattern_returns_on_adversarial_input() -> None:
    configured = _configured(_custom(keywords=[], regex=r"k(a+)+$"))
    adversarial = "k" + "a" * 50_000 + "!"
    assert configured.find_tokens(adversarial) == []
    assert [match.rule.id for match in configured.find_tokens("k" + "a" * 50_000)] == ["acme-internal-token"]


def test_custom_rule_allowlist_drops_matching_secrets() -> None:
    configured = _configured(_custom(allowlist=["^acme_Qx7"]))
    assert configured.find_tokens(INTERNAL_TOKEN) == []


@pytest.mark.parametrize(
    ("rule", "field", "problem"),
    [
        (_custom(regex=r"(?<=x)acme_"), "rules.custom[0].regex", "does not compile"),
        (_custom(regex=r"(acme_"), "rules.custom[0].regex", "does not compile"),
        (_custom(allowlist=[r"(?!x)"]), "rules.custom[0].allowlist[0]", "does not compile"),
        (_custom(id="Acme Token"), "rules.custom[0].id", "kebab-case"),
        (_custom(id="github-pat"), "rules.custom[0].id", "already a rule id"),
        (_custom(severity="urgent"), "rules.custom[0].severity", "one of low, medium, high"),
        (_custom(kind="magic"), "rules.custom[0].kind", "one of token, keyed"),
        (_custom(min_entropy=9), "rules.custom[0].min_entropy", "from 0 to 8"),
        (_custom(keywords="acme_"), "rules.custom[0].keywords", "list of strings"),
        (_custom(entropy=3.0), "rules.custom[0].entropy", "unknown field"),
        (_custom(description=""), "rules.custom[0].description", "non-empty"),
        (_custom(kind="keyed", regex="x"), "rules.custom[0].key_regex", "key_regex or key_kinds"),
        (_custom(kind="keyed", key_kinds=["pin"]), "rules.custom[0].key_kinds[0]", "one of password"),
        (_custom(min_length=0), "rules.custom[0].min_length", "at least 1"),
        (_custom(examples=["acme_{alnum:4}"]), "rules.custom[0].examples[0]", "not found by the rule"),
        (_custom(counter_examples=["acme_{alnum:18}"]), "rules.custom[0].counter_examples[0]", "reported"),
        (_custom(examples=["{emoji:3}"]), "rules.custom[0].examples[0]", "unknown template class"),
    ],
)
def test_bad_custom_rule_raises_rule_error_naming_the_field(
    rule: dict[str, Any], field: str, problem: str
) -> None:
    with pytest.raises(RuleError) as raised:
        _configured(rule)
    assert raised.value.field == field
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"{field}: ")


def test_missing_regex_on_a_token_rule_is_named() -> None:
    rule = _custom()
    del rule["regex"]
    with pytest.raises(RuleError, match=r"^rules\.custom\[0\]\.regex: required$"):
        _configured(rule)


def test_the_second_bad_rule_is_named_by_its_index() -> None:
    with pytest.raises(RuleError) as raised:
        _configured(_custom(), _custom(id="acme-other", regex="["))
    assert raised.value.field == "rules.custom[1].regex"


def test_with_config_is_memoized_per_configuration() -> None:
    config = ScanConfig(custom_rules=(_custom(),))
    assert RULES.with_config(config) is RULES.with_config(ScanConfig(custom_rules=(_custom(),)))
    assert RULES.with_config(ScanConfig()).rules == RULES.rules
