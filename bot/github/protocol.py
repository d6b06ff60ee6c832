"""The narrow seam between the scan orchestration and GitHub.

`bot.jobs` talks to GitHub only through `GitHubGateway`; the real implementation (PyGithub + httpx) lives in
`bot.github.gateway`, and tests use a typed in-memory fake or the loopback fake GitHub server. Values are
plain frozen data, never PyGithub objects, so nothing outside `bot.github` depends on PyGithub.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.reports.model import CheckRunOutput, DraftComment


@dataclass(frozen=True, slots=True)
class PullInfo:
    number: int
    head_sha: str
    base_sha: str
    base_ref: str
    state: str  # open | closed
    draft: bool = False


@dataclass(frozen=True, slots=True)
class ChangedFile:
    path: str
    status: str  # added | modified | removed | renamed | copied | changed | unchanged
    previous_path: str | None = None
    patch: str | None = None  # unified diff hunk text; None when GitHub omits it (binary or too large)
    blob: str | None = None  # the blob's SHA when a tree listing named it: read by SHA, not by path


@dataclass(frozen=True, slots=True)
class TreeChanges:
    """Paths whose blob differs between two commits' trees (added or modified; removals are left out)."""

    paths: tuple[str, ...]
    complete: bool  # False when GitHub truncated a tree listing: some changes could not be known


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """What decides whether a repository gets a baseline scan, and where."""

    default_branch: str
    archived: bool
    fork: bool


@dataclass(frozen=True, slots=True)
class RateBudget:
    """What GitHub's last answer said is left of the installation's rate limit."""

    remaining: int
    limit: int
    reset: float  # epoch seconds when the window starts again


@dataclass(frozen=True, slots=True)
class Tree:
    """Every blob of one commit (path -> blob SHA), from one recursive listing."""

    blobs: dict[str, str]
    complete: bool  # False when GitHub truncated the listing: some files could not be known


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    author: str  # the author's GitHub login when GitHub knows the account, else the name in the commit


@dataclass(frozen=True, slots=True)
class CommitRange:
    """The commits of a pull request or a push, oldest first, and how many there are in all."""

    commits: tuple[CommitInfo, ...]
    total: int  # more than len(commits) when GitHub (or the cap asked for) left older ones out


@dataclass(frozen=True, slots=True)
class CommitFile:
    path: str
    status: str  # added | modified | removed | renamed | copied | changed | unchanged
    blob: str  # the blob SHA of the file as the commit left it


@dataclass(frozen=True, slots=True)
class CommitChanges:
    files: tuple[CommitFile, ...]
    complete: bool  # False past GitHub's 300 files on one page: some changes could not be known


# GitHub lists at most this many files for a pull request, and for a comparison of two commits.
PULL_FILES_CAP = 3000
COMPARE_FILES_CAP = 300
# ... at most this many commits of a pull request, and files of one commit on one page.
PULL_COMMITS_CAP = 250
COMMIT_FILES_CAP = 300


@dataclass(frozen=True, slots=True)
class ReviewComment:
    id: int
    body: str
    path: str
    line: int | None
    author: str


@dataclass(frozen=True, slots=True)
class IssueComment:
    id: int
    body: str
    author: str
    created_at: str  # ISO 8601, as GitHub dates it


@dataclass(frozen=True, slots=True)
class OwnCheckRun:
    """One of this App's check runs on a commit, as GitHub lists it (newest first)."""

    id: int
    status: str
    text: str  # the output's text: where a push's acknowledgements are kept
    suite_id: int
    at: str  # when it completed (or started), as GitHub dates it (ISO 8601)


@dataclass(frozen=True, slots=True)
class SuitePush:
    """The push a check suite was made for: what a re-run of its check scans again."""

    head_sha: str
    before: str | None  # None when GitHub does not say (a suite not made by a push)
    branch: str | None


@dataclass(frozen=True, slots=True)
class OpenPull:
    """An open pull request the bot opened (its fix pull request), as GitHub lists it."""

    number: int
    title: str
    body: str
    head_sha: str
    url: str  # on GitHub's web site


@dataclass(frozen=True, slots=True)
class Issue:
    number: int
    body: str
    state: str  # open | closed
    author: str  # the login that opened it


class IssuesDisabled(Exception):
    """The repository has issues turned off (GitHub answers 410): there is nowhere to keep a dashboard."""


class FileTooLarge(Exception):
    """The file at that ref is bigger than the scan limit; reported as skipped, never silently ignored."""

    def __init__(self, path: str, size: int) -> None:
        super().__init__(f"{path} is {size} bytes")
        self.path = path
        self.size = size


class UnreadableAnswer(Exception):
    """GitHub (or something in front of it) answered 2xx with a body that is not what was asked for: an
    HTML error page, JSON that does not parse. Retried like a 5xx; a file that keeps getting one is
    reported as unreadable, never scanned."""


class GitHubUnavailable(Exception):
    """GitHub kept failing (5xx, timeouts, rate limits past the bound). The job may be retried."""


class RateLimited(GitHubUnavailable):
    """GitHub asked to wait longer than a job should sleep: the job is rescheduled for `until` (epoch
    seconds) instead of failing, and its check run says that it is waiting."""

    def __init__(self, message: str, *, until: float, wait: float) -> None:
        super().__init__(message)
        self.until = until
        self.wait = wait


class GitHubGateway(Protocol):
    """Everything a scan needs from GitHub, for one installation."""

    def bot_login(self) -> str:
        """The login GitHub gives this App's comments (`<slug>[bot]`): how the bot knows its own."""
        ...

    def web_url(self) -> str:
        """GitHub's web origin (`https://github.com` or an Enterprise host), for links to files."""
        ...

    def pull_request(self, repo: str, number: int) -> PullInfo: ...

    def pull_request_files(self, repo: str, number: int) -> list[ChangedFile]: ...

    def compare_files(self, repo: str, base: str, head: str) -> list[ChangedFile]: ...

    def merge_base(self, repo: str, base: str, head: str) -> str:
        """The commit where `head`'s history left `base`'s: what a pull request's diff is computed from."""
        ...

    def tree_changes(self, repo: str, base: str, head: str) -> TreeChanges:
        """What changed between two commits, from their recursive trees: for changes past the listing caps."""
        ...

    def repository(self, repo: str) -> RepoInfo: ...

    def installation_repositories(self) -> list[str]:
        """The full names of every repository the installation can access, in pages of 100."""
        ...

    def rate_budget(self) -> RateBudget | None:
        """From the last answer's rate-limit headers; None before any answer (no call is made)."""
        ...

    def branch_head(self, repo: str, branch: str) -> str | None:
        """The branch's head commit; None when the repository is empty or has no such branch."""
        ...

    def tree(self, repo: str, commit: str) -> Tree:
        """The commit's whole tree in one recursive listing."""
        ...

    def pulls_for_commit(self, repo: str, sha: str) -> list[int]: ...

    def pull_request_commits(self, repo: str, number: int) -> CommitRange:
        """The pull request's commits, oldest first (GitHub lists at most 250)."""
        ...

    def compare_commits(self, repo: str, base: str, head: str, *, newest: int) -> CommitRange:
        """The newest `newest` commits of `head` that `base` does not have, oldest first."""
        ...

    def commit_changes(self, repo: str, sha: str) -> CommitChanges:
        """The files one commit changed, each with its blob SHA: one call."""
        ...

    def blob(self, repo: str, sha: str, *, max_bytes: int) -> bytes:
        """A blob's bytes by its SHA; FileTooLarge past `max_bytes` (the path is the SHA)."""
        ...

    def file_content(self, repo: str, path: str, ref: str | None, *, max_bytes: int) -> bytes | None:
        """The file's bytes at `ref` (None: the default branch); None when it does not exist there (or the
        repository cannot be seen); FileTooLarge past `max_bytes`."""
        ...

    def create_check_run(self, repo: str, head_sha: str, *, name: str, external_id: str) -> int:
        """Creates the check run in progress, or returns the id of the one already created for
        (head_sha, name, external_id): a retried job never makes a second one."""
        ...

    def complete_check_run(
        self, repo: str, check_run_id: int, *, conclusion: str, output: CheckRunOutput
    ) -> None:
        """Completes it; annotations are sent in batches of 50 (later batches through updates)."""
        ...

    def note_check_run(self, repo: str, check_run_id: int, *, output: CheckRunOutput) -> None:
        """Sets the output of a run that stays in progress (why it is waiting)."""
        ...

    def own_check_runs(self, repo: str, sha: str, *, name: str) -> list[OwnCheckRun]:
        """This App's runs named `name` on the commit, newest first (one call: the newest 100)."""
        ...

    def suite_push(self, repo: str, suite_id: int) -> SuitePush: ...

    def review_comments(self, repo: str, number: int) -> list[ReviewComment]: ...

    def create_review(
        self, repo: str, number: int, *, commit_sha: str, body: str, comments: Sequence[DraftComment]
    ) -> None: ...

    def update_review_comment(self, repo: str, comment_id: int, body: str) -> None: ...

    def permission(self, repo: str, username: str) -> str:
        """admin | maintain | write | triage | read | none"""
        ...

    def add_reaction(self, repo: str, comment_id: int, content: str) -> None: ...

    def create_issue_comment(self, repo: str, number: int, body: str) -> None: ...

    def conversation(self, repo: str, number: int) -> list[IssueComment]:
        """The pull request's conversation, oldest first: where the bot's acknowledgement replies are."""
        ...

    def contents_writable(self) -> bool:
        """Whether the installation granted `contents: write` (read from its access token's answer):
        without it the bot cannot push a fix branch, so it offers no fix pull request."""
        ...

    def push_files(
        self, repo: str, branch: str, *, base: str, files: Mapping[str, bytes], message: str
    ) -> str:
        """One commit on `base` replacing `files`, with `branch` (created or force-moved) at it; a branch
        already holding exactly that change on that base is left as it is. Returns the commit's SHA."""
        ...

    def open_pull_from(self, repo: str, branch: str) -> OpenPull | None:
        """The open pull request whose head is this repository's `branch`, if any."""
        ...

    def create_pull(self, repo: str, *, branch: str, base: str, title: str, body: str) -> OpenPull:
        """Opens it, or returns the one already open for `branch` (GitHub allows one)."""
        ...

    def update_pull(self, repo: str, number: int, *, title: str, body: str) -> None: ...

    def find_own_issue(self, repo: str, marker: str) -> Issue | None:
        """The oldest issue this App opened in the repository (open or closed) whose body holds `marker`:
        found by the hidden marker among the App's own issues, never by title."""
        ...

    def issue(self, repo: str, number: int) -> Issue | None:
        """None when it is gone (deleted or transferred)."""
        ...

    def create_issue(self, repo: str, *, title: str, body: str, marker: str) -> Issue:
        """Opens it; after an ambiguous failure, looks for the App's issue holding `marker` before sending
        again. `IssuesDisabled` when the repository has no issues."""
        ...

    def update_issue(
        self, repo: str, number: int, *, body: str | None = None, state: str | None = None
    ) -> None:
        """Sets the body and/or the state (open | closed) in one call; repeating it changes nothing more."""
        ...


class GatewayFactory(Protocol):
    def for_installation(self, installation_id: int) -> GitHubGateway: ...
