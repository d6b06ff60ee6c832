"""GitHub's web side of the App Manifest flow, in front of the fake REST API, on one loopback origin.

Like GitHub Enterprise Server, the web pages live at `http://HOST` and the API at `http://HOST/api/v3`, which
is how the bot derives the one from the other. `POST /settings/apps/new?state=S` (or the organisation form)
takes the `manifest` field, registers a one-time code with the fake API and redirects the browser to the
manifest's `redirect_url` with `code` and `state`, as GitHub does once the user confirms. Everything under
`/api/v3` is the fake GitHub (`tests.fakegithub`), checked against GitHub's REST description as usual, and
`/login/oauth/...` is GitHub's user authorisation for the App (`tests.fakegithub.routes_oauth`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakegithub import routes_oauth
from tests.fakegithub.http import Handler, Wire
from tests.fakegithub.server import FakeGitHub

API_PREFIX = "/api/v3"
_NEW_APP = re.compile(r"/(?:organizations/(?P<org>[^/]+)/)?settings/apps/new")


@dataclass
class Registration:
    """One manifest GitHub's form received, with the account it was for."""

    manifest: dict[str, Any]
    organization: str | None
    state: str


@dataclass
class GitHubWeb:
    api: FakeGitHub  # created with base_path="/api/v3" and started
    registrations: list[Registration] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, name="github-web", daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.origin + API_PREFIX

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Wire:
        path = urlsplit(target).path
        if path.startswith(API_PREFIX + "/"):
            return self.api.handle(method, target, headers, body)
        oauth = routes_oauth.web(self.api, method, target, headers, body)
        if oauth is not None:
            return oauth
        match = _NEW_APP.fullmatch(path)
        if method == "POST" and match:
            return self._create_app(target, match.group("org"), body)
        return Wire(404, {"content-type": "text/plain"}, b"not a page of the fake GitHub")

    def _create_app(self, target: str, organization: str | None, body: bytes) -> Wire:
        form = parse_qs(body.decode("utf-8"))
        state = parse_qs(urlsplit(target).query).get("state", [""])[0]
        manifest = json.loads(form["manifest"][0])
        self.registrations.append(Registration(manifest, organization, state))
        code = secrets.token_hex(10)
        self.api.add_manifest_code(code, {**manifest, "owner": organization or "octocat"})
        location = manifest["redirect_url"] + "?" + urlencode({"code": code, "state": state})
        return Wire(302, {"location": location, "content-type": "text/plain"}, b"")
