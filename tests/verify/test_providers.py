"""Every provider against its fake on loopback: live, rejected, throttled, failing, slow and redirecting.

The values go through the real scanner (the core shows them to the session's `reveal` hook) and come back
as findings with an outcome; the fakes record every request, so the tests also count them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from bot.core.config import ScanConfig
from bot.core.findings import Finding, Severity, Validity, validity_of
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.verify.providers import PROVIDERS, Provider
from bot.verify.verifier import Limits, Verifier
from tests.verify.fakeproviders import FakeProvider, serving
from tests.verify.values import credential, manifest

RULESET = RuleSet.default()
KEY = b"k" * 32
BY_NAME = {provider.name: provider for provider in PROVIDERS}
NAMES = sorted(BY_NAME)
# The rule whose value each provider checks here (the others of a provider share its call).
RULE = {
    "aws": "aws-secret-access-key",
    "github": "github-pat",
    "gitlab": "gitlab-pat",
    "slack": "slack-token",
    "stripe": "stripe-restricted-key",
    "sendgrid": "sendgrid-api-key",
    "twilio": "twilio-auth-token",
    "mailgun": "mailgun-api-key",
    "npm": "npm-token",
    "openai": "openai-api-key",
    "anthropic": "anthropic-api-key",
    "telegram": "telegram-bot-token",
    "discord": "discord-bot-token",
    "datadog": "datadog-api-key",
}
PARTNER = {"aws": "aws-access-key-id", "twilio": "twilio-api-key"}


class Case:
    """A manifest holding one provider's credential (and its partner), and the fake that knows it."""

    def __init__(self, name: str) -> None:
        self.provider: Provider = BY_NAME[name]
        self.rule = RULE[name]
        self.values = {}
        if name in PARTNER:
            self.values[PARTNER[name]] = credential(PARTNER[name])
        self.values[self.rule] = credential(self.rule)
        self.secret = self.values[self.rule]

    def fake(self, *, live: bool, mode: str = "normal") -> FakeProvider:
        fake = FakeProvider(self.provider.name, mode=mode)
        if not live:
            return fake
        if self.provider.name == "aws":
            fake.live_aws[self.values["aws-access-key-id"]] = self.secret
        elif self.provider.name == "twilio":
            fake.live.add(f"{self.values['twilio-api-key']}:{self.secret}")
        elif self.provider.name == "mailgun":
            fake.live.add(f"api:{self.secret}")
        else:
            fake.live.add(self.secret)
        return fake

    def verifier(self, fake: FakeProvider, **limits: float) -> Verifier:
        return Verifier(
            cache_seconds=0,
            limits=Limits(**{"timeout": 0.3, "rate": 100.0, "burst": 100.0, **limits}),  # type: ignore[arg-type]
            endpoints_for_tests={host: fake.origin for host in self.provider.hosts},
        )

    def scan(self, verifier: Verifier) -> dict[str, Finding]:
        """The findings by rule, with their outcomes."""
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=KEY, reveal=session.reveal)
            result = scan_file("serverless.yml", manifest(self.values), ruleset=RULESET, config=config)
            return {finding.rule: finding for finding in session.apply(result.findings)}


@pytest.fixture(params=NAMES)
def case(request: pytest.FixtureRequest) -> Iterator[Case]:
    yield Case(request.param)


def _validity(finding: Finding) -> Validity | None:
    verified = validity_of(finding)
    return verified[0] if verified else None


def test_a_live_credential_is_active_and_critical(case: Case) -> None:
    with serving(case.fake(live=True)) as fake:
        found = case.scan(case.verifier(fake))
    finding = found[case.rule]
    assert _validity(finding) is Validity.ACTIVE
    assert finding.severity is Severity.CRITICAL
    assert len(fake.requests) == 1  # the first host that accepts it ends the check
    if case.provider.name in PARTNER:  # the key id that makes the pair is as live as its secret
        assert _validity(found[PARTNER[case.provider.name]]) is Validity.ACTIVE


def test_a_rejected_credential_is_inactive_and_still_reported(case: Case) -> None:
    with serving(case.fake(live=False)) as fake:
        found = case.scan(case.verifier(fake))
    finding = found[case.rule]
    assert _validity(finding) is Validity.INACTIVE
    assert finding.severity is Severity.HIGH
    # Every regional host was asked once (an account lives on one): only then is it inactive.
    assert len(fake.requests) == len(case.provider.hosts)


def test_throttled_is_unknown_asked_once_then_left_alone(case: Case) -> None:
    with serving(case.fake(live=True, mode="throttled")) as fake:
        verifier = case.verifier(fake)
        first = case.scan(verifier)[case.rule]
        again = case.scan(verifier)[case.rule]
    assert _validity(first) is _validity(again) is Validity.UNKNOWN
    assert first.severity is Severity.HIGH
    # No retry after a 429, and the provider's Retry-After keeps the next scan from asking at all.
    assert len(fake.requests) == 1


def test_a_server_error_is_unknown_after_one_retry(case: Case) -> None:
    with serving(case.fake(live=True, mode="error")) as fake:
        finding = case.scan(case.verifier(fake))[case.rule]
    assert _validity(finding) is Validity.UNKNOWN
    assert len(fake.requests) == 2 * len(case.provider.hosts)


def test_a_slow_provider_is_unknown_within_the_scan_budget(case: Case) -> None:
    with serving(case.fake(live=True, mode="slow")) as fake:
        finding = case.scan(case.verifier(fake, seconds_per_scan=1.0))[case.rule]
    assert _validity(finding) is Validity.UNKNOWN
    assert 1 <= len(fake.requests) <= 2 * len(case.provider.hosts)


def test_a_redirect_is_not_followed(case: Case) -> None:
    with ExitStack() as stack:
        elsewhere = stack.enter_context(serving(case.fake(live=True)))
        fake = case.fake(live=True, mode="redirect")
        fake.redirect_to = elsewhere.origin
        stack.enter_context(serving(fake))
        finding = case.scan(case.verifier(fake))[case.rule]
    assert _validity(finding) is Validity.UNKNOWN
    assert elsewhere.requests == []
    assert len(fake.requests) == len(case.provider.hosts)


def test_the_call_is_the_documented_one(case: Case) -> None:
    """Method and path as docs/verification.md says; a Slack or AWS call posts, every other one reads."""
    with serving(case.fake(live=True)) as fake:
        case.scan(case.verifier(fake))
    (seen,) = fake.requests
    expected = {"slack": "POST", "aws": "POST"}.get(case.provider.name, "GET")
    assert seen.method == expected
    assert case.secret not in seen.path or case.provider.name == "telegram"  # its token is in the path
