"""Prometheus metrics: what the bot did, in numbers an operator can alert on.

One `Metrics` object per process (`METRICS`) holds the counters on its own `CollectorRegistry`, not
prometheus-client's global one, so that importing this module registers nothing anywhere and tests can build
their own. It depends on nothing in `bot`, so every layer may record into it (`bot.github` counts its calls
here without knowing about the web). Queue depth and dead letters are read from the queue's storage when
scraped, so they are the same on every replica.

Label values are closed sets or ids: event names GitHub defines, outcomes, rule ids of the built-in table
("custom" for a repository's own), installation ids. Never a repository file, a token or a value.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

SCAN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
OTHER = "other"

_installation: contextvars.ContextVar[int | None] = contextvars.ContextVar("installation", default=None)


class QueueProbe(Protocol):
    """What the metrics need from the queue (see `bot.jobs.queue.JobQueue`)."""

    def depth(self) -> int: ...

    def dead_letters(self) -> int: ...

    def baseline_progress(self) -> dict[int, tuple[int, int, int]]:
        """Installation id -> (repositories whose baseline scan is done, in total, open findings so far)."""
        ...


class FindingLike(Protocol):
    @property
    def rule(self) -> str: ...

    @property
    def severity(self) -> str: ...


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.deliveries = Counter(
            "secrets_bot_webhook_deliveries",
            "Webhook deliveries received, by event and outcome.",
            ["event", "outcome"],
            registry=self.registry,
        )
        self.scans = Counter(
            "secrets_bot_scans",
            "Scan jobs run, by trigger and outcome.",
            ["trigger", "outcome"],
            registry=self.registry,
        )
        self.verifications = Counter(
            "secrets_bot_verifications",
            "Credentials checked with their provider (VERIFY_SECRETS), by provider, outcome and whether the "
            "answer came from the cache.",
            ["provider", "outcome", "source"],
            registry=self.registry,
        )
        self.scan_duration = Histogram(
            "secrets_bot_scan_duration_seconds",
            "Time from a worker taking a scan job to the job's end.",
            ["trigger"],
            buckets=SCAN_BUCKETS,
            registry=self.registry,
        )
        self.findings = Counter(
            "secrets_bot_findings",
            "Findings reported, by rule and severity.",
            ["rule", "severity"],
            registry=self.registry,
        )
        self.github_calls = Counter(
            "secrets_bot_github_api_calls",
            "Calls to the GitHub API, by operation and status (HTTP status, 'ok' or 'transport-error').",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.rate_limit_remaining = Gauge(
            "secrets_bot_github_rate_limit_remaining",
            "Requests left in the current GitHub rate-limit window, per installation.",
            ["installation"],
            registry=self.registry,
        )

        self.baseline_findings = Counter(
            "secrets_bot_baseline_findings",
            "Findings reported by baseline scans (what was already on default branches at install).",
            registry=self.registry,
        )

    def delivery(self, event: str, outcome: str) -> None:
        self.deliveries.labels(event=event, outcome=outcome).inc()

    def github_call(self, endpoint: str, status: str) -> None:
        """`endpoint` is an operation name such as "read a file"; any "(detail)" suffix is dropped."""
        self.github_calls.labels(endpoint=endpoint.split(" (", 1)[0], status=status).inc()

    def rate_limit(self, remaining: int) -> None:
        """Record the remaining rate limit for the installation of the job running in this context."""
        installation = _installation.get()
        if installation is not None and remaining >= 0:
            self.rate_limit_remaining.labels(installation=str(installation)).set(remaining)

    def record_findings(self, findings: Iterable[FindingLike], known_rules: frozenset[str]) -> None:
        for finding in findings:
            rule = finding.rule if finding.rule in known_rules else "custom"
            self.findings.labels(rule=rule, severity=str(finding.severity)).inc()

    @contextmanager
    def installation(self, installation_id: int) -> Iterator[None]:
        """Calls to GitHub inside the block are on behalf of this installation (for the rate-limit gauge)."""
        token = _installation.set(installation_id)
        try:
            yield
        finally:
            _installation.reset(token)


def bounded(value: str, allowed: Sequence[str] | frozenset[str]) -> str:
    """`value` when it is one of `allowed`, else "other": keeps a label's values a closed set."""
    return value if value in allowed else OTHER


class _QueueCollector(Collector):
    """Reads the queue's shared counters at scrape time; an unreachable queue is simply left out."""

    def __init__(self, queue: QueueProbe) -> None:
        self._queue = queue

    def collect(self) -> Iterator[Metric]:
        try:
            depth, dead = self._queue.depth(), self._queue.dead_letters()
            baselines = self._queue.baseline_progress()
        except Exception:
            return
        yield GaugeMetricFamily("secrets_bot_queue_depth", "Jobs waiting in the queue.", value=depth)
        yield CounterMetricFamily(
            "secrets_bot_dead_letters", "Jobs that failed through every retry (all processes).", value=dead
        )
        progress = GaugeMetricFamily(
            "secrets_bot_baseline_repositories",
            "Repositories of an installation whose baseline scan is done, and in total (all processes).",
            labels=["installation", "state"],
        )
        found = GaugeMetricFamily(
            "secrets_bot_baseline_open_findings",
            "Open findings on the default branches of an installation's baselined repositories.",
            labels=["installation"],
        )
        for installation, (done, total, findings) in sorted(baselines.items()):
            progress.add_metric([str(installation), "done"], done)
            progress.add_metric([str(installation), "total"], total)
            found.add_metric([str(installation)], findings)
        yield progress
        yield found


class _Forward(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self._registry.collect()


def exposition_registry(metrics: Metrics, queue: QueueProbe | None) -> CollectorRegistry:
    """A registry to serve: this process's metrics plus, when given, the queue's shared figures."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Forward(metrics.registry))
    if queue is not None:
        registry.register(_QueueCollector(queue))
    return registry


METRICS = Metrics()
