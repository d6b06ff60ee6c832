"""In-memory GitHub: repositories with commits, pull requests, check runs, comments, users and installations.

Tests arrange the world through these objects (`repo.commit(...)`, `repo.open_pull(...)`) and read back what
the bot left there (`world.check_runs`, `world.review_comments`). The HTTP layer only translates.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from tests.fakegithub.patches import changed_files

FileTree = dict[str, bytes]


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User | Bot


@dataclass
class Commit:
    sha: str
    files: FileTree
    parent: str | None
    author: str = "dev"  # a login of the fake's world, or a bare name GitHub matched to no account
    message: str = "a change"


@dataclass
class Pull:
    number: int
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    user: str
    state: str = "open"
    draft: bool = False
    commits: list[str] = field(default_factory=list)
    title: str = ""  # "" shows as "Pull request N"
    body: str | None = None


@dataclass
class CheckRun:
    id: int
    repo: str
    head_sha: str
    name: str
    app_id: int
    external_id: str = ""
    status: str = "queued"
    conclusion: str | None = None
    started_at: str | None = None
    completed_at: str | None = None
    output: dict[str, object] = field(default_factory=dict)
    annotations: list[dict[str, object]] = field(default_factory=list)
    updates: int = 0
    check_suite_id: int = 0


@dataclass
class CheckSuite:
    """GitHub makes one per (head SHA, App); a push's suite remembers the push (`before`, branch)."""

    id: int
    repo: str
    head_sha: str
    app_id: int
    head_branch: str | None = None
    before: str | None = None


@dataclass
class ReviewComment:
    id: int
    repo: str
    pull: int
    review_id: int
    path: str
    line: int | None  # None once outdated by a later push
    original_line: int
    side: str
    body: str
    commit_id: str
    user: str
    start_line: int | None = None  # the first line of a multi-line comment


@dataclass
class Review:
    id: int
    repo: str
    pull: int
    commit_id: str
    body: str
    state: str
    user: str


@dataclass
class IssueComment:
    id: int
    repo: str
    issue: int
    body: str
    user: str


@dataclass
class Issue:
    """An issue (pull requests are listed beside them by the routes, as GitHub does)."""

    repo: str
    number: int
    title: str
    body: str
    user: str
    state: str = "open"
    state_reason: str | None = None
    edits: list[dict[str, object]] = field(default_factory=list)  # every PATCH's fields, in order


@dataclass
class Reaction:
    id: int
    comment_id: int
    content: str
    user: str


@dataclass
class Installation:
    id: int
    app_id: int
    repos: set[str] | None = None  # None: every repository


class Repository:
    def __init__(self, world: World, full_name: str, *, default_branch: str, private: bool) -> None:
        self.world = world
        self.full_name = full_name
        self.id = world.new_id()
        self.default_branch = default_branch
        self.private = private
        self.archived = False
        self.fork = False
        self.has_issues = True
        self.commits: dict[str, Commit] = {}
        self.branches: dict[str, str] = {}
        self.pulls: dict[int, Pull] = {}
        self.permissions: dict[str, str] = {}
        # Git Data API objects written through the API (`routes_git`): blobs not yet in a commit, and trees
        # by their git SHA (a commit's tree is registered when `git/get-commit` names it).
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, FileTree] = {}
        # Modes other than 100644 (100755, 120000) by path, in every commit: set by a test, or by a tree
        # written through the API with such a mode.
        self.modes: dict[str, str] = {}
        self._diffs: dict[tuple[str, str], list[dict[str, object]]] = {}
        self._numbers = itertools.count(1)

    def commit(
        self,
        branch: str,
        changes: Mapping[str, bytes | str | None],
        *,
        start: str | None = None,
        author: str = "dev",
    ) -> str:
        """Commits `changes` (None deletes a file) on `branch`; a new branch starts from `start` (default
        branch by default). Returns the SHA."""
        parent = self.branches.get(branch) or self.branches.get(start or self.default_branch)
        files = dict(self.commits[parent].files) if parent else {}
        for path, content in changes.items():
            if content is None:
                files.pop(path, None)
            else:
                files[path] = content.encode() if isinstance(content, str) else content
        sha = self._sha(parent, files)
        self.commits[sha] = Commit(sha, files, parent, author)
        self.branches[branch] = sha
        for pull in self.pulls.values():
            if pull.head_ref == branch and pull.state == "open":
                self._move_head(pull, sha)
        return sha

    def point(self, branch: str, sha: str) -> None:
        """Moves (or creates) `branch` to an existing commit, as a ref update does; open pull requests from
        it follow."""
        self.branches[branch] = sha
        for pull in self.pulls.values():
            if pull.head_ref == branch and pull.state == "open" and pull.head_sha != sha:
                self._move_head(pull, sha)

    def delete_branch(self, branch: str) -> str:
        return self.branches.pop(branch)

    def open_pull(
        self, head: str, base: str | None = None, *, user: str = "dev", draft: bool = False
    ) -> Pull:
        base = base or self.default_branch
        number = next(self._numbers)
        pull = Pull(number, head, base, self.branches[head], self.branches[base], user, draft=draft)
        pull.commits.append(pull.head_sha)
        self.pulls[number] = pull
        return pull

    def new_issue_number(self) -> int:
        return next(self._numbers)

    def files_at(self, ref: str) -> FileTree | None:
        sha = self.resolve(ref)
        return self.commits[sha].files if sha else None

    def resolve(self, ref: str) -> str | None:
        if ref in self.commits:
            return ref
        return self.branches.get(ref.removeprefix("refs/heads/"))

    def diff(self, base_sha: str, head_sha: str) -> list[dict[str, object]]:
        key = (base_sha, head_sha)
        if key not in self._diffs:
            self._diffs[key] = changed_files(self.commits[base_sha].files, self.commits[head_sha].files)
        return self._diffs[key]

    def merge_base(self, base_sha: str, head_sha: str) -> str | None:
        """The newest commit on `head_sha`'s first-parent chain that `base_sha`'s chain also holds."""
        ancestors: set[str] = set()
        sha: str | None = base_sha
        while sha is not None:
            ancestors.add(sha)
            sha = self.commits[sha].parent
        sha = head_sha
        while sha is not None and sha not in ancestors:
            sha = self.commits[sha].parent
        return sha

    def commits_between(self, base_sha: str, head_sha: str) -> list[Commit]:
        """`head_sha`'s first-parent chain back to (not including) its merge base with `base_sha`,
        oldest first: what a pull request or a comparison lists as its commits."""
        stop = self.merge_base(base_sha, head_sha)
        chain: list[Commit] = []
        sha: str | None = head_sha
        while sha is not None and sha != stop:
            chain.append(self.commits[sha])
            sha = self.commits[sha].parent
        return chain[::-1]

    def pull_files(self, pull: Pull) -> list[dict[str, object]]:
        return self.diff(pull.base_sha, pull.head_sha)

    def _move_head(self, pull: Pull, sha: str) -> None:
        pull.head_sha = sha
        pull.commits.append(sha)
        lines = {str(f["filename"]): cast(frozenset[int], f["commentable"]) for f in self.pull_files(pull)}
        for comment in self.world.review_comments.values():
            ours = comment.repo == self.full_name and comment.pull == pull.number
            shown = lines.get(comment.path, frozenset())
            first = comment.start_line or comment.line
            if ours and comment.line is not None and not {first, comment.line} <= shown:
                comment.line = None

    def _sha(self, parent: str | None, files: FileTree) -> str:
        digest = hashlib.sha1(usedforsecurity=False)
        digest.update(f"{self.full_name}\0{parent}\0{self.world.new_id()}".encode())
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + files[path])
        return digest.hexdigest()


class World:
    """All state, behind one lock: the HTTP server handles requests on many threads."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.repos: dict[str, Repository] = {}
        self.users: dict[str, User] = {}
        self.installations: dict[int, Installation] = {}
        self.check_runs: dict[int, CheckRun] = {}
        self.check_suites: dict[int, CheckSuite] = {}
        self.pushes: dict[tuple[str, str], tuple[str, str]] = {}  # (repo, after) -> (branch, before)
        self.reviews: dict[int, Review] = {}
        self.review_comments: dict[int, ReviewComment] = {}
        self.issue_comments: dict[int, IssueComment] = {}
        self.reactions: list[Reaction] = []
        self.issues: dict[tuple[str, int], Issue] = {}

    def new_id(self) -> int:
        return next(self._ids)

    def add_user(self, login: str, *, bot: bool = False) -> User:
        user = self.users.get(login) or User(login, self.new_id(), "Bot" if bot else "User")
        self.users[login] = user
        return user

    def add_repo(self, full_name: str, *, default_branch: str = "main", private: bool = True) -> Repository:
        owner = full_name.split("/", 1)[0]
        self.add_user(owner)
        repo = Repository(self, full_name, default_branch=default_branch, private=private)
        self.repos[full_name] = repo
        return repo

    def add_issue_comment(self, repo: str, issue: int, body: str, *, user: str) -> IssueComment:
        self.add_user(user, bot=user.endswith("[bot]"))
        comment = IssueComment(self.new_id(), repo, issue, body, user)
        self.issue_comments[comment.id] = comment
        return comment

    def add_issue(self, repo: str, title: str, body: str, *, user: str) -> Issue:
        self.add_user(user, bot=user.endswith("[bot]"))
        issue = Issue(repo, self.repos[repo].new_issue_number(), title, body, user)
        self.issues[(repo, issue.number)] = issue
        return issue

    def issues_in(self, repo: str) -> list[Issue]:
        return sorted((i for i in self.issues.values() if i.repo == repo), key=lambda i: i.number)

    def record_push(self, repo: str, branch: str, before: str, after: str) -> None:
        """What GitHub learns from a push: the check suites made for `after` carry its branch and `before`."""
        self.pushes[(repo, after)] = (branch, before)

    def suite_for(self, repo: str, head_sha: str, app_id: int) -> CheckSuite:
        for suite in self.check_suites.values():
            if (suite.repo, suite.head_sha, suite.app_id) == (repo, head_sha, app_id):
                return suite
        branch, before = self.pushes.get((repo, head_sha), (None, None))
        suite = CheckSuite(self.new_id(), repo, head_sha, app_id, branch, before)
        self.check_suites[suite.id] = suite
        return suite

    def runs_for(self, repo: str, head_sha: str | None = None) -> list[CheckRun]:
        return [
            run
            for run in self.check_runs.values()
            if run.repo == repo and (head_sha is None or run.head_sha == head_sha)
        ]

    def comments_on(self, repo: str, pull: int) -> list[ReviewComment]:
        return [c for c in self.review_comments.values() if c.repo == repo and c.pull == pull]
