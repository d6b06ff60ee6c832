"""An organisation's defaults: `.github/secrets-bot.yml` (or `.yaml`) in its `.github` repository.

Read through the installation's token on that repository's default branch, fresh for every job (nothing is
cached, so a change applies to the next scan). The `.github` repository may not exist or may be outside the
installation: GitHub then answers 404 and there are no defaults. Any other failure is a problem shown in the
check run, and the scan goes on with the repository's own file and the built-in defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from bot.core.configfile import CONFIG_PATHS
from bot.github.errors import GitHubRequestError
from bot.github.protocol import FileTooLarge, GitHubGateway, GitHubUnavailable, RateLimited, UnreadableAnswer

ORG_REPO = ".github"


@dataclass(frozen=True, slots=True)
class OrgDefaults:
    text: str | None  # None: the organisation has no defaults (or they could not be read)
    source: str  # "<owner>/.github" as shown in problems
    problem: str | None = None


Read = Callable[[], "bytes | Exception | None"]


def read_org_defaults(gateway: GitHubGateway, repo: str, max_bytes: int) -> OrgDefaults:
    """The first of `CONFIG_PATHS` that exists, as text. The `.github` repository's own scan has no defaults
    apart from its own file."""
    return org_defaults(repo, [read() for read in org_reads(gateway, repo, max_bytes)], max_bytes)


def org_reads(gateway: GitHubGateway, repo: str, max_bytes: int) -> list[Read]:
    """The reads `org_defaults` needs, one per path, for the caller to run (in parallel with its own:
    `bot.jobs.parallel`); each returns the file's bytes, None when absent, or the exception it met."""
    owner, _, name = repo.partition("/")
    source = f"{owner}/{ORG_REPO}"
    if name == ORG_REPO:
        return []
    return [partial(_read, gateway, source, path, max_bytes) for path in CONFIG_PATHS]


def org_defaults(repo: str, outcomes: Sequence[bytes | Exception | None], max_bytes: int) -> OrgDefaults:
    """The defaults from the outcomes of `org_reads`, taken in the order of `CONFIG_PATHS`: as if each path
    had been read only when the ones before it were absent."""
    source = f"{repo.partition('/')[0]}/{ORG_REPO}"
    for path, raw in zip(CONFIG_PATHS, outcomes, strict=False):
        if isinstance(raw, RateLimited):
            raise raw  # the job waits for the reset like any other call would make it
        if isinstance(raw, FileTooLarge):
            return _unread(source, path, f"over {max_bytes:,} bytes")
        if isinstance(raw, UnreadableAnswer | GitHubUnavailable):
            return _unread(source, path, "GitHub did not answer with the file")
        if isinstance(raw, GitHubRequestError):
            return _unread(source, path, f"GitHub answered {raw.status}")
        if isinstance(raw, Exception):
            raise raw
        if raw is not None:
            try:
                return OrgDefaults(raw.decode("utf-8"), source)
            except UnicodeDecodeError:
                return _unread(source, path, "not UTF-8 text")
    return OrgDefaults(None, source)


def _read(gateway: GitHubGateway, source: str, path: str, max_bytes: int) -> bytes | Exception | None:
    try:
        return gateway.file_content(source, path, None, max_bytes=max_bytes)
    except (RateLimited, FileTooLarge, UnreadableAnswer, GitHubUnavailable, GitHubRequestError) as error:
        return error


def _unread(source: str, path: str, why: str) -> OrgDefaults:
    return OrgDefaults(
        None, source, f"{source}: {path} could not be read ({why}); organisation defaults not used"
    )
