"""What a signed-in person may see, asked of GitHub with their own user-to-server token.

A user-to-server token of this App sees exactly the installations of this App that the person can reach and,
in each, the repositories they have explicit access to (`GET /user/installations`,
`GET /user/installations/{id}/repositories`). That listing is the overview's only authority on who sees
what. A 401 means the token is expired or revoked (`TokenRejected`: sign in again); any other failure is
`AccessUnknown`, and the caller shows nothing rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.metrics import METRICS

PER_PAGE = 100
MAX_PAGES = 50  # 5,000 installations or repositories per installation: beyond, the listing is refused
TIMEOUT = 15.0
PUSH_ROLES = ("admin", "maintain", "push")


class TokenRejected(Exception):
    """GitHub answered 401: the user's token expired or was revoked."""


class AccessUnknown(Exception):
    """GitHub's answer could not be had or read; the message names the step, never the token."""


@dataclass(frozen=True, slots=True)
class GitHubUser:
    login: str
    id: int


@dataclass(frozen=True, slots=True)
class AccessibleRepository:
    full_name: str
    installation_id: int
    account: str  # the installation's account (organisation or user)
    can_push: bool  # write access: may ask for a fix pull request


class UserApi:
    """GitHub's REST API as one person (their user-to-server token, which is never logged)."""

    def __init__(
        self, api_url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._api_url = api_url.rstrip("/")
        self._token = token
        self._transport = transport

    async def user(self) -> GitHubUser:
        async with self._client() as client:
            data = await _get(client, "/user", "read the signed-in user")
        try:
            return GitHubUser(str(data["login"]), int(data["id"]))
        except (KeyError, TypeError, ValueError):
            raise AccessUnknown(
                "GitHub's answer for the signed-in user is not shaped as documented"
            ) from None

    async def repositories(
        self, app_id: int | None, installation_id: int | None = None
    ) -> list[AccessibleRepository]:
        """The repositories this person reaches through installations of App `app_id` (all of them, or only
        `installation_id`'s)."""
        async with self._client() as client:
            installations = await _pages(client, "/user/installations", "installations", "list installations")
            found: list[AccessibleRepository] = []
            for installation in installations:
                if not isinstance(installation, dict):
                    raise AccessUnknown("GitHub's installation listing is not shaped as documented")
                number = installation.get("id")
                if app_id is not None and installation.get("app_id") != app_id:
                    continue
                if not isinstance(number, int) or (installation_id is not None and number != installation_id):
                    continue
                account = str((installation.get("account") or {}).get("login", ""))
                path = f"/user/installations/{number}/repositories"
                for repo in await _pages(client, path, "repositories", "list installation repositories"):
                    found.append(_repository(repo, number, account))
        return found

    def _client(self) -> httpx.AsyncClient:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Authorization": f"Bearer {self._token}",
        }
        return httpx.AsyncClient(
            base_url=self._api_url, headers=headers, timeout=TIMEOUT, transport=self._transport
        )


def _repository(data: Any, installation_id: int, account: str) -> AccessibleRepository:
    try:
        permissions = data.get("permissions") or {}
        return AccessibleRepository(
            full_name=str(data["full_name"]),
            installation_id=installation_id,
            account=account,
            can_push=any(permissions.get(role) is True for role in PUSH_ROLES),
        )
    except (AttributeError, KeyError, TypeError):
        raise AccessUnknown("GitHub's repository listing is not shaped as documented") from None


async def _pages(client: httpx.AsyncClient, path: str, key: str, what: str) -> list[Any]:
    items: list[Any] = []
    for page in range(1, MAX_PAGES + 1):
        data = await _get(client, path, what, params={"per_page": PER_PAGE, "page": page})
        chunk = data.get(key) if isinstance(data, dict) else None
        if not isinstance(chunk, list):
            raise AccessUnknown(f"GitHub's answer to {what} is not shaped as documented")
        items += chunk
        total = data.get("total_count")
        if len(chunk) < PER_PAGE or (isinstance(total, int) and len(items) >= total):
            return items
    raise AccessUnknown(f"too many results to {what}")


async def _get(client: httpx.AsyncClient, path: str, what: str, params: dict[str, int] | None = None) -> Any:
    try:
        response = await client.get(path, params=params)
    except httpx.HTTPError as error:
        METRICS.github_call(what, "transport-error")
        raise AccessUnknown(f"GitHub could not be reached to {what} ({type(error).__name__})") from None
    METRICS.github_call(what, str(response.status_code))
    if response.status_code == 401:
        raise TokenRejected
    if response.status_code != 200:
        raise AccessUnknown(f"GitHub answered HTTP {response.status_code} to {what}")
    try:
        return response.json()
    except ValueError:
        raise AccessUnknown(f"GitHub's answer to {what} is not JSON") from None
