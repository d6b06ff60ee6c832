"""The scanner asks each value cheap questions before the expensive ones (issue 16). The shortcuts it takes
must answer as the full questions do: `key_site` is `Site(key)`, `_may_need_advice` is never True for a
value without a `~` outside a function's environment, and `may_hold_pairs` never for a text that
`_may_hold_pair_marker` (the test the scanner makes before asking it) turns away. A file's lines and their
starts are those of the plain computations."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.core.config import ScanConfig
from bot.core.detect import Choice
from bot.core.judge import may_hold_pairs
from bot.core.manifests import cloudformation, serverless
from bot.core.manifests.base import Format, Role, Site, key_site
from bot.core.rules import RuleSet
from bot.core.scanner import _ENV_ROLES, _FileScan, _may_hold_pair_marker

_PIECES = ("~true", "~", "ssm-secure", "{{resolve:ssm-secure:/a}}", "${ssm:/a~true}", "plain", " ", "x")


@pytest.mark.parametrize("key", ["", "API_KEY", "Fn::Join", "value", "ключ"])
def test_key_site_is_the_named_tuple(key: str) -> None:
    site = key_site(key)
    assert site == Site(key) and type(site) is Site
    assert (site.key, site.role, site.pairs) == (key, Role.OTHER, False)


@pytest.mark.parametrize("platform", [serverless.PLATFORM, cloudformation.PLATFORM])
def test_advice_needs_a_tilde_or_an_environment(platform: object) -> None:
    choice = Choice(platform, Format.YAML)  # type: ignore[arg-type]
    scan = _FileScan("serverless.yml", choice, "", RuleSet.default(), ScanConfig(), prefilter=False)
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 4)))
        site = Site("KEY", rng.choice(list(Role)))
        if scan._may_need_advice(text, site):
            assert "~" in text or site.role in _ENV_ROLES


_PAIR_PIECES = ("=", " ", "\n", ":", '"', "-", "?", "{", "}", "a", "b=", "--x", "x: y", '{"k": 1}', "\t")


def test_pairs_need_one_of_the_scanner_s_substrings() -> None:
    rng = random.Random(17)
    texts = ["".join(rng.choice(_PAIR_PIECES) for _ in range(rng.randint(0, 7))) for _ in range(20000)]
    accepted = [text for text in texts if may_hold_pairs(text)]
    assert len(accepted) > 1000  # the test reaches the function's every branch
    for text in accepted:
        assert _may_hold_pair_marker(text), text


def test_lines_and_their_starts_are_those_of_the_plain_computations() -> None:
    rng = random.Random(18)
    choice = Choice(serverless.PLATFORM, Format.YAML)
    for _ in range(2000):
        text = "".join(rng.choice("ab \n\r\t") for _ in range(rng.randint(0, 30)))
        scan = _FileScan("serverless.yml", choice, text, RuleSet.default(), ScanConfig(), prefilter=False)
        assert scan.lines == [line.removesuffix("\r") for line in text.split("\n")]
        assert scan.line_starts == list(
            itertools.accumulate((len(line) + 1 for line in text.split("\n")), initial=0)
        )
