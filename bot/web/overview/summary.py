"""Per installation: where the open findings are, how severe, how old, and how fast they get fixed. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from bot.github.user_access import AccessibleRepository
from bot.store import FindingState, StoredFinding

TREND_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Monday
    opened: int
    fixed: int


@dataclass(frozen=True, slots=True)
class InstallationSummary:
    installation_id: int
    account: str
    repositories: int  # the person can see this many of the installation's repositories
    open_by_repository: tuple[tuple[str, int], ...]  # most findings first
    open_by_severity: tuple[tuple[str, int], ...]
    open_by_platform: tuple[tuple[str, int], ...]
    oldest_open: StoredFinding | None
    weeks: tuple[Week, ...]
    median_time_to_fix: timedelta | None

    @property
    def open_total(self) -> int:
        return sum(count for _, count in self.open_by_repository)


def summarise(
    findings: Iterable[StoredFinding], repositories: Sequence[AccessibleRepository], now: datetime
) -> list[InstallationSummary]:
    by_installation: dict[int, list[AccessibleRepository]] = {}
    for repo in repositories:
        by_installation.setdefault(repo.installation_id, []).append(repo)
    home = {repo.full_name: repo.installation_id for repo in repositories}
    grouped: dict[int, list[StoredFinding]] = {number: [] for number in by_installation}
    for finding in findings:
        if finding.repo in home:
            grouped[home[finding.repo]].append(finding)
    return [
        _summary(number, repos, grouped[number], now)
        for number, repos in sorted(by_installation.items(), key=lambda item: item[1][0].account.lower())
    ]


def _summary(
    number: int, repos: list[AccessibleRepository], findings: list[StoredFinding], now: datetime
) -> InstallationSummary:
    open_ = [finding for finding in findings if finding.state is FindingState.OPEN]
    fixed = [finding for finding in findings if finding.fixed_at is not None]
    durations = [
        (finding.fixed_at - finding.first_seen_at).total_seconds() for finding in fixed if finding.fixed_at
    ]
    return InstallationSummary(
        installation_id=number,
        account=repos[0].account,
        repositories=len(repos),
        open_by_repository=_counted(finding.repo for finding in open_),
        open_by_severity=_by_severity(open_),
        open_by_platform=_counted(finding.platform or "other" for finding in open_),
        oldest_open=min(open_, key=lambda finding: finding.first_seen_at, default=None),
        weeks=weekly_trend(findings, now),
        median_time_to_fix=timedelta(seconds=median(durations)) if durations else None,
    )


def _counted(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def _by_severity(findings: list[StoredFinding]) -> tuple[tuple[str, int], ...]:
    counts = Counter(finding.severity for finding in findings)
    # `critical` (a secret verified active, docs/verification.md) only when some finding is.
    names = ("critical", "high", "medium", "low") if counts.get("critical") else ("high", "medium", "low")
    return tuple((name, counts.get(name, 0)) for name in names)


def weekly_trend(
    findings: Iterable[StoredFinding], now: datetime, weeks: int = TREND_WEEKS
) -> tuple[Week, ...]:
    """Findings first seen and fixed per calendar week (Monday to Sunday, UTC), the last `weeks` weeks."""
    this_week = now.date() - timedelta(days=now.weekday())
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    opened: Counter[date] = Counter()
    fixed: Counter[date] = Counter()
    for finding in findings:
        opened[_week_of(finding.first_seen_at)] += 1
        if finding.fixed_at is not None:
            fixed[_week_of(finding.fixed_at)] += 1
    return tuple(Week(start, opened[start], fixed[start]) for start in starts)


def _week_of(moment: datetime) -> date:
    return moment.date() - timedelta(days=moment.weekday())
