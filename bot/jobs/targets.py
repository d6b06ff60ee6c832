"""What a request means on GitHub: which SHA, which pull request (if any), compared with what.

A pull request is scanned as a whole (its changed files against its base) and gets a review; a push without
an open pull request is scanned as the change between `before` and `after`. Check events and comments do
not always say which pull request they are about, so this is where the worker asks GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway, PullInfo
from bot.reports.check_run import NAME


@dataclass(frozen=True, slots=True)
class Target:
    repo: str
    head_sha: str
    pull: PullInfo | None  # scanned as a pull request when set
    compare_base: str | None  # push scope: compare this ref with the head
    config_ref: str  # where .github/secrets-bot.yml is read: never the code under review
    leaked: bool  # the head is on the default branch: any secret there is already public to readers
    whole_tree: bool = False  # a baseline: every manifest in the head's tree, not only what changed

    @property
    def scope(self) -> str:
        if self.whole_tree:
            return "baseline"
        return f"pr{self.pull.number}" if self.pull else "push"

    @property
    def lock_name(self) -> str:
        """Jobs for one pull request run one at a time; push scans only collide on the same SHA."""
        return f"{self.repo}#{self.pull.number}" if self.pull else f"{self.repo}@{self.head_sha}"


def resolve_target(request: ScanRequest, gateway: GitHubGateway) -> Target | None:
    """The target, or None when there is nothing for this request to report."""
    if request.trigger.is_command:
        return _rescan_target(request, gateway)
    sha = request.head_sha
    if sha is None:
        raise ValueError("a scan request without a head SHA must be a rescan comment")
    if request.trigger is Trigger.PULL_REQUEST or request.pr_number is not None:
        return pull_target(request.repo, _pull_from_request(request, sha))
    if request.trigger is Trigger.PUSH and request.pushed_to_default_branch:
        return _push_target(request, sha)
    pull = find_open_pull(gateway, request.repo, sha)
    if pull is not None:
        # A push to a PR's branch is reported by that PR's own event; a check event is scanned as the PR.
        return None if request.trigger is Trigger.PUSH else pull_target(request.repo, pull)
    return _push_target(request, sha)


def find_open_pull(gateway: GitHubGateway, repo: str, sha: str) -> PullInfo | None:
    """The open pull request whose head is `sha` (fork PRs included: check events never name them)."""
    for number in gateway.pulls_for_commit(repo, sha):
        pull = gateway.pull_request(repo, number)
        if pull.state == "open" and pull.head_sha == sha:
            return pull
    return None


def _pull_from_request(request: ScanRequest, sha: str) -> PullInfo:
    if request.pr_number is None or request.base_ref is None or request.base_sha is None:
        raise ValueError("a pull request scan needs the PR number and its base")
    return PullInfo(request.pr_number, sha, request.base_sha, request.base_ref, "open")


def pull_target(repo: str, pull: PullInfo) -> Target:
    return Target(repo, pull.head_sha, pull, None, pull.base_ref, leaked=False)


def baseline_target(repo: str, sha: str) -> Target:
    """A default branch's head, scanned whole: what is there is already exposed."""
    return Target(repo, sha, None, None, sha, leaked=True, whole_tree=True)


def _push_target(request: ScanRequest, sha: str) -> Target:
    on_default = request.ref == request.default_branch
    base = request.before or request.base_ref or request.default_branch
    return Target(request.repo, sha, None, base, base, leaked=on_default)


def _rescan_target(request: ScanRequest, gateway: GitHubGateway) -> Target | None:
    if request.pr_number is None:
        return _commit_target(request, gateway)
    pull = gateway.pull_request(request.repo, request.pr_number)
    return pull_target(request.repo, pull) if pull.state == "open" else None


def _commit_target(request: ScanRequest, gateway: GitHubGateway) -> Target | None:
    """A command on a commit scans again the push whose check run is on that commit: GitHub's check suite
    of the App's newest run there names the push (`before`, branch), as a "Re-run" delivery would. None
    when the App never reported that commit, or when it is an open pull request's head (answered there)."""
    sha = request.head_sha
    if sha is None:
        raise ValueError("a command on a commit needs the commit")
    runs = gateway.own_check_runs(request.repo, sha, name=NAME)
    if not runs or find_open_pull(gateway, request.repo, sha) is not None:
        return None
    push = gateway.suite_push(request.repo, runs[0].suite_id)
    return _push_target(replace(request, before=push.before, ref=push.branch), sha)
