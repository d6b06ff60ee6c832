"""GitHub's user authorisation for an App (the OAuth web flow) and the API a user-to-server token reaches.

Web side (served by `tests.web.githubweb.GitHubWeb` at `/login/oauth/...`, as GitHub serves it on its web
host): `GET /login/oauth/authorize` shows a sign-in form in place of GitHub's login and consent screens;
posting it issues a one-time code (10 minutes) and redirects to `redirect_uri` with `code` and `state`.
`POST /login/oauth/access_token` checks the client id and secret (form body) and the code (once, bound to
its `redirect_uri`) and answers a user token that expires after 8 hours, like GitHub's expiring user tokens.

API side: `GET /user`, `GET /user/installations` (the App's installations where the user can reach a
repository) and `GET /user/installations/{id}/repositories` (the repositories there the user has explicit
access to, with `permissions`). A user's access is `Repository.permissions[login]`; the owner of a
repository is its admin.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests import canaries
from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.http import Wire

CODE_LIFETIME = 600.0
USER_TOKEN_LIFETIME = 8 * 3600.0
ROLES = {"admin": 5, "maintain": 4, "write": 3, "triage": 2, "read": 1}


@dataclass
class UserToken:
    value: str
    login: str
    expires_at: float


@dataclass
class OAuthWorld:
    """The App's OAuth client, the codes and user tokens issued, and what the authorisation page saw."""

    client_id: str = "Iv1.fakeclientid"
    client_secret: str = field(default_factory=lambda: "fake-client-secret-" + secrets.token_hex(8))
    callback_prefix: str | None = None  # the App's callback URL: a redirect_uri must start with it
    codes: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # code -> (login, uri, expiry)
    tokens: dict[str, UserToken] = field(default_factory=dict)
    redirect_uris: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        canaries.register(self.client_secret)

    def issue_token(self, login: str, now: float) -> UserToken:
        token = UserToken("ghu_" + secrets.token_hex(18), login, now + USER_TOKEN_LIFETIME)
        self.tokens[token.value] = token
        canaries.register(token.value)
        return token


# -- the web host ---------------------------------------------------------------------------------------


def web(fake: Any, method: str, target: str, headers: dict[str, str], body: bytes) -> Wire | None:
    """The answer to a `/login/oauth/...` page, or None for another path."""
    split = urlsplit(target)
    if split.path == "/login/oauth/authorize" and method == "GET":
        return _authorize_page(fake.oauth, _single(parse_qs(split.query)))
    if split.path == "/login/oauth/authorize" and method == "POST":
        return _authorize(fake, _single(parse_qs(body.decode())))
    if split.path == "/login/oauth/access_token" and method == "POST":
        return _access_token(fake, _single(parse_qs(body.decode())))
    return None


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {key: items[-1] for key, items in values.items()}


def _html(status: int, text: str) -> Wire:
    return Wire(status, {"content-type": "text/html; charset=utf-8"}, text.encode())


def _authorize_page(oauth: OAuthWorld, query: dict[str, str]) -> Wire:
    if query.get("client_id") != oauth.client_id:
        return _html(404, "<h1>Not Found</h1>")
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(query.get(name, ""))}">'
        for name in ("client_id", "redirect_uri", "state")
    )
    page = f"""<!doctype html><html lang="en"><head><title>Sign in to GitHub</title></head><body>
<h1>Authorize the App</h1>
<form method="post" action="/login/oauth/authorize">{hidden}
<label for="login">Username</label> <input id="login" name="login" autocomplete="username">
<button type="submit">Authorize</button></form></body></html>"""
    return _html(200, page)


def _authorize(fake: Any, form: dict[str, str]) -> Wire:
    oauth: OAuthWorld = fake.oauth
    uri = form.get("redirect_uri", "")
    if form.get("client_id") != oauth.client_id or not uri:
        return _html(400, "<h1>Bad request</h1>")
    if oauth.callback_prefix is not None and not uri.startswith(oauth.callback_prefix):
        return _html(400, "<h1>The redirect_uri is not associated with this application.</h1>")
    with fake.world.lock:
        fake.world.add_user(form.get("login", ""))
    oauth.redirect_uris.append(uri)
    code = secrets.token_hex(10)
    oauth.codes[code] = (form.get("login", ""), uri, fake.clock() + CODE_LIFETIME)
    location = uri + "?" + urlencode({"code": code, "state": form.get("state", "")})
    return Wire(302, {"location": location, "content-type": "text/plain"}, b"")


def _access_token(fake: Any, form: dict[str, str]) -> Wire:
    """GitHub answers errors with 200 and an `error` field, as documented for this endpoint."""
    oauth: OAuthWorld = fake.oauth
    if form.get("client_id") != oauth.client_id or form.get("client_secret") != oauth.client_secret:
        return _json({"error": "incorrect_client_credentials"})
    issued = oauth.codes.pop(form.get("code", ""), None)
    if issued is None or issued[2] <= fake.clock():
        return _json({"error": "bad_verification_code"})
    login, uri, _ = issued
    if form.get("redirect_uri") not in (None, uri):
        return _json({"error": "redirect_uri_mismatch"})
    token = oauth.issue_token(login, fake.clock())
    return _json(
        {
            "access_token": token.value,
            "expires_in": int(USER_TOKEN_LIFETIME),
            "refresh_token": "ghr_" + secrets.token_hex(30),
            "refresh_token_expires_in": 15_811_200,
            "token_type": "bearer",
            "scope": "",
        }
    )


def _json(data: dict[str, Any]) -> Wire:
    return Wire(200, {"content-type": "application/json; charset=utf-8"}, json.dumps(data).encode())


# -- the API, with a user-to-server token -------------------------------------------------------------------


def role(call: Call, full_name: str, login: str) -> str | None:
    repo = call.fake.world.repos[full_name]
    if full_name.split("/", 1)[0] == login:
        return "admin"
    return repo.permissions.get(login) if repo.permissions.get(login) in ROLES else None


def _installation_repos(call: Call, installation: Any) -> list[str]:
    names = call.fake.world.repos if installation.repos is None else installation.repos
    return sorted(name for name in names if name in call.fake.world.repos)


def _visible(call: Call, installation: Any) -> list[str]:
    assert call.user is not None
    return [name for name in _installation_repos(call, installation) if role(call, name, call.user)]


def get_authenticated_user(call: Call) -> Reply:
    assert call.user is not None
    return Reply(json=shapes.user(call.api, call.fake.world.add_user(call.user)))


def list_installations(call: Call) -> Reply:
    fake = call.fake
    items = [
        installation
        for installation in fake.world.installations.values()
        if installation.app_id == fake.app_id and _visible(call, installation)
    ]
    return Reply(
        json={"total_count": len(items), "installations": items},
        paginate=True,
        page_key="installations",
        render=lambda installation: _installation(call, installation),
    )


def list_installation_repos(call: Call) -> Reply:
    installation = call.fake.world.installations.get(call.int_param("installation_id"))
    if installation is None or installation.app_id != call.fake.app_id or not _visible(call, installation):
        raise not_found()
    names = _visible(call, installation)
    return Reply(
        json={"total_count": len(names), "repositories": names},
        paginate=True,
        page_key="repositories",
        render=lambda name: _repository(call, name),
    )


def _installation(call: Call, installation: Any) -> dict[str, Any]:
    account = _installation_repos(call, installation)[0].split("/", 1)[0]
    return {
        "id": installation.id,
        "app_id": installation.app_id,
        "app_slug": call.fake.app_slug,
        "target_type": "Organization",
        "account": shapes.user(call.api, call.fake.world.add_user(account)),
        "repository_selection": "all" if installation.repos is None else "selected",
        "permissions": dict(call.fake.permissions),
    }


def _repository(call: Call, name: str) -> dict[str, Any]:
    assert call.user is not None
    repo = call.fake.world.repos[name]
    level = ROLES[role(call, name, call.user) or "read"]
    data = shapes.repository(call.api, repo, call.owner_of(repo))
    data["permissions"] = {
        "admin": level >= ROLES["admin"],
        "maintain": level >= ROLES["maintain"],
        "push": level >= ROLES["write"],
        "triage": level >= ROLES["triage"],
        "pull": True,
    }
    return data


def authenticate(call: Call, scheme: str, credential: str) -> None:
    """A user-to-server token, unexpired; installation tokens and JWTs are refused like GitHub does."""
    token = call.fake.oauth.tokens.get(credential) if scheme.lower() in {"token", "bearer"} else None
    if token is None or token.expires_at <= call.now:
        raise ApiError(401, "Bad credentials")
    call.user = token.login
