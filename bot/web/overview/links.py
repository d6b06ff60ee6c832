"""Links to GitHub for a stored finding: the line at the scanned commit, the dashboard issue, the fix pull
request. Every part taken from the store is percent-encoded; the page escapes the whole URL again."""

from __future__ import annotations

from urllib.parse import quote

from bot.store import FindingState, StoredFinding

DASHBOARD_TITLE = "Serverless secrets dashboard"


def line_url(web_url: str, finding: StoredFinding, scanned_sha: str | None) -> str:
    """The line at the newest scanned commit while the finding is open there, else where it was first seen."""
    current = finding.state is not FindingState.FIXED and scanned_sha
    sha = scanned_sha if current else finding.first_seen_sha
    where = f"{quote(sha or '', safe='')}/{quote(finding.path)}#L{finding.line}"
    return f"{_repo_url(web_url, finding.repo)}/blob/{where}"


def dashboard_url(web_url: str, repo: str, issue: int | None) -> str:
    """The repository's dashboard issue itself when the store knows its number, else a search for its title
    (a store older than the number, or an issue not opened yet)."""
    if issue is not None:
        return f"{_repo_url(web_url, repo)}/issues/{issue}"
    search = quote(f'is:issue in:title "{DASHBOARD_TITLE}"', safe="")
    return f"{_repo_url(web_url, repo)}/issues?q={search}"


def pull_url(web_url: str, repo: str, number: int) -> str:
    return f"{_repo_url(web_url, repo)}/pull/{number}"


def _repo_url(web_url: str, repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"{web_url.rstrip('/')}/{quote(owner, safe='')}/{quote(name, safe='')}"
