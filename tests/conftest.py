"""Shared test doubles: ONE typed in-memory GitHub gateway, used by every job and web test.

`FakeGitHub` implements `bot.github.protocol.GitHubGateway` for one installation and records every call, so
tests can assert what the bot asked GitHub and how often. It behaves like GitHub where the bot depends on it:
check runs are found again by external id, review comments carry their author, files larger than the limit
raise `FileTooLarge`. Faults are queued per method with `fail_next`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import pytest

from bot.github.protocol import (
    ChangedFile,
    CommitChanges,
    CommitInfo,
    CommitRange,
    FileTooLarge,
    GitHubGateway,
    Issue,
    IssueComment,
    OwnCheckRun,
    PullInfo,
    ReviewComment,
    SuitePush,
    TreeChanges,
)
from bot.reports.model import CheckRunOutput, DraftComment
from tests import canaries

# The canary fails any test that logs or sends a registered secret; the wheelhouse serves the tests that
# install the package into fresh virtualenvs.
pytest_plugins = ["tests.hardening.canary", "tests.wheelhouse"]

BOT_LOGIN = "serverless-secrets-bot[bot]"


def require_service(name: str, reason: str) -> NoReturn:
    """Give up on a test whose service (Redis, PostgreSQL, Chromium) is missing: a skip with the reason on a
    developer's machine, a failure under `CI=true`, where `.ci/run` provides every service and a skip would
    let CI pass without the test ever running."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required when CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


BASE_SHA = "b" * 40


@dataclass
class CheckRunRecord:
    id: int
    repo: str
    head_sha: str
    name: str
    external_id: str
    status: str = "in_progress"
    conclusion: str | None = None
    output: CheckRunOutput | None = None
    completions: int = 0


@dataclass
class PostedReview:
    repo: str
    number: int
    commit_sha: str
    body: str
    comments: tuple[DraftComment, ...]


@dataclass
class FakeGitHub:
    """One installation's view of GitHub, in memory."""

    files: dict[tuple[str, str], dict[str, bytes]] = field(
        default_factory=dict
    )  # (repo, ref) -> path -> bytes
    pulls: dict[tuple[str, int], PullInfo] = field(default_factory=dict)
    pull_files: dict[tuple[str, int], list[ChangedFile]] = field(default_factory=dict)
    comparisons: dict[tuple[str, str, str], list[ChangedFile]] = field(default_factory=dict)
    # (repo, "pr<N>" or "base...head") -> commits oldest first; (repo, sha) -> its changes; blob SHA -> bytes
    commit_lists: dict[tuple[str, str], list[CommitInfo]] = field(default_factory=dict)
    commit_files: dict[tuple[str, str], CommitChanges] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    permissions: dict[tuple[str, str], str] = field(default_factory=dict)
    check_runs: dict[int, CheckRunRecord] = field(default_factory=dict)
    reviews: list[PostedReview] = field(default_factory=list)
    comments: dict[tuple[str, int], list[ReviewComment]] = field(default_factory=dict)
    reactions: list[tuple[str, int, str]] = field(default_factory=list)
    issue_comments: list[tuple[str, int, str]] = field(default_factory=list)
    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    hooks: dict[str, Callable[[], None]] = field(default_factory=dict)  # run when the method is called
    suites: list[SuitePush] = field(default_factory=list)  # check suite id N is suites[N - 1]
    issues: dict[tuple[str, int], Issue] = field(default_factory=dict)  # (repo, number) -> issue
    contents_write: bool = False  # the installation granted `contents: write` (fix pull requests)
    _next_id: int = 1000

    # --- arranging a scenario -------------------------------------------------------------------------------

    def put_files(self, repo: str, ref: str, files: Mapping[str, bytes]) -> None:
        self.files.setdefault((repo, ref), {}).update(files)

    def open_pull(
        self,
        repo: str,
        number: int,
        *,
        head_sha: str,
        files: Mapping[str, bytes | None],
        base_ref: str = "main",
        base_sha: str = BASE_SHA,
        patches: Mapping[str, str] | None = None,
        state: str = "open",
    ) -> PullInfo:
        """A pull request whose head holds `files` (None = removed); patches default to "every line added"."""
        pull = PullInfo(number, head_sha, base_sha, base_ref, state)
        self.pulls[(repo, number)] = pull
        self.put_files(repo, head_sha, {path: data for path, data in files.items() if data is not None})
        self.pull_files[(repo, number)] = [
            _changed(path, data, (patches or {}).get(path)) for path, data in files.items()
        ]
        return pull

    def push_files(self, repo: str, *, base: str, head: str, files: Mapping[str, bytes]) -> None:
        """A push from `base` to `head` that changed `files`."""
        self.put_files(repo, head, files)
        self.comparisons[(repo, base, head)] = [_changed(path, data, None) for path, data in files.items()]

    def fail_next(self, method: str, *errors: Exception) -> None:
        self.failures.setdefault(method, []).extend(errors)

    # --- inspecting the outcome -----------------------------------------------------------------------------

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    def call_names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def runs_for(self, head_sha: str) -> list[CheckRunRecord]:
        return [run for run in self.check_runs.values() if run.head_sha == head_sha]

    def only_run(self, head_sha: str) -> CheckRunRecord:
        runs = self.runs_for(head_sha)
        assert len(runs) == 1, runs
        return runs[0]

    def everything_sent(self) -> str:
        """Every string the bot sent to GitHub, for leak checks."""
        sent = [repr(args) for _, args in self.calls]
        sent += [repr(run.output) for run in self.check_runs.values()]
        return "\n".join(sent)

    # --- GitHubGateway --------------------------------------------------------------------------------------

    def _call(self, method: str, *args: object) -> None:
        self.calls.append((method, args))
        canaries.check(f"a {method} call to the in-memory GitHub", repr(args))
        hook = self.hooks.pop(method, None)
        if hook is not None:
            hook()
        pending = self.failures.get(method)
        if pending:
            raise pending.pop(0)

    def bot_login(self) -> str:
        return BOT_LOGIN  # known from the App's settings: asking for it is no call to a repository

    def pull_request(self, repo: str, number: int) -> PullInfo:
        self._call("pull_request", repo, number)
        return self.pulls[(repo, number)]

    def pull_request_files(self, repo: str, number: int) -> list[ChangedFile]:
        self._call("pull_request_files", repo, number)
        return list(self.pull_files.get((repo, number), []))

    def compare_files(self, repo: str, base: str, head: str) -> list[ChangedFile]:
        self._call("compare_files", repo, base, head)
        return list(self.comparisons.get((repo, base, head), []))

    def merge_base(self, repo: str, base: str, head: str) -> str:
        """In memory, a pull request's base commit is its merge base."""
        self._call("merge_base", repo, base, head)
        return base

    def tree_changes(self, repo: str, base: str, head: str) -> TreeChanges:
        self._call("tree_changes", repo, base, head)
        before, after = self.files.get((repo, base), {}), self.files.get((repo, head), {})
        return TreeChanges(tuple(path for path, data in after.items() if before.get(path) != data), True)

    def web_url(self) -> str:
        return "https://github.com"

    def pull_request_commits(self, repo: str, number: int) -> CommitRange:
        self._call("pull_request_commits", repo, number)
        listed = tuple(self.commit_lists.get((repo, f"pr{number}"), ()))
        return CommitRange(listed, len(listed))

    def compare_commits(self, repo: str, base: str, head: str, *, newest: int) -> CommitRange:
        self._call("compare_commits", repo, base, head)
        listed = tuple(self.commit_lists.get((repo, f"{base}...{head}"), ()))
        return CommitRange(listed[-newest:], len(listed))

    def commit_changes(self, repo: str, sha: str) -> CommitChanges:
        self._call("commit_changes", repo, sha)
        return self.commit_files.get((repo, sha), CommitChanges((), True))

    def blob(self, repo: str, sha: str, *, max_bytes: int) -> bytes:
        self._call("blob", repo, sha)
        data = self.blobs[sha]
        if len(data) > max_bytes:
            raise FileTooLarge(sha, len(data))
        return data

    def pulls_for_commit(self, repo: str, sha: str) -> list[int]:
        self._call("pulls_for_commit", repo, sha)
        return [
            number for (name, number), pull in self.pulls.items() if name == repo and pull.head_sha == sha
        ]

    def file_content(self, repo: str, path: str, ref: str | None, *, max_bytes: int) -> bytes | None:
        self._call("file_content", repo, path, ref)
        data = self.files.get((repo, ref or "main"), {}).get(path)
        if data is not None and len(data) > max_bytes:
            raise FileTooLarge(path, len(data))
        return data

    def create_check_run(self, repo: str, head_sha: str, *, name: str, external_id: str) -> int:
        self._call("create_check_run", repo, head_sha, name, external_id)
        for run in self.check_runs.values():
            if (run.repo, run.head_sha, run.name, run.external_id) == (repo, head_sha, name, external_id):
                return run.id
        self._next_id += 1
        self.check_runs[self._next_id] = CheckRunRecord(self._next_id, repo, head_sha, name, external_id)
        return self._next_id

    def complete_check_run(
        self, repo: str, check_run_id: int, *, conclusion: str, output: CheckRunOutput
    ) -> None:
        self._call("complete_check_run", repo, check_run_id, conclusion)
        run = self.check_runs[check_run_id]
        run.status, run.conclusion, run.output = "completed", conclusion, output
        run.completions += 1

    def note_check_run(self, repo: str, check_run_id: int, *, output: CheckRunOutput) -> None:
        self._call("note_check_run", repo, check_run_id, output.title)
        self.check_runs[check_run_id].output = output

    def own_check_runs(self, repo: str, sha: str, *, name: str) -> list[OwnCheckRun]:
        """Newest first; a run's suite is the push recorded for its commit in `suites` (0: none)."""
        self._call("own_check_runs", repo, sha, name)
        suite = next((n for n, push in enumerate(self.suites, 1) if push.head_sha == sha), 0)
        return [
            OwnCheckRun(
                run.id,
                run.status,
                (run.output.text or "") if run.output else "",
                suite,
                "2026-01-01T00:00:00Z",
            )
            for run in reversed(self.runs_for(sha))
            if (run.repo, run.name) == (repo, name)
        ]

    def suite_push(self, repo: str, suite_id: int) -> SuitePush:
        self._call("suite_push", repo, suite_id)
        return self.suites[suite_id - 1]

    def review_comments(self, repo: str, number: int) -> list[ReviewComment]:
        self._call("review_comments", repo, number)
        return list(self.comments.get((repo, number), []))

    def create_review(
        self, repo: str, number: int, *, commit_sha: str, body: str, comments: Sequence[DraftComment]
    ) -> None:
        self._call("create_review", repo, number, commit_sha, body, tuple(comments))
        self.reviews.append(PostedReview(repo, number, commit_sha, body, tuple(comments)))
        for draft in comments:
            self._next_id += 1
            posted = ReviewComment(self._next_id, draft.body, draft.path, draft.line, BOT_LOGIN)
            self.comments.setdefault((repo, number), []).append(posted)

    def update_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        self._call("update_review_comment", repo, comment_id, body)
        for thread in self.comments.values():
            for index, comment in enumerate(thread):
                if comment.id == comment_id:
                    thread[index] = ReviewComment(
                        comment.id, body, comment.path, comment.line, comment.author
                    )

    def permission(self, repo: str, username: str) -> str:
        self._call("permission", repo, username)
        return self.permissions.get((repo, username), "none")

    def add_reaction(self, repo: str, comment_id: int, content: str) -> None:
        self._call("add_reaction", repo, comment_id, content)
        self.reactions.append((repo, comment_id, content))

    def create_issue_comment(self, repo: str, number: int, body: str) -> None:
        self._call("create_issue_comment", repo, number, body)
        self.issue_comments.append((repo, number, body))

    def conversation(self, repo: str, number: int) -> list[IssueComment]:
        """Only the bot writes comments in memory; each is dated by its position."""
        self._call("conversation", repo, number)
        return [
            IssueComment(index, body, BOT_LOGIN, f"2026-01-01T00:00:{index:02d}Z")
            for index, (name, issue, body) in enumerate(self.issue_comments)
            if (name, issue) == (repo, number)
        ]

    def contents_writable(self) -> bool:
        """In memory the installation grants `contents: read` unless a test grants `contents_write`."""
        self._call("contents_writable")
        return self.contents_write

    def find_own_issue(self, repo: str, marker: str) -> Issue | None:
        self._call("find_own_issue", repo, marker)
        own = [i for (name, _), i in sorted(self.issues.items()) if name == repo and i.author == BOT_LOGIN]
        return next((issue for issue in own if marker in issue.body), None)

    def issue(self, repo: str, number: int) -> Issue | None:
        self._call("issue", repo, number)
        return self.issues.get((repo, number))

    def create_issue(self, repo: str, *, title: str, body: str, marker: str) -> Issue:
        self._call("create_issue", repo, title, body)
        self._next_id += 1
        created = Issue(self._next_id, body, "open", BOT_LOGIN)
        self.issues[(repo, created.number)] = created
        return created

    def update_issue(
        self, repo: str, number: int, *, body: str | None = None, state: str | None = None
    ) -> None:
        self._call("update_issue", repo, number, body, state)
        old = self.issues[(repo, number)]
        self.issues[(repo, number)] = Issue(
            number, old.body if body is None else body, state or old.state, old.author
        )


@dataclass
class FakeGateways:
    """`GatewayFactory` over one `FakeGitHub`, remembering which installations were asked for."""

    github: FakeGitHub
    installations: list[int] = field(default_factory=list)

    def for_installation(self, installation_id: int) -> GitHubGateway:
        self.installations.append(installation_id)
        return self.github


def _changed(path: str, data: bytes | None, patch: str | None) -> ChangedFile:
    if data is None:
        return ChangedFile(path, "removed")
    return ChangedFile(path, "added", patch=patch if patch is not None else added_patch(data))


def added_patch(data: bytes) -> str:
    """The unified-diff hunk GitHub shows for a new file: every line added."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    return "\n".join([f"@@ -0,0 +1,{len(lines)} @@", *(f"+{line}" for line in lines)])


@pytest.fixture
def fake_github() -> FakeGitHub:
    return FakeGitHub()


@pytest.fixture
def fake_gateways(fake_github: FakeGitHub) -> Iterator[FakeGateways]:
    yield FakeGateways(fake_github)


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll until `condition()` holds; a bound for background work, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(autouse=True, scope="session")
def private_config_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`secrets-bot scan` keeps its fingerprint key in the user's config dir: in tests, never the real one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))
        patch.delenv("SECRETS_BOT_FINGERPRINT_KEY", raising=False)
        yield
