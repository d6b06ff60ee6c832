"""First run: register the GitHub App through GitHub's App Manifest flow, then serve it without a restart.

`GET /` offers the form while no App is configured; `POST /setup/manifest` turns the answers into a manifest
(from `app.yml`) and a form that posts it to GitHub; GitHub sends the browser back to `GET /setup/callback`
with a one-time code, which `bot.github.manifest_flow` exchanges for the App's credentials. They are saved to
`.env` (0600) and swapped into `app.state.settings`, and `on_configured` starts the workers.

Against hijacking, the form needs the one-time setup code that `serve` prints in its log at start (as Jupyter
and Grafana do): whoever can reach the port but cannot read the log cannot bind the bot to their App. It is
compared in constant time and spent by a correct use (the next code is logged then); loopback clients get no
exemption, since a reverse proxy on the same host makes every client look local. The URLs sent to GitHub come
from PUBLIC_URL, or from a loopback `Host` when PUBLIC_URL is unset, never from an arbitrary `Host` header.

Against CSRF and login-CSRF, every step carries a `state` that this process issued, that is bound to the
browser by an HttpOnly SameSite cookie, that only a correct setup code authorises and that is spent by the
callback. Once an App is configured the setup routes only redirect to the status page, so nobody can
re-register a running bot.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.dotenv import update_dotenv
from bot.fingerprint_keys import new_key
from bot.github.manifest_flow import (
    AppRegistration,
    ManifestFlowError,
    convert_code,
    is_organization_name,
    registration_url,
    web_url_for,
)
from bot.settings import Settings
from bot.web import pages
from bot.web.manifest import ManifestFileError, build_manifest, load_app_template
from bot.web.responses import html_response as _html
from bot.web.responses import read_form as _form

logger = logging.getLogger(__name__)

COOKIE = "secrets_bot_setup"
STATE_TTL = 3600.0  # GitHub's manifest codes live an hour too
MAX_PENDING = 100
MAX_CODE_CHARS = 64


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


@dataclass(frozen=True, slots=True)
class _Pending:
    issued: float
    proxy_url: str | None = None
    authorised: bool = False  # the setup code was given for this state


class SetupFlow:
    """The states this process issued, the setup code, and what to do once the App exists. Thread-safe."""

    def __init__(self, on_configured: Callable[[Settings], None] | None = None) -> None:
        self._on_configured = on_configured
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self.register_lock = threading.Lock()  # one conversion at a time: the first App wins
        self.code = _new_code()

    def spend_code(self, given: str) -> bool:
        """True once per code: a correct code is replaced by a new one, which is logged for a next try."""
        with self._lock:
            if not secrets.compare_digest(given.strip().encode(), self.code.encode()):
                return False
            self.code = _new_code()
        logger.warning("setup code used; if this setup is abandoned, the next code is %s", self.code)
        return True

    def issue(self) -> str:
        state = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired()
            if len(self._pending) >= MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
            self._pending[state] = _Pending(time.monotonic())
        return state

    def is_pending(self, state: str) -> bool:
        with self._lock:
            self._forget_expired()
            return state in self._pending

    def authorise(self, state: str, proxy_url: str | None) -> bool:
        """The setup code was given with `state`: its callback may register an App."""
        with self._lock:
            self._forget_expired()
            if state not in self._pending:
                return False
            self._pending[state] = replace(self._pending[state], proxy_url=proxy_url, authorised=True)
            return True

    def redeem(self, state: str) -> _Pending | None:
        """The authorised state, spent; None for one never authorised by the setup code."""
        with self._lock:
            self._forget_expired()
            pending = self._pending.pop(state, None)
            return pending if pending is not None and pending.authorised else None

    def configured(self, settings: Settings) -> None:
        if self._on_configured is not None:
            self._on_configured(settings)

    def _forget_expired(self) -> None:
        cutoff = time.monotonic() - STATE_TTL
        for state in [state for state, pending in self._pending.items() if pending.issued < cutoff]:
            del self._pending[state]


async def home(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if settings.is_configured and settings.app_id is not None:
        return _html(pages.status_page(app_id=settings.app_id, webhook_path=settings.webhook_path))
    try:
        template = load_app_template(settings.app_manifest)
    except ManifestFileError as error:
        return _html(pages.problem_page(title="The App manifest is missing", message=str(error)), 500)
    flow: SetupFlow = request.app.state.setup
    state = flow.issue()
    page = pages.setup_page(
        app_name=template.name,
        state=state,
        github_web=web_url_for(settings.github_api_url),
        code=request.query_params.get("code", "")[:MAX_CODE_CHARS],
    )
    response = _html(page)
    response.set_cookie(
        COOKIE,
        state,
        max_age=int(STATE_TTL),
        path="/setup",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def start(request: Request) -> Response:
    """The form's answers -> the manifest, in a form that posts it to GitHub."""
    settings: Settings = request.app.state.settings
    if settings.is_configured:
        return RedirectResponse("/", status_code=303)
    form = await _form(request)
    state = form.get("state", "")
    flow: SetupFlow = request.app.state.setup
    if not state or state != request.cookies.get(COOKIE) or not flow.is_pending(state):
        return _expired()
    base_url = public_base_url(settings, request.headers.get("host", ""))
    if base_url is None:
        return _html(pages.problem_page(title="Set PUBLIC_URL", message=_NO_PUBLIC_URL), 400)
    organization = form.get("organization", "").strip() if form.get("account") == "organization" else None
    if organization is not None and not is_organization_name(organization):
        return _html(pages.problem_page(title="Check the organisation", message=_BAD_ORG), 400)
    proxy_url = form.get("webhook_proxy_url", "").strip() or None
    if proxy_url is not None and not _is_http_url(proxy_url):
        return _html(pages.problem_page(title="Check the proxy URL", message=_BAD_PROXY), 400)
    try:
        template = load_app_template(settings.app_manifest)
    except ManifestFileError as error:
        return _html(pages.problem_page(title="The App manifest is missing", message=str(error)), 500)
    if not flow.spend_code(form.get("code", "")):
        logger.warning("setup form refused: wrong setup code")
        return _html(pages.problem_page(title="Wrong setup code", message=_BAD_CODE), 403)
    flow.authorise(state, proxy_url)
    manifest = build_manifest(
        template,
        base_url=base_url,
        webhook_url=proxy_url or base_url + settings.webhook_path,
        name=form.get("app_name", "").strip()[:34] or None,
    )
    action = registration_url(settings.github_api_url, organization=organization, state=state)
    owner = f"the organisation {organization}" if organization else "your personal account"
    page = pages.confirm_page(action=action, manifest=manifest, owner=owner)
    return _html(page, form_target=web_url_for(settings.github_api_url))


async def callback(request: Request) -> Response:
    """GitHub's redirect with the one-time code: exchange it, save the App, start serving it."""
    if request.app.state.settings.is_configured:
        return RedirectResponse("/", status_code=303)
    state = request.query_params.get("state", "")
    flow: SetupFlow = request.app.state.setup
    if not state or state != request.cookies.get(COOKIE):
        return _expired()
    pending = flow.redeem(state)
    if pending is None:
        return _expired()
    code = request.query_params.get("code", "")
    try:
        registration, saved = await run_in_threadpool(_register, request, code, pending)
    except ManifestFlowError as error:
        return _html(pages.problem_page(title="GitHub did not create the App", message=str(error)), 502)
    settings: Settings = request.app.state.settings
    page = pages.done_page(
        name=registration.name,
        app_id=registration.app_id,
        install_url=registration.install_url,
        env_file=str(settings.env_file) if saved else "(not saved: see the server log)",
        webhook_path=settings.webhook_path,
    )
    response = _html(page)
    response.delete_cookie(COOKIE, path="/setup")
    return response


def _register(request: Request, code: str, pending: _Pending) -> tuple[AppRegistration, bool]:
    """Convert, save and swap in, under one lock so that two callbacks cannot both configure the bot."""
    flow: SetupFlow = request.app.state.setup
    with flow.register_lock:
        settings: Settings = request.app.state.settings
        if settings.is_configured:
            raise ManifestFlowError("an App was configured meanwhile; this code was not used")
        registration = convert_code(settings.github_api_url, code)
        fingerprint_key = settings.fingerprint_key or new_key()
        saved = _save(settings, registration, pending.proxy_url, fingerprint_key)
        configured = replace(
            settings,
            fingerprint_key=fingerprint_key,
            app_id=registration.app_id,
            private_key=registration.private_key,
            webhook_secret=registration.webhook_secret,
            webhook_proxy_url=pending.proxy_url or settings.webhook_proxy_url,
            github_client_id=registration.client_id or settings.github_client_id,
            github_client_secret=registration.client_secret or settings.github_client_secret,
        )
        request.app.state.settings = configured
        logger.info("GitHub App registered", extra={"app_id": registration.app_id, "saved": saved})
        flow.configured(configured)
        return registration, saved


def _save(
    settings: Settings, registration: AppRegistration, proxy_url: str | None, fingerprint_key: bytes
) -> bool:
    """Write the App to `.env` (0600), with the FINGERPRINT_KEY generated for it unless one was set."""
    values = {
        "APP_ID": str(registration.app_id),
        "PRIVATE_KEY": registration.private_key,
        "WEBHOOK_SECRET": registration.webhook_secret,
    }
    if registration.client_id and registration.client_secret:
        values["GITHUB_CLIENT_ID"] = registration.client_id
        values["GITHUB_CLIENT_SECRET"] = registration.client_secret
    if settings.fingerprint_key is None:
        values["FINGERPRINT_KEY"] = fingerprint_key.hex()
    if proxy_url is not None:
        values["WEBHOOK_PROXY_URL"] = proxy_url
    try:
        update_dotenv(settings.env_file, values)
    except (OSError, ValueError) as error:
        logger.error(
            "could not save the App to %s (%s): it runs until this process stops; generate a new private key "
            "on the App's settings page and set APP_ID, PRIVATE_KEY, WEBHOOK_SECRET and FINGERPRINT_KEY "
            "in the environment",
            settings.env_file,
            type(error).__name__,
        )
        return False
    return True


async def stylesheet() -> Response:
    css = resources.files("bot.web").joinpath("static/setup.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


_BAD_ORG = "An organisation name has 1 to 39 letters, digits or single hyphens, and no hyphen at either end."
_BAD_PROXY = "The webhook proxy URL must start with https:// or http://."
_BAD_CODE = (
    "The setup code is missing or wrong. `secrets-bot serve` prints it in its log when it starts (each code "
    "works once; a used code is followed by a new one in the log)."
)
_NO_PUBLIC_URL = (
    "This page was opened under a host name the bot cannot trust. Set PUBLIC_URL to the address GitHub and "
    "your browser use to reach the bot (e.g. https://bot.example.com) and restart it, or open the page on "
    "http://localhost."
)


def public_base_url(settings: Settings, host_header: str) -> str | None:
    """Where GitHub sends webhooks and the browser back: PUBLIC_URL, else a loopback `Host`, else None."""
    if settings.public_url is not None:
        return settings.public_url
    host = host_header.strip().lower()
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        name, port = host, ""
    if name in LOOPBACK_HOSTS and (port == "" or port.isdigit()):
        return f"http://{host}"
    return None


def _new_code() -> str:
    return secrets.token_urlsafe(12)


def _expired() -> Response:
    message = "This setup form has expired or was opened in another tab. Start again from the setup page."
    return _html(pages.problem_page(title="Start again", message=message), 400)


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
