"""GitHub failing on about one call in five, every way it can: the plan shared by the fault test and
`bench/soak.py`, and the audit of what the bot left behind on the fake."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.reports.markers import fingerprints_in
from tests.fakegithub.server import SECONDARY_LIMIT_MESSAGE, FakeGitHub
from tests.fakegithub.state import ReviewComment

TIMEOUT_DELAY = 1.5  # seconds a "slow" answer takes; longer than the timeout of the client under test
CLIENT_TIMEOUT = 1.0  # PyGithub takes whole seconds


def make_github_flaky(
    fake: FakeGitHub, *, rate: float = 0.2, slow: float = TIMEOUT_DELAY, minute_waits: bool = True
) -> None:
    """Faults on any route with these shares of `rate`: 5xx, resets, truncated JSON, 403/429 rate limits with
    and without Retry-After, answers slower than the client's timeout. A slow write is applied before its
    late answer; one applied only after the client has looked for it is a race no GitHub client can see
    (docs/security.md, residual risks)."""
    shares = {
        "502": 0.32,
        "500": 0.10,
        "503": 0.10,
        "reset": 0.15,
        "truncate": 0.15,
        "403-retry-after": 0.05,
        "403": 0.05,
        "429-retry-after": 0.03,
        "429": 0.03,
        "slow": 0.02,
    }
    p = {name: share * rate for name, share in shares.items()}
    for status in (502, 500, 503):
        fake.fail(None, None, status, times=None, probability=p[str(status)])
    fake.reset_connection(None, None, times=None, probability=p["reset"])
    fake.truncate(None, None, times=None, probability=p["truncate"])
    limits = [(403, 2, "403-retry-after"), (429, 3, "429-retry-after")]
    if minute_waits:  # without Retry-After GitHub asks for a minute: free on a fake clock, not in real time
        limits += [(403, None, "403"), (429, None, "429")]
    for status, retry_after, name in limits:
        limit = {"retry_after": retry_after, "message": SECONDARY_LIMIT_MESSAGE}
        fake.fail(None, None, status, times=None, probability=p[name], **limit)
    fake.delay("GET", None, slow, times=None, probability=p["slow"])
    for method in ("POST", "PATCH"):  # applied at once, answered after the client gave up
        fake.delay(method, None, slow, times=None, probability=p["slow"], after_apply=True)


@dataclass
class Audit:
    """Per pull request: completed check runs, runs left open, the bot's review comments."""

    pulls: int = 0
    completed_once: int = 0
    problems: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems


def trail(fake: FakeGitHub, repo: str, number: int, head: str) -> str:
    """The requests about one pull request, in order, with their status (0: connection reset)."""
    run_paths = tuple(f"/check-runs/{run.id}" for run in fake.world.runs_for(repo, head))
    about = [
        r
        for r in fake.calls()
        if f"/{repo}/pulls/{number}/" in r.path + "/"
        or f"/{repo}/issues/{number}/" in r.path
        or r.path.endswith(run_paths)
        or head in r.body.decode(errors="replace") + str(r.query) + r.path
    ]
    return ", ".join(f"{r.operation}={r.status}" for r in about)


def duplicated(comments: list[ReviewComment]) -> bool:
    """Two comments carrying the same finding's marker: the same comment posted twice."""
    markers = [marker for comment in comments for marker in fingerprints_in(comment.body)]
    return len(markers) != len(set(markers))


def audit(fake: FakeGitHub, pulls: list[tuple[str, int, str]]) -> Audit:
    """Every pull request ends with exactly one completed check run and no comment posted twice."""
    result = Audit(pulls=len(pulls))
    result.statuses.update(request.status for request in fake.calls())
    for repo, number, head in pulls:
        runs = fake.world.runs_for(repo, head)
        done = [run for run in runs if run.status == "completed"]
        comments = fake.world.comments_on(repo, number)
        if len(runs) != 1 or len(done) != 1:
            result.problems.append(
                f"{repo}#{number}: {len(runs)} runs, {len(done)} completed; "
                + trail(fake, repo, number, head)
            )
        elif duplicated(comments):
            result.problems.append(
                f"{repo}#{number}: a review comment posted twice; " + trail(fake, repo, number, head)
            )
        else:
            result.completed_once += 1
    return result
