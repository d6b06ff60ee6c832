"""The real `GitHubGateway`: a GitHub App client for github.com or GitHub Enterprise Server (`.../api/v3`).

`GitHubAppClient` is built once per process (it holds the App key, the installation-token cache and the HTTP
connection pools) and hands out one gateway per installation. Each call costs one request in the normal case;
the retry policy (`retry.py`) decides what happens otherwise. Reads use PyGithub's objects, writes its
requester where the object API would need an extra lookup, and file content uses httpx (`content.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import httpx
from github import Github
from github.File import File

from bot.github import checks, conversation, gitdata, issues, pulls, reviews
from bot.github.auth import AppCredentials, AppIdentity, InstallationTokens
from bot.github.content import read_blob, read_file
from bot.github.errors import GitHubNotFound, GitHubRequestError
from bot.github.manifest_flow import web_url_for
from bot.github.protocol import (
    COMMIT_FILES_CAP,
    PULL_COMMITS_CAP,
    PULL_FILES_CAP,
    ChangedFile,
    CommitChanges,
    CommitFile,
    CommitInfo,
    CommitRange,
    GitHubUnavailable,
    Issue,
    IssueComment,
    OpenPull,
    OwnCheckRun,
    PullInfo,
    RateBudget,
    RepoInfo,
    ReviewComment,
    SuitePush,
    Tree,
    TreeChanges,
    UnreadableAnswer,
)
from bot.github.retry import Retrier
from bot.github.session import PER_PAGE, Session, make_github
from bot.reports.model import CheckRunOutput, DraftComment

USER_AGENT = "serverless-secrets-bot"
EMPTY_REPOSITORY = 409  # GitHub's answer to reading refs of a repository without commits


class GitHubAppClient:
    """`GatewayFactory` for one GitHub App. Thread-safe; call `close()` at shutdown."""

    def __init__(
        self,
        app_id: int,
        private_key: str,
        api_url: str = "https://api.github.com",
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        max_retries: int = 4,
        max_wait: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._sleep = sleep
        self._clock = clock
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._timeout = timeout
        self._http = httpx.Client(
            base_url=self.api_url + "/",
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"User-Agent": USER_AGENT, "X-GitHub-Api-Version": "2022-11-28"},
            transport=httpx.HTTPTransport(retries=1),  # connection attempts only, never a sent request
        )
        self.credentials = AppCredentials(app_id, private_key, clock=clock)
        self.tokens = InstallationTokens(self.credentials, self._http, self._retrier(None), clock=clock)
        self.identity = AppIdentity(self.credentials, self._http, self._retrier(None))
        self._local = threading.local()
        self._githubs: list[Github] = []
        self._lock = threading.Lock()

    def for_installation(self, installation_id: int) -> InstallationGateway:
        token = partial(self.tokens.token, installation_id)
        session = Session(
            self._github_for(installation_id, token),
            self._http,
            self._retrier(partial(self.tokens.invalidate, installation_id)),
            token=token,
            app_id=self.credentials.app_id,
            clock=self._clock,
        )
        return InstallationGateway(
            session,
            self.identity,
            web_url_for(self.api_url),
            permissions=partial(self.tokens.permissions, installation_id),
        )

    def close(self) -> None:
        with self._lock:
            for github in self._githubs:
                github.close()
            self._githubs.clear()
        self._http.close()

    def __repr__(self) -> str:
        return f"GitHubAppClient(app_id={self.credentials.app_id}, api_url={self.api_url!r})"

    def _github_for(self, installation_id: int, token: Callable[[], str]) -> Github:
        """One PyGithub client per installation and thread, reused by that thread's later jobs.

        PyGithub's requester keeps the request it is about to send on a shared connection object, so a client
        used by two threads at once can send one thread's request for the other's.
        """
        mine: dict[int, Github] = self._local.__dict__.setdefault("githubs", {})
        if installation_id not in mine:
            mine[installation_id] = make_github(
                self.api_url, token, timeout=int(self._timeout), user_agent=USER_AGENT
            )
            with self._lock:
                self._githubs.append(mine[installation_id])
        return mine[installation_id]

    def _retrier(self, on_unauthorized: Callable[[], None] | None) -> Retrier:
        return Retrier(
            sleep=self._sleep,
            clock=self._clock,
            max_retries=self._max_retries,
            max_wait=self._max_wait,
            on_unauthorized=on_unauthorized,
        )


class InstallationGateway:
    """Everything a scan needs from GitHub, for one installation (see `GitHubGateway`)."""

    def __init__(
        self,
        session: Session,
        identity: AppIdentity,
        web_url: str = "https://github.com",
        *,
        permissions: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self._session = session
        self._identity = identity
        self._web_url = web_url
        self._permissions = permissions

    def web_url(self) -> str:
        return self._web_url

    def bot_login(self) -> str:
        return self._identity.login()

    def pull_request(self, repo: str, number: int) -> PullInfo:
        def fetch() -> PullInfo:
            pull = self._session.repo(repo).get_pull(number)
            return PullInfo(
                pull.number, pull.head.sha, pull.base.sha, pull.base.ref, pull.state, bool(pull.draft)
            )

        return self._session.read("read the pull request", fetch)

    def pull_request_files(self, repo: str, number: int) -> list[ChangedFile]:
        """Page by page (each page retried on its own), up to GitHub's 3,000 files."""
        listing = self._session.repo(repo).get_pull(number).get_files()
        files: list[ChangedFile] = []
        for page in range(PULL_FILES_CAP // PER_PAGE):
            batch = self._session.read(
                "list the pull request's files", partial(_changed_page, listing.get_page, page)
            )
            files += batch
            if len(batch) < PER_PAGE:
                break
        return files

    def compare_files(self, repo: str, base: str, head: str) -> list[ChangedFile]:
        """GitHub lists at most 300 files in a comparison."""
        return self._session.read(
            "compare commits",
            lambda: [_changed(file) for file in self._session.repo(repo).compare(base, head).files],
        )

    def merge_base(self, repo: str, base: str, head: str) -> str:
        """One comparison, asked for one commit per page: only `merge_base_commit` is read."""
        answer = self._session.read(
            "find the merge base",
            lambda: self._session.request(
                "GET", f"/repos/{repo}/compare/{base}...{head}", params={"per_page": 1}
            ),
        )
        return str(answer["merge_base_commit"]["sha"])

    def repository(self, repo: str) -> RepoInfo:
        answer = self._session.read(
            "read a repository", lambda: self._session.request("GET", f"/repos/{repo}")
        )
        return RepoInfo(str(answer["default_branch"]), bool(answer.get("archived")), bool(answer.get("fork")))

    def installation_repositories(self) -> list[str]:
        """Pages of 100 until GitHub's `total_count` is reached or a page comes back short."""
        names: list[str] = []
        page = 1
        while True:
            answer = self._page("list the installation's repositories", "/installation/repositories", page)
            batch = [str(item["full_name"]) for item in answer.get("repositories", [])]
            names += batch
            if len(batch) < PER_PAGE or len(names) >= int(answer.get("total_count", 0)):
                return names
            page += 1

    def rate_budget(self) -> RateBudget | None:
        requester = self._session.github.requester
        remaining, limit = requester.rate_limiting
        if limit <= 0 or remaining < 0:
            return None
        return RateBudget(remaining, limit, float(requester.rate_limiting_resettime))

    def branch_head(self, repo: str, branch: str) -> str | None:
        """One small call (`git/get-ref`): a commit listing would bring its diff along. GitHub answers 409
        for an empty repository."""
        try:
            answer = self._session.read(
                "read a branch",
                lambda: self._session.request("GET", f"/repos/{repo}/git/ref/heads/{branch}"),
            )
        except GitHubNotFound:
            return None
        except GitHubRequestError as error:
            if error.status == EMPTY_REPOSITORY:
                return None
            raise
        return str(answer["object"]["sha"])

    def tree(self, repo: str, commit: str) -> Tree:
        blobs, complete = self._blobs(repo, commit)
        return Tree(blobs, complete)

    def tree_changes(self, repo: str, base: str, head: str) -> TreeChanges:
        """Two calls (one recursive tree per commit), paid only when a listing hit GitHub's cap."""
        base_blobs, base_whole = self._blobs(repo, base)
        head_blobs, head_whole = self._blobs(repo, head)
        changed = tuple(path for path, sha in head_blobs.items() if base_blobs.get(path) != sha)
        return TreeChanges(changed, base_whole and head_whole)

    def _blobs(self, repo: str, commit: str) -> tuple[dict[str, str], bool]:
        entries, whole = gitdata.blob_entries(self._session, repo, commit)
        return {path: sha for path, (_, sha) in entries.items()}, whole

    def pulls_for_commit(self, repo: str, sha: str) -> list[int]:
        """Open pull requests whose head is `sha` (how check events from forks find their pull request)."""
        pulls = self._session.read(
            "find pull requests for a commit",
            lambda: self._session.request(
                "GET", f"/repos/{repo}/commits/{sha}/pulls", params={"per_page": PER_PAGE}
            ),
        )
        return [
            int(p["number"])
            for p in pulls
            if p.get("state") == "open" and p.get("head", {}).get("sha") == sha
        ]

    def pull_request_commits(self, repo: str, number: int) -> CommitRange:
        """Pages of 100, oldest first, until a short page or GitHub's 250."""
        commits: list[CommitInfo] = []
        for page in range(1, PULL_COMMITS_CAP // PER_PAGE + 2):
            batch = self._page(
                "list the pull request's commits", f"/repos/{repo}/pulls/{number}/commits", page
            )
            commits += [_commit_info(item) for item in batch]
            if len(batch) < PER_PAGE:
                break
        return CommitRange(tuple(commits[:PULL_COMMITS_CAP]), len(commits))

    def compare_commits(self, repo: str, base: str, head: str, *, newest: int) -> CommitRange:
        """The first page says how many commits there are; then only the pages holding the newest."""
        path = f"/repos/{repo}/compare/{base}...{head}"
        first = self._page("list the pushed commits", path, 1)
        total = int(first.get("total_commits", 0))
        skip = max(0, total - newest)
        pages = range(skip // PER_PAGE + 1, -(-total // PER_PAGE) + 1)
        items: list[dict[str, Any]] = []
        for page in pages:
            answer = first if page == 1 else self._page("list the pushed commits", path, page)
            items += answer.get("commits", [])
        offset = skip - (pages.start - 1) * PER_PAGE
        return CommitRange(tuple(_commit_info(item) for item in items[offset:]), total)

    def _page(self, action: str, path: str, page: int) -> Any:
        params = {"per_page": PER_PAGE, "page": page}
        return self._session.read(action, lambda: self._session.request("GET", path, params=params))

    def commit_changes(self, repo: str, sha: str) -> CommitChanges:
        answer = self._session.read(
            "read a commit's changed files",
            lambda: self._session.request(
                "GET", f"/repos/{repo}/commits/{sha}", params={"per_page": COMMIT_FILES_CAP}
            ),
        )
        files = tuple(
            CommitFile(str(f["filename"]), str(f["status"]), str(f["sha"]))
            for f in answer.get("files", [])
            if f.get("sha")
        )
        return CommitChanges(files, len(answer.get("files", [])) < COMMIT_FILES_CAP)

    def blob(self, repo: str, sha: str, *, max_bytes: int) -> bytes:
        session = self._session
        try:
            data = session.read(
                "read a blob",
                lambda: read_blob(session.http, session.token(), repo, sha, max_bytes=max_bytes),
            )
        except GitHubUnavailable as error:
            if isinstance(error.__cause__, UnreadableAnswer):
                raise UnreadableAnswer(str(error.__cause__)) from error
            raise
        if data is None:
            raise UnreadableAnswer("GitHub does not have this blob")
        return data

    def file_content(self, repo: str, path: str, ref: str | None, *, max_bytes: int) -> bytes | None:
        """`UnreadableAnswer` when every attempt got something other than the file (the file is then
        reported as unreadable; GitHub being down is still `GitHubUnavailable`, retried as a job)."""
        session = self._session
        try:
            return session.read(
                "read a file",
                lambda: read_file(session.http, session.token(), repo, path, ref, max_bytes=max_bytes),
            )
        except GitHubUnavailable as error:
            if isinstance(error.__cause__, UnreadableAnswer):
                raise UnreadableAnswer(str(error.__cause__)) from error
            raise

    def create_check_run(self, repo: str, head_sha: str, *, name: str, external_id: str) -> int:
        return checks.create_run(self._session, repo, head_sha, name=name, external_id=external_id)

    def complete_check_run(
        self, repo: str, check_run_id: int, *, conclusion: str, output: CheckRunOutput
    ) -> None:
        checks.complete_run(self._session, repo, check_run_id, conclusion=conclusion, output=output)

    def note_check_run(self, repo: str, check_run_id: int, *, output: CheckRunOutput) -> None:
        checks.note_run(self._session, repo, check_run_id, output=output)

    def own_check_runs(self, repo: str, sha: str, *, name: str) -> list[OwnCheckRun]:
        return checks.own_runs(self._session, repo, sha, name)

    def suite_push(self, repo: str, suite_id: int) -> SuitePush:
        return checks.suite_push(self._session, repo, suite_id)

    def review_comments(self, repo: str, number: int) -> list[ReviewComment]:
        return reviews.review_comments(self._session, repo, number)

    def create_review(
        self, repo: str, number: int, *, commit_sha: str, body: str, comments: Sequence[DraftComment]
    ) -> None:
        reviews.create_review(
            self._session, repo, number, commit_sha=commit_sha, body=body, comments=comments
        )

    def update_review_comment(self, repo: str, comment_id: int, body: str) -> None:
        reviews.update_review_comment(self._session, repo, comment_id, body)

    def permission(self, repo: str, username: str) -> str:
        return conversation.permission(self._session, repo, username)

    def add_reaction(self, repo: str, comment_id: int, content: str) -> None:
        conversation.add_reaction(self._session, repo, comment_id, content)

    def create_issue_comment(self, repo: str, number: int, body: str) -> None:
        conversation.create_issue_comment(self._session, repo, number, body)

    def conversation(self, repo: str, number: int) -> list[IssueComment]:
        return conversation.issue_comments(self._session, repo, number)

    def contents_writable(self) -> bool:
        return self._permissions().get("contents") == "write"

    def push_files(
        self, repo: str, branch: str, *, base: str, files: Mapping[str, bytes], message: str
    ) -> str:
        current = self.branch_head(repo, branch)
        return gitdata.push_files(
            self._session, repo, branch, base=base, files=files, message=message, current=current
        )

    def open_pull_from(self, repo: str, branch: str) -> OpenPull | None:
        return pulls.find_open_pull(self._session, repo, branch)

    def create_pull(self, repo: str, *, branch: str, base: str, title: str, body: str) -> OpenPull:
        return pulls.create_pull(self._session, repo, branch=branch, base=base, title=title, body=body)

    def update_pull(self, repo: str, number: int, *, title: str, body: str) -> None:
        pulls.update_pull(self._session, repo, number, title=title, body=body)

    def find_own_issue(self, repo: str, marker: str) -> Issue | None:
        return issues.find_own(self._session, repo, self.bot_login(), marker)

    def issue(self, repo: str, number: int) -> Issue | None:
        return issues.get(self._session, repo, number)

    def create_issue(self, repo: str, *, title: str, body: str, marker: str) -> Issue:
        return issues.create(
            self._session, repo, title=title, body=body, creator=self.bot_login(), marker=marker
        )

    def update_issue(
        self, repo: str, number: int, *, body: str | None = None, state: str | None = None
    ) -> None:
        issues.update(self._session, repo, number, body=body, state=state)


def _commit_info(item: dict[str, Any]) -> CommitInfo:
    """The author's login when GitHub matched the commit to an account, else the name git recorded."""
    account = item.get("author") or {}
    name = (item.get("commit") or {}).get("author", {}).get("name") or "unknown"
    return CommitInfo(str(item["sha"]), str(account.get("login") or name))


def _changed_page(get_page: Callable[[int], list[File]], page: int) -> list[ChangedFile]:
    return [_changed(file) for file in get_page(page)]


def _changed(file: File) -> ChangedFile:
    return ChangedFile(file.filename, file.status, file.previous_filename, file.patch)
