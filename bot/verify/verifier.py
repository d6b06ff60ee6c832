"""Asking providers, within bounds: one retry at most, a token bucket and a cool-down per provider, a time
and call budget per scan, and outcomes cached by fingerprint.

`Verifier` lives as long as its process (its limits and cache are shared by every scan); a `Session` lives
for one scan. The session is the only holder of values: `reveal` (the core's hook) keeps the values of the
findings a provider can check, `apply` asks about the findings the scan reports and returns them with their
outcome, and leaving the `with` block forgets every value. Logs and metrics name the provider and the
outcome, never a value; a provider's error body is never read into a message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import httpx

from bot.core.findings import Finding, Validity
from bot.metrics import METRICS
from bot.verify.egress import Egress, checking
from bot.verify.limits import Outcome, OutcomeCache, TokenBucket
from bot.verify.outcomes import with_outcome
from bot.verify.providers import BY_RULE, PARTNER_RULES, Credential, Provider, provider_for

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
RETRY_DELAY = 0.25
MAX_WAIT_FOR_TOKEN = 2.0
MAX_COOL_DOWN = 300.0  # seconds a provider that answered 429 is left alone, whatever its Retry-After says
MAX_PARTNERS = 2  # key ids tried with one AWS secret (the nearest lines first)


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds per request (connect, read, write, pool)
    rate: float = 2.0  # requests a second per provider, on average
    burst: float = 5.0
    checks_per_scan: int = 50  # credentials asked about per scan; the rest are unknown
    seconds_per_scan: float = 30.0  # after this, a scan asks no more (a job has JOB_TIMEOUT in all)


@dataclass
class Verifier:
    cache_seconds: float = 3600.0
    verify_history: bool = True  # False: a value found only in a commit no longer at the head is not asked
    limits: Limits = field(default_factory=Limits)
    endpoints_for_tests: Mapping[str, str] | None = None
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self._egress = Egress(timeout=self.limits.timeout, endpoints_for_tests=self.endpoints_for_tests)
        self._cache = OutcomeCache(self.cache_seconds, self.clock)
        self._buckets: dict[str, TokenBucket] = {}
        self._cool_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def session(self) -> Session:
        return Session(self)

    def close(self) -> None:
        self._egress.close()

    def check(self, provider: Provider, credential: Credential, key: str, deadline: float) -> Outcome:
        """The provider's verdict on `credential` (cached under `key`, made of fingerprints)."""
        cached = self._cache.get(key)
        if cached is not None:
            self._count(provider, cached.validity, "cached")
            return cached
        checked_at = self.now().replace(microsecond=0)
        validity = Validity.UNKNOWN
        verdicts = []
        for host in provider.hosts:
            verdict = self._ask(provider, host, credential, deadline)
            verdicts.append(verdict)
            if verdict is Validity.ACTIVE:
                break
        if Validity.ACTIVE in verdicts:
            validity = Validity.ACTIVE
        elif verdicts and all(verdict is Validity.INACTIVE for verdict in verdicts):
            validity = Validity.INACTIVE
        outcome = Outcome(validity, checked_at, provider.name)
        self._cache.put(key, outcome)
        self._count(provider, validity, "asked")
        return outcome

    def _ask(self, provider: Provider, host: str, credential: Credential, deadline: float) -> Validity:
        """One host's verdict: at most two requests (one retry, after a network error or a 5xx)."""
        for attempt in range(2):
            if not self._may_send(provider, deadline):
                return Validity.UNKNOWN
            try:
                with checking():  # botocore's signer logs the canonical request while it builds the call
                    call = provider.call(host, credential)
                response = self._egress.send(host, call)
            except httpx.HTTPError as error:
                logger.warning("verification: %s did not answer (%s)", provider.name, type(error).__name__)
                verdict, retry = Validity.UNKNOWN, True
            else:
                verdict, retry = self._read(provider, response)
            if not retry or attempt == 1 or self.clock() + RETRY_DELAY >= deadline:
                return verdict
            self.sleep(RETRY_DELAY)
        return Validity.UNKNOWN

    def _read(self, provider: Provider, response: httpx.Response) -> tuple[Validity, bool]:
        """(verdict, worth one retry). A 429 cools the provider down; a 3xx is never followed."""
        status = response.status_code
        if status == 429:
            self._cool_down(provider, response.headers.get("Retry-After"))
            logger.warning("verification: %s is throttling; left alone for a while", provider.name)
            return Validity.UNKNOWN, False
        if 300 <= status < 400:
            logger.warning("verification: %s answered a redirect (%d); not followed", provider.name, status)
            return Validity.UNKNOWN, False
        return provider.judge(response), status >= 500

    def _may_send(self, provider: Provider, deadline: float) -> bool:
        """Within the scan's time, outside a cool-down, with a token from the provider's bucket."""
        with self._lock:
            if self.clock() < self._cool_until.get(provider.name, 0.0):
                return False
            bucket = self._buckets.setdefault(
                provider.name, TokenBucket(self.limits.rate, self.limits.burst, self.clock)
            )
        wait = bucket.wait_time()
        while wait > 0.0:
            if wait > MAX_WAIT_FOR_TOKEN or self.clock() + wait >= deadline:
                return False
            self.sleep(wait)
            wait = bucket.wait_time()
        return self.clock() < deadline

    def _cool_down(self, provider: Provider, retry_after: str | None) -> None:
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else 60.0
        with self._lock:
            self._cool_until[provider.name] = self.clock() + min(seconds, MAX_COOL_DOWN)

    @staticmethod
    def _count(provider: Provider, validity: Validity, source: str) -> None:
        METRICS.verifications.labels(provider=provider.name, outcome=validity.value, source=source).inc()
        logger.info("verification: %s says %s (%s)", provider.name, validity.value, source)


class Session:
    """One scan's values, kept only until the `with` block ends."""

    def __init__(self, verifier: Verifier) -> None:
        self._verifier = verifier
        self._values: dict[str, tuple[Finding, str]] = {}
        self._checks_left = verifier.limits.checks_per_scan
        self._deadline = verifier.clock() + verifier.limits.seconds_per_scan
        self._outcomes: dict[str, Outcome] = {}
        # Fingerprints of the findings handed to `apply`: only these values are ever sent. The scan also
        # revealed base versions and older commits; a value seen only there is not one of them.
        self._allowed: set[str] = set()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.forget()

    def forget(self) -> None:
        self._values.clear()

    def reveal(self, finding: Finding, value: str) -> None:
        """The core's hook (`ScanConfig.reveal`): keeps only values some provider can check."""
        if finding.rule in BY_RULE or finding.rule in PARTNER_RULES:
            self._values.setdefault(finding.fingerprint, (finding, value))

    def apply(self, findings: Iterable[Finding]) -> tuple[Finding, ...]:
        """The findings, each checkable one carrying its outcome (an active one raised to critical)."""
        listed = tuple(findings)
        self._allowed.update(finding.fingerprint for finding in listed)
        for finding in listed:
            self._settle(finding)
        return tuple(
            with_outcome(finding, self._outcomes[finding.fingerprint])
            if finding.fingerprint in self._outcomes
            else finding
            for finding in listed
        )

    def apply_with_history(
        self, current: Sequence[Finding], history: Sequence[Finding]
    ) -> tuple[tuple[Finding, ...], tuple[Finding, ...] | None]:
        """`apply` to the head's findings and those found only in older commits, checked together (a key id
        at the head pairs with its secret in the history); the latter's None when VERIFY_HISTORY=off, and
        then none of their values is sent."""
        if not self._verifier.verify_history:
            return self.apply(current), None
        checked = self.apply((*current, *history))
        return checked[: len(current)], checked[len(current) :]

    def _settle(self, finding: Finding) -> None:
        """Asks about the finding (or, for a key id, about the secret it pairs with) unless already done."""
        if finding.fingerprint in self._outcomes:
            return
        if finding.rule in PARTNER_RULES and finding.rule not in BY_RULE:
            for secret, _ in self._secrets_paired_with(finding):
                self._settle(secret)
            return
        held = self._values.get(finding.fingerprint)
        provider = provider_for(finding.rule, held[1]) if held is not None else None
        if held is None or provider is None:
            return
        if provider.partner_rule is None:
            self._record(finding, self._check(provider, Credential(held[1]), finding.fingerprint))
            return
        outcomes = [
            (
                partner,
                self._check(
                    provider, Credential(held[1], value), f"{finding.fingerprint}+{partner.fingerprint}"
                ),
            )
            for partner, value in self._partners(finding, provider)
        ]
        if outcomes:
            self._outcomes[finding.fingerprint] = _best(outcome for _, outcome in outcomes)
        for partner, outcome in outcomes:
            self._record(partner, outcome)

    def _record(self, finding: Finding, outcome: Outcome) -> None:
        known = self._outcomes.get(finding.fingerprint)
        self._outcomes[finding.fingerprint] = outcome if known is None else _best((known, outcome))

    def _check(self, provider: Provider, credential: Credential, key: str) -> Outcome:
        if self._checks_left <= 0:
            return Outcome(Validity.UNKNOWN, self._verifier.now().replace(microsecond=0), provider.name)
        self._checks_left -= 1
        return self._verifier.check(provider, credential, key, self._deadline)

    def _partners(self, secret: Finding, provider: Provider) -> list[tuple[Finding, str]]:
        """The partner values in the same file, nearest lines first, at most `MAX_PARTNERS`."""
        found = [
            (finding, value)
            for finding, value in self._values.values()
            if finding.rule == provider.partner_rule
            and finding.fingerprint in self._allowed
            and finding.path == secret.path
            and provider.partner_accepts(value)
        ]
        found.sort(key=lambda item: abs(item[0].line - secret.line))
        return found[:MAX_PARTNERS]

    def _secrets_paired_with(self, partner: Finding) -> list[tuple[Finding, str]]:
        return [
            (finding, value)
            for finding, value in self._values.values()
            if finding.path == partner.path
            and finding.fingerprint in self._allowed
            and (provider := BY_RULE.get(finding.rule)) is not None
            and provider.partner_rule == partner.rule
        ]


_ORDER = {Validity.ACTIVE: 0, Validity.UNKNOWN: 1, Validity.INACTIVE: 2}


def _best(outcomes: Iterable[Outcome]) -> Outcome:
    """Active over unknown over inactive: a pair is inactive only when every pairing was rejected."""
    return min(outcomes, key=lambda outcome: _ORDER[outcome.validity])
