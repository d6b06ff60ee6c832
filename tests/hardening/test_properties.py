"""Property tests (hypothesis): any bytes and any YAML/JSON tree give a `ScanResult` with positions inside
the file and no planted value repeated; any request to the webhook route is answered without a 5xx.

Modest, derandomized budgets keep the suite fast and stable; `bench/fuzz.py` runs the same properties for
minutes. (The fuzz run found that surrogate-pair escapes in JSON crashed the fingerprint;
test_malicious_manifests.py keeps that case.)
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.findings import redact
from tests.hardening.properties import RAW_FILES, check_scan, dumped_trees, scan
from tests.hardening.webhook_props import WEBHOOK_INPUTS, WebhookProbe

SUITE = settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SUITE
@given(RAW_FILES)
def test_arbitrary_bytes_under_a_manifest_name_give_a_sound_result(case: tuple[str, bytes]) -> None:
    path, data = case
    check_scan(path, data, scan(path, data))


@SUITE
@given(dumped_trees(ascii_escapes=False))
def test_arbitrary_yaml_and_json_trees_give_a_sound_result(case: tuple[str, bytes]) -> None:
    path, data = case
    check_scan(path, data, scan(path, data))


@pytest.fixture(scope="module")
def probe() -> Iterator[WebhookProbe]:
    probe = WebhookProbe()
    yield probe
    probe.close()


@SUITE
@given(case=WEBHOOK_INPUTS)
def test_any_request_to_the_webhook_route_is_answered_without_a_5xx(
    probe: WebhookProbe, case: tuple[dict[str, str], bytes]
) -> None:
    headers, body = case
    probe.check(headers, body)


_TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Random bodies (a seed each): a hand-shrunk `ghp_000...` has no entropy and is rightly not a token.
_TOKENS = st.integers(0, 2**32).map(
    lambda seed: "ghp_" + "".join(random.Random(seed).choices(_TOKEN_CHARS, k=36))
)
_CFN_HEAD = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
    "    Properties:\n      Environment:\n        Variables:\n"
)


def _placed(token: str, place: str, cuts: list[int]) -> tuple[str, str]:
    """A manifest holding `token` as a value, as a key, or split at `cuts` over `!Join` / `Fn::Join` parts."""
    pieces = [token[start:end] for start, end in zip([0, *cuts], [*cuts, len(token)], strict=True)]
    if place == "value":
        return (
            "serverless.yml",
            f"service: s\nprovider:\n  name: aws\n  environment:\n    GH_TOKEN: {token}\n",
        )
    if place == "key":
        nested = f"    {token}:\n      DB_PASSWORD: Xy9Zq7wPmm!\n"
        return "serverless.yml", "service: s\nprovider:\n  name: aws\n  environment:\n" + nested
    if place == "join":
        return "template.yaml", _CFN_HEAD + f"          TOKEN: !Join ['', {pieces!r}]\n"
    return "template.yaml", _CFN_HEAD + "          TOKEN:\n            Fn::Join: ['', " + repr(pieces) + "]\n"


@SUITE
@given(
    token=_TOKENS,
    place=st.sampled_from(["value", "key", "join", "fn-join"]),
    cuts=st.lists(st.integers(1, 39), min_size=1, max_size=3, unique=True).map(sorted),
)
def test_no_finding_shows_a_fragment_of_a_flagged_value_beyond_its_redacted_preview(
    token: str, place: str, cuts: list[int]
) -> None:
    path, text = _placed(token, place, cuts)
    result = scan(path, text.encode())
    assert any(finding.rule == "github-pat" for finding in result.findings)
    preview = redact(token)
    for finding in result.findings:
        replacement = finding.remediation.replacement if finding.remediation else None
        for shown in (finding.key, finding.message, replacement or "", *(v for _, v in finding.extra)):
            leftover = shown.replace(preview, "")
            assert not any(token[i : i + 4] in leftover for i in range(len(token) - 3)), (place, shown)
        if finding.rule == "github-pat":  # the preview of the token, or of the part of it in one piece
            assert len(finding.redacted.replace("*", "")) <= len(token) // 4
