"""`Detectors.may_judge_or_names` reads a key's kind once (issue 16); its answer must be the two questions
asked apart, for keys seen before or not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.detectors import Detectors
from bot.core.heuristics import secret_kind_of_key
from bot.core.rules import RuleSet

_PARTS = ["api", "Key", "db", "PASSWORD", "secret", "id", "token", "next", "zqx", "lock", "aws", "storage"]
keys = st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4).flatmap(
    lambda parts: st.sampled_from(["_", "-", ".", ""]).map(lambda joint: joint.join(parts))
)


@settings(max_examples=300, deadline=None)
@given(st.lists(keys, min_size=1, max_size=8))
def test_the_combined_question_answers_as_the_two_apart(batch: list[str]) -> None:
    rules = RuleSet([*RuleSet.default().rules])  # its own key memory, empty
    combined, apart = Detectors(rules, ""), Detectors(RuleSet([*rules.rules]), "")
    for key in batch + batch:  # each key new, then remembered
        expected = apart.may_judge_key(key) or secret_kind_of_key(key) is not None
        assert combined.may_judge_or_names(key) is expected
