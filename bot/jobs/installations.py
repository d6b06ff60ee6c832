"""What the bot keeps about an installation's repositories in the queue's shared state: which repositories
wait for (or finished) their baseline scan, and which were removed from the App.

A repository is claimed for a baseline once per installation, when the delivery is accepted: a second
`installation` delivery naming the same repositories enqueues nothing. Removing a repository marks it (its
baseline job, already queued, finds the mark and does nothing) and deletes every key the bot holds about it.
The claims double as the progress figures (done / total per installation), so they survive a restart.
The rate budget a baseline job last saw is kept per installation until its reset, so that every worker
pauses at the floor without spending a call to learn what another worker already knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.github.protocol import RateBudget
from bot.jobs.state import JobState

CLAIM_TTL = 90 * 24 * 3600.0  # a repository installed again after this long gets a new baseline
REMOVED_TTL = 7 * 24 * 3600.0  # longer than a queued job can wait (retries, rate-limit waits)
PENDING = "pending"
DONE = "done"
# Every key about one repository starts with one of these followed by its name (see bot.jobs.ledger, queue).
REPO_KEY_PREFIXES = ("head:", "run:", "reported:", "history:", "rescan:")


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    findings: int = 0  # open findings on the default branches scanned so far


class Installations:
    def __init__(self, state: JobState) -> None:
        self._state = state

    def claim_baseline(self, installation: int, repo: str) -> bool:
        """True the first time a repository is installed: its baseline scan is to be enqueued."""
        self._state.delete(_removed(repo))
        return self._state.claim(_claim(installation, repo), PENDING, CLAIM_TTL)

    def release_baseline(self, installation: int, repo: str) -> None:
        """The claim of a delivery that could not be accepted: a redelivery claims it again."""
        self._state.delete(_claim(installation, repo), only_if=PENDING)

    def finish_baseline(self, installation: int, repo: str, findings: int = 0) -> Progress:
        """Done, with the repository's open findings (kept in the claim: `done:<findings>`)."""
        self._state.put(_claim(installation, repo), f"{DONE}:{findings}", ttl=CLAIM_TTL)
        return self.progress(installation)

    def progress(self, installation: int) -> Progress:
        return self.every_progress().get(installation, Progress(0, 0))

    def every_progress(self) -> dict[int, Progress]:
        """Per installation that has (had) baseline scans; the keys are few (one per repository)."""
        counts: dict[int, list[int]] = {}
        for key, value in self._state.items("baseline:").items():
            installation = int(key.split(":", 2)[1])
            state, _, findings = value.partition(":")
            figures = counts.setdefault(installation, [0, 0, 0])
            figures[0] += state == DONE
            figures[1] += 1
            figures[2] += int(findings) if findings.isdigit() else 0
        return {installation: Progress(*figures) for installation, figures in counts.items()}

    def note_budget(self, installation: int, budget: RateBudget, now: float) -> None:
        """Keep what GitHub last said is left, until its window resets (then it says nothing)."""
        if budget.reset > now:
            value = f"{budget.remaining} {budget.limit} {budget.reset}"
            self._state.put(_budget(installation), value, ttl=budget.reset - now)

    def last_budget(self, installation: int) -> RateBudget | None:
        value = self._state.get(_budget(installation))
        if value is None:
            return None
        remaining, limit, reset = value.split()
        return RateBudget(int(remaining), int(limit), float(reset))

    def removed(self, repo: str) -> bool:
        return self._state.get(_removed(repo)) is not None

    def forget(self, installation: int, repo: str) -> None:
        """Stop pending work for the repository and delete what is kept about it."""
        self._state.put(_removed(repo), "1", ttl=REMOVED_TTL)
        self._state.delete(_claim(installation, repo))
        for prefix in REPO_KEY_PREFIXES:
            for key in self._state.items(f"{prefix}{repo}"):
                if key[len(prefix) + len(repo) :][:1] in ("#", "@", ":"):
                    self._state.delete(key)


def _claim(installation: int, repo: str) -> str:
    return f"baseline:{installation}:{repo}"


def _budget(installation: int) -> str:
    return f"rate:{installation}"


def _removed(repo: str) -> str:
    return f"removed:{repo}"
