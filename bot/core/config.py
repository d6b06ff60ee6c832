"""What a scan is allowed to do and what a repository asked for, as plain frozen data.

`ScanLimits` bounds every input (size, depth, alias expansion) so that a hostile manifest costs bounded time
and memory. `ScanConfig` is the validated form of `.github/secrets-bot.yml`; `bot.core.repoconfig` builds it
from text and reports problems by field name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.core.findings import Finding

# Shown each listed finding with its value while the file is scanned; see `ScanConfig.reveal`.
Reveal = Callable[[Finding, str], None]


class ScanLimits(NamedTuple):
    max_bytes: int = 2_000_000
    max_depth: int = 64
    max_alias_expansions: int = 1_000  # scalar nodes reached through aliases, per document
    max_documents: int = 100
    # Work units per file (`bot.core.budget`: characters of each value judged, plus a fixed cost per value);
    # past it the rest of the file is not judged and a `budget` notice marks the file incomplete.
    max_work: int = 8_000_000
    max_findings: int = 200  # per file; the rest are counted in `ScanResult.omitted`, not listed


class Allowlist(NamedTuple):
    fingerprints: frozenset[str] = frozenset()
    value_patterns: tuple[str, ...] = ()  # RE2 syntax; a finding whose value matches is dropped
    paths: tuple[str, ...] = ()  # globs; files matching are not scanned


@dataclass(frozen=True, slots=True)
class ScanConfig:
    include: tuple[str, ...] = ()  # globs; empty means everything
    exclude: tuple[str, ...] = ()
    extra_manifests: tuple[str, ...] = ()  # globs of files to treat as manifests whatever their content
    disabled_rules: frozenset[str] = frozenset()
    custom_rules: tuple[dict[str, Any], ...] = ()  # raw rule tables, same schema as bot/rules/default.toml
    allowlist: Allowlist = field(default_factory=Allowlist)
    fail_on: str = "medium"  # high | medium | low | never
    incomplete: str = "fail"  # fail | neutral: the conclusion when some file was not fully scanned
    limits: ScanLimits = field(default_factory=ScanLimits)
    max_inline_comments: int = 20  # new review comments per review, most severe first; 0 for none
    pr_fails_on: str = "introduced"  # introduced | all: which of a pull request's findings can fail it
    waivers_in_pr: str = "report"  # allow | report | deny: ignore comments a pull request adds
    history: bool = True  # pull requests and pushes: scan each pushed commit, not only the head
    max_commits: int = 250  # the newest commits scanned per pull request or push; older ones are counted
    dashboard: bool = True  # keep the `Serverless secrets dashboard` issue of the default branch's secrets
    # The HMAC key of published fingerprints, set by the entry point (server or CLI), never by a repository.
    fingerprint_key: bytes = field(default=b"", repr=False)
    verify: bool = True  # false: values are never checked with their provider (true cannot turn it on)
    # The edge's hook (`bot.verify`) that sees each listed finding with its value during the scan, the only
    # time the value exists; the core only calls it (no I/O here) and keeps nothing. None: nobody sees values.
    reveal: Reveal | None = field(default=None, repr=False, compare=False)
