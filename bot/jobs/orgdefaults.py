"""An organisation's defaults: `.github/secrets-bot.yml` (or `.yaml`) in its `.github` repository.

Read through the installation's token on that repository's default branch, fresh for every job (nothing is
cached, so a change applies to the next scan). The `.github` repository may not exist or may be outside the
installation: GitHub then answers 404 and there are no defaults. Any other failure is a problem shown in the
check run, and the scan goes on with the repository's own file and the built-in defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.configfile import CONFIG_PATHS
from bot.github.errors import GitHubRequestError
from bot.github.protocol import FileTooLarge, GitHubGateway, GitHubUnavailable, RateLimited, UnreadableAnswer

ORG_REPO = ".github"


@dataclass(frozen=True, slots=True)
class OrgDefaults:
    text: str | None  # None: the organisation has no defaults (or they could not be read)
    source: str  # "<owner>/.github" as shown in problems
    problem: str | None = None


def read_org_defaults(gateway: GitHubGateway, repo: str, max_bytes: int) -> OrgDefaults:
    """The first of `CONFIG_PATHS` that exists, as text. The `.github` repository's own scan has no defaults
    apart from its own file."""
    owner, _, name = repo.partition("/")
    source = f"{owner}/{ORG_REPO}"
    if name == ORG_REPO:
        return OrgDefaults(None, source)
    for path in CONFIG_PATHS:
        try:
            raw = gateway.file_content(source, path, None, max_bytes=max_bytes)
        except RateLimited:
            raise  # the job waits for the reset like any other call would make it
        except FileTooLarge:
            return _unread(source, path, f"over {max_bytes:,} bytes")
        except (UnreadableAnswer, GitHubUnavailable):
            return _unread(source, path, "GitHub did not answer with the file")
        except GitHubRequestError as error:
            return _unread(source, path, f"GitHub answered {error.status}")
        if raw is not None:
            try:
                return OrgDefaults(raw.decode("utf-8"), source)
            except UnicodeDecodeError:
                return _unread(source, path, "not UTF-8 text")
    return OrgDefaults(None, source)


def _unread(source: str, path: str, why: str) -> OrgDefaults:
    return OrgDefaults(
        None, source, f"{source}: {path} could not be read ({why}); organisation defaults not used"
    )
