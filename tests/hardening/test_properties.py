"""Property tests (hypothesis): any bytes and any YAML/JSON tree give a `ScanResult` with positions inside
the file and no planted value repeated; any request to the webhook route is answered without a 5xx.

Modest, derandomized budgets keep the suite fast and stable; `bench/fuzz.py` runs the same properties for
minutes. (The fuzz run found that surrogate-pair escapes in JSON crashed the fingerprint;
test_malicious_manifests.py keeps that case.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings

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
