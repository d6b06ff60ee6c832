"""The safety rails on their own: egress only to configured hosts, loopback-only test endpoints, token
buckets, the per-scan budget, the cache's lifetime, and no value in any log record (Telegram's token is in
its URL path, which httpx would log)."""

from __future__ import annotations

import ipaddress
import logging
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.core.config import ScanConfig
from bot.core.findings import Validity, validity_of
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.verify.egress import Egress, EgressRefused
from bot.verify.limits import Outcome, OutcomeCache, TokenBucket
from bot.verify.providers import ALL_HOSTS, PROVIDERS, Call
from bot.verify.verifier import Limits, Verifier
from tests.verify.fakeproviders import FakeProvider, serving
from tests.verify.values import credential, manifest


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_every_provider_host_is_https_on_its_fixed_official_name() -> None:
    assert all(host == host.lower() and "/" not in host and ":" not in host for host in ALL_HOSTS)
    egress = Egress(timeout=1.0)
    assert set(egress._origins.values()) == {f"https://{host}" for host in ALL_HOSTS}


@pytest.mark.parametrize(
    "origin", ["http://example.com", "http://10.0.0.8:8080", "file:///etc/passwd", "http://127.0.0.1:9/api"]
)
def test_a_test_endpoint_must_be_a_loopback_origin(origin: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        Egress(timeout=1.0, endpoints_for_tests={"api.github.com": origin})


def test_a_test_endpoint_stands_in_only_for_a_provider_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Egress(timeout=1.0, endpoints_for_tests={"internal.example.com": "http://127.0.0.1:9"})


def test_a_request_to_anything_but_a_configured_destination_is_never_sent() -> None:
    with serving(FakeProvider("github")) as fake, serving(FakeProvider("github")) as other:
        egress = Egress(timeout=1.0, endpoints_for_tests={"api.github.com": fake.origin})
        egress._origins["api.github.com"] = other.origin  # as if a URL were built for another destination
        with pytest.raises(EgressRefused):
            egress.send("api.github.com", Call("GET", "/user", {}))
        assert other.requests == []


def _self_signed(tmp_path: Path) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 that no trust store holds."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


def test_a_certificate_nobody_vouches_for_is_refused(tmp_path: Path) -> None:
    """Certificates are checked: an https server with a self-signed certificate gets no answer trusted,
    and the outcome is unknown (never active, never inactive)."""
    token = credential("github-pat")
    with serving(FakeProvider("github", live={token}), tls=_self_signed(tmp_path)) as fake:
        assert fake.origin.startswith("https://")
        verifier = Verifier(limits=Limits(timeout=1.0), endpoints_for_tests={"api.github.com": fake.origin})
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
            result = scan_file(
                "serverless.yml", manifest({"github-pat": token}), ruleset=RuleSet.default(), config=config
            )
            [finding] = [f for f in session.apply(result.findings) if f.rule == "github-pat"]
        verifier.close()
    assert validity_of(finding) is not None and validity_of(finding)[0] is Validity.UNKNOWN  # type: ignore[index]
    assert fake.requests == []  # the handshake failed before any request was sent


def test_no_retry_storm_many_findings_one_provider_bounded_by_the_bucket_and_budget() -> None:
    """Sixty values, a provider that fails every request: at most `checks_per_scan` credentials asked,
    each at most twice, the waits coming from the token bucket, never more than the scan's time."""
    clock = Clock()
    values = {f"r{index}": credential("github-pat") for index in range(60)}
    with serving(FakeProvider("github", mode="error")) as fake:
        verifier = Verifier(
            cache_seconds=0,
            limits=Limits(timeout=0.3, rate=10.0, burst=5.0, checks_per_scan=20, seconds_per_scan=30.0),
            endpoints_for_tests={"api.github.com": fake.origin},
            clock=clock,
            sleep=clock.sleep,
        )
        data = "".join(f"    K{index}: {value}\n" for index, value in enumerate(values.values()))
        text = b"service: demo\nprovider:\n  name: aws\n  environment:\n" + data.encode()
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
            found = scan_file("serverless.yml", text, ruleset=RuleSet.default(), config=config)
            checked = session.apply(found.findings)
    assert len(fake.requests) <= 2 * 20
    outcomes = [validity_of(finding) for finding in checked if finding.rule == "github-pat"]
    assert len(outcomes) == 60 and {outcome[0] for outcome in outcomes if outcome} == {Validity.UNKNOWN}
    assert all(outcome is not None for outcome in outcomes)  # over the budget: unknown, and said so
    assert clock.now - 1000.0 <= 30.0


def test_the_token_bucket_paces_a_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2.0, capacity=3.0, clock=clock)
    assert [bucket.wait_time() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.wait_time() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.wait_time() == 0.0


def test_the_cache_keeps_clear_answers_for_its_lifetime_only() -> None:
    clock = Clock()
    cache = OutcomeCache(60.0, clock)
    when = datetime(2026, 12, 7, tzinfo=UTC)
    cache.put("v2-a", Outcome(Validity.ACTIVE, when, "github"))
    cache.put("v2-b", Outcome(Validity.UNKNOWN, when, "github"))
    assert cache.get("v2-a") is not None and cache.get("v2-b") is None
    clock.now += 60.0
    assert cache.get("v2-a") is None


def test_no_value_in_any_log_record_even_one_in_a_url(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = credential("telegram-bot-token")
    with serving(FakeProvider("telegram", live={token})) as fake:
        verifier = Verifier(endpoints_for_tests={"api.telegram.org": fake.origin})
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
            result = scan_file(
                "serverless.yml",
                manifest({"telegram-bot-token": token}),
                ruleset=RuleSet.default(),
                config=config,
            )
            [finding] = [f for f in session.apply(result.findings) if f.rule == "telegram-bot-token"]
        verifier.close()
    assert validity_of(finding) is not None and validity_of(finding)[0] is Validity.ACTIVE  # type: ignore[index]
    assert fake.requests and token in fake.requests[0].path  # it did travel, in the path, to the provider
    logged = caplog.text + "".join(repr(record.args) + record.getMessage() for record in caplog.records)
    assert token not in logged
    assert token[:20] not in logged
    # Outside a check, httpx logs as usual: the filter is scoped to verification.
    with caplog.at_level(logging.INFO, logger="httpx"), serving(FakeProvider("github")) as other:
        httpx.get(other.origin + "/elsewhere")
    assert "/elsewhere" in caplog.text


def test_no_aws_signature_in_botocores_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    """botocore's signer logs the canonical request and the signature at DEBUG while the call is built."""
    caplog.set_level(logging.DEBUG)
    key_id, secret = credential("aws-access-key-id"), credential("aws-secret-access-key")
    with serving(FakeProvider("aws", live_aws={key_id: secret})) as fake:
        verifier = Verifier(endpoints_for_tests={"sts.amazonaws.com": fake.origin})
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
            result = scan_file(
                "serverless.yml",
                manifest({"aws-access-key-id": key_id, "aws-secret-access-key": secret}),
                ruleset=RuleSet.default(),
                config=config,
            )
            checked = [f for f in session.apply(result.findings) if f.rule == "aws-secret-access-key"]
        verifier.close()
    assert checked and validity_of(checked[0]) is not None
    assert fake.requests
    assert not [record for record in caplog.records if record.name.startswith("botocore")]
    assert secret not in caplog.text and secret[:20] not in caplog.text


def _held(text: bytes) -> tuple[int, int]:
    """(values the session held during the scan, values it holds after)."""
    verifier = Verifier()
    with verifier.session() as session:
        config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
        scan_file("serverless.yml", text, ruleset=RuleSet.default(), config=config)
        during = len(session._values)
    verifier.close()
    return during, len(session._values)


def test_the_session_forgets_values_when_the_scan_ends() -> None:
    assert _held(manifest({"github-pat": credential("github-pat")})) == (1, 0)


def test_only_values_of_checkable_rules_are_held() -> None:
    password = b"service: a\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: Xk2pq9Lm4vB7nR1s\n"
    assert _held(password) == (0, 0)


def test_connection_strings_and_webhooks_are_never_checked() -> None:
    """Their host comes from the repository: no provider is defined for them."""
    rules = {rule for provider in PROVIDERS for rule in provider.rules}
    assert not rules & {
        "database-url-password",
        "url-basic-auth",
        "connection-string-password",
        "slack-webhook-url",
        "discord-webhook-url",
    }


@pytest.mark.parametrize("history_too", [True, False])
def test_a_secret_only_in_an_older_version_is_never_paired_without_history(history_too: bool) -> None:
    """The key id is still at the head, its secret only in an older commit: with VERIFY_HISTORY=off the
    head's key id is not sent with that old secret (the scan revealed it, but nobody listed it)."""
    key_id, secret = credential("aws-access-key-id"), credential("aws-secret-access-key")
    with serving(FakeProvider("aws", live_aws={key_id: secret})) as fake:
        verifier = Verifier(
            verify_history=history_too, endpoints_for_tests={"sts.amazonaws.com": fake.origin}
        )
        with verifier.session() as session:
            config = ScanConfig(fingerprint_key=b"k" * 32, reveal=session.reveal)
            older = manifest({"aws-access-key-id": key_id, "aws-secret-access-key": secret})
            old = scan_file("serverless.yml", older, ruleset=RuleSet.default(), config=config)
            head = scan_file(
                "serverless.yml",
                manifest({"aws-access-key-id": key_id}),
                ruleset=RuleSet.default(),
                config=config,
            )
            gone = [f for f in old.findings if f.rule == "aws-secret-access-key"]
            ([at_head], past) = session.apply_with_history(head.findings, gone)
        verifier.close()
    if history_too:
        assert past is not None
        assert [validity_of(f)[0] for f in (at_head, *past)] == [Validity.ACTIVE] * 2  # type: ignore[index]
        assert len(fake.requests) == 1
    else:
        assert validity_of(at_head) is None
        assert past is None and fake.requests == []
