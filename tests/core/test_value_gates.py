"""The scanner asks each value cheap questions before the expensive ones (issue 16). The shortcuts it takes
must answer as the full questions do: `key_site` is `Site(key)`, and `_may_need_advice` is never True for a
value without a `~` outside a function's environment (the test the scanner makes before asking it)."""

from __future__ import annotations

import random

import pytest

from bot.core.config import ScanConfig
from bot.core.detect import Choice
from bot.core.manifests import cloudformation, serverless
from bot.core.manifests.base import Format, Role, Site, key_site
from bot.core.rules import RuleSet
from bot.core.scanner import _ENV_ROLES, _FileScan

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
