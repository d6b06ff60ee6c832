"""What a route handler receives and returns, and GitHub's error answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakegithub.server import FakeGitHub
    from tests.fakegithub.state import Installation, Repository, User


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": "https://docs.github.com/rest"}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"
    page_key: str | None = None  # paginate json[page_key] (or json itself when it is a list)
    paginate: bool = False
    render: Callable[[Any], Any] | None = None  # applied to the items of the page only (big lists stay cheap)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    fake: FakeGitHub
    method: str
    params: dict[str, str]
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: Any
    installation: Installation | None = None
    user: str | None = None  # the login behind a user-to-server token (`routes_oauth`)

    @property
    def api(self) -> str:
        return self.fake.url

    @property
    def now(self) -> float:
        return self.fake.clock()

    @property
    def actor(self) -> User:
        return self.fake.world.add_user(self.fake.bot_login, bot=True)

    def repo(self) -> Repository:
        found = self.fake.world.repos.get(f"{self.params['owner']}/{self.params['repo']}")
        if found is None:
            raise not_found()
        return found

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    def owner_of(self, repo: Repository) -> User:
        return self.fake.world.add_user(repo.full_name.split("/", 1)[0])
