"""`/overview`: thin routes over the findings store, for people signed in with GitHub.

Each request: the signed session (`sessions`), then the person's repositories as GitHub lists them for their
token (`access`, cached a minute), then the store's findings of exactly those repositories. A repository
named in a URL that the person cannot access is answered like one that does not exist (404). Nothing slow
runs here: store reads go to a thread, a fix pull request is a job on the queue.
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.events.request import ScanRequest, Trigger
from bot.github.manifest_flow import web_url_for
from bot.github.user_access import AccessUnknown, TokenRejected, UserApi
from bot.github.user_oauth import OAuthApp, SignInError
from bot.jobs.queue import JobQueue
from bot.settings import Settings
from bot.store import FindingsStore, RepositoryDetails, StoredFinding, open_store
from bot.web.overview import export, pages, query
from bot.web.overview.access import Access, AccessCache
from bot.web.overview.sessions import COOKIE, Session, Sessions
from bot.web.overview.summary import summarise
from bot.web.responses import html_response, read_form
from bot.web.setup import public_base_url

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/overview/callback"


@dataclass
class OverviewState:
    """Per app: the access cache and the store, opened on first use (its migrations run once)."""

    access: AccessCache = field(default_factory=AccessCache)
    store: FindingsStore | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open_store(self, settings: Settings) -> FindingsStore:
        with self.lock:
            if self.store is None:
                self.store = open_store(settings.database_url)
            return self.store


def register(app: FastAPI, state: OverviewState | None = None) -> None:
    """Add the overview's routes (never called with OVERVIEW=off: every /overview URL is then a 404)."""
    app.state.overview = state or OverviewState()
    app.add_api_route("/overview", overview, methods=["GET"], include_in_schema=False)
    app.add_api_route("/overview/login", login, methods=["GET"], include_in_schema=False)
    app.add_api_route(CALLBACK_PATH, callback, methods=["GET"], include_in_schema=False)
    app.add_api_route("/overview/logout", logout, methods=["POST"], include_in_schema=False)
    app.add_api_route("/overview/export.csv", export_csv, methods=["GET"], include_in_schema=False)
    app.add_api_route("/overview/export.sarif", export_sarif, methods=["GET"], include_in_schema=False)
    app.add_api_route("/overview/fix", fix, methods=["POST"], include_in_schema=False)
    app.add_api_route("/overview/overview.css", stylesheet, methods=["GET"], include_in_schema=False)


class _Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _web_url(settings: Settings) -> str:
    return settings.github_url or web_url_for(settings.github_api_url)


def _sessions(request: Request) -> Sessions:
    settings = _settings(request)
    if not (settings.private_key and settings.github_client_id and settings.github_client_secret):
        message = (
            "Sign-in with GitHub is not configured: register the App on the setup page, or set "
            "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the App's client id and a client secret)."
        )
        raise _Refusal(html_response(pages.problem_page("Sign-in is not configured", message), 503))
    secure = (settings.public_url or "").startswith("https://")
    return Sessions(settings.private_key, secure=secure)


async def _signed_in(request: Request, *, fresh: bool = False) -> tuple[Sessions, Session, Access]:
    """The session and the person's access, or a `_Refusal` (the sign-in page, or an error page)."""
    sessions = _sessions(request)
    session = sessions.read(request)
    if session is None:
        response = html_response(pages.sign_in_page(), 401 if request.method == "POST" else 200)
        if request.cookies.get(COOKIE):
            sessions.end(response)
        raise _Refusal(response)
    settings = _settings(request)
    state: OverviewState = request.app.state.overview
    try:
        access = await state.access.access(
            settings.github_api_url, settings.app_id, session.token, fresh=fresh
        )
    except TokenRejected:
        state.access.forget(session.token)
        response = html_response(pages.sign_in_page(error="Your GitHub sign-in expired. Sign in again."), 401)
        sessions.end(response)
        raise _Refusal(response) from None
    except AccessUnknown as error:
        page = pages.problem_page("GitHub did not answer", str(error), login=session.login, csrf=session.csrf)
        raise _Refusal(html_response(page, 502)) from None
    return sessions, session, access


def _not_found(session: Session) -> _Refusal:
    message = "No repository of that name is visible to you through this App."
    page = pages.problem_page("Not found", message, login=session.login, csrf=session.csrf)
    return _Refusal(html_response(page, 404))


async def _selection(
    request: Request, session: Session, access: Access
) -> tuple[query.Filters, list[StoredFinding], dict[str, RepositoryDetails], list[StoredFinding]]:
    """The filters, the selected findings, what the store knows of the repositories (scanned commit,
    dashboard issue), and all visible findings."""
    try:
        filters = query.parse(request.query_params)
    except query.BadFilter as error:
        page = pages.problem_page("Check the filters", str(error), login=session.login, csrf=session.csrf)
        raise _Refusal(html_response(page, 400)) from None
    if filters.repo and filters.repo not in access.names:
        raise _not_found(session)
    state: OverviewState = request.app.state.overview
    store = await run_in_threadpool(state.open_store, _settings(request))
    chosen, details, every = await run_in_threadpool(_read, store, access.names, filters)
    return filters, chosen, details, every


def _read(
    store: FindingsStore, names: frozenset[str], filters: query.Filters
) -> tuple[list[StoredFinding], dict[str, RepositoryDetails], list[StoredFinding]]:
    """In a worker thread: the store's findings of `names` (the gate, stated twice), selected by `filters`."""
    every = [finding for finding in store.findings_in(sorted(names)) if finding.repo in names]
    details = store.repository_details(sorted(names))
    return query.select(every, filters, datetime.now(UTC)), details, every


def _scanned(details: dict[str, RepositoryDetails]) -> dict[str, str | None]:
    return {name: item.last_scanned_sha for name, item in details.items()}


async def overview(request: Request) -> Response:
    try:
        _, session, access = await _signed_in(request)
        filters, chosen, details, every = await _selection(request, session, access)
    except _Refusal as refusal:
        return refusal.response
    now = datetime.now(UTC)
    table = pages.Table(
        findings=chosen,
        filters=filters,
        repositories=access.repositories,
        platforms=sorted({finding.platform for finding in every if finding.platform}),
        rules=sorted({finding.rule for finding in every}),
        scanned=_scanned(details),
        dashboard_issues={name: item.dashboard_issue for name, item in details.items()},
        csrf=session.csrf,
        now=now,
    )
    web_url = _web_url(_settings(request))
    page = await run_in_threadpool(_render, session.login, every, access, table, web_url)
    return html_response(page)


def _render(login: str, every: list[StoredFinding], access: Access, table: pages.Table, web_url: str) -> str:
    """In a worker thread: 5,000 findings take about 0.1 s to render, which the event loop never waits for."""
    summaries = summarise(every, access.repositories, table.now)
    return pages.overview_page(login=login, summaries=summaries, table=table, web_url=web_url)


async def export_csv(request: Request) -> Response:
    return await _export(request, "csv")


async def export_sarif(request: Request) -> Response:
    return await _export(request, "sarif")


async def _export(request: Request, kind: str) -> Response:
    try:
        _, session, access = await _signed_in(request)
        _, chosen, details, _ = await _selection(request, session, access)
    except _Refusal as refusal:
        return refusal.response
    scanned = _scanned(details)
    web_url = _web_url(_settings(request))
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if kind == "csv":
        headers["Content-Disposition"] = 'attachment; filename="secrets-findings.csv"'
        text = await run_in_threadpool(export.csv_text, chosen, web_url, scanned)
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    headers["Content-Disposition"] = 'attachment; filename="secrets-findings.sarif"'
    text = await run_in_threadpool(export.sarif_text, chosen, web_url, scanned)
    return Response(text, media_type="application/sarif+json", headers=headers)


async def login(request: Request) -> Response:
    """Send the browser to GitHub with a fresh `state`, bound to this browser by a signed cookie."""
    try:
        sessions = _sessions(request)
        app = _oauth_app(request)
    except _Refusal as refusal:
        return refusal.response
    url, state = app.authorization_url()
    response = RedirectResponse(url, status_code=302)
    sessions.remember_login(response, state)
    return response


async def callback(request: Request) -> Response:
    """GitHub's redirect: the `state` must be this browser's, then the code becomes a session. The browser
    always goes on to /overview: no parameter chooses where (no open redirect)."""
    try:
        sessions = _sessions(request)
        app = _oauth_app(request)
    except _Refusal as refusal:
        return refusal.response
    expected = sessions.login_state(request)
    given = request.query_params.get("state", "")
    if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
        response = html_response(pages.sign_in_page(error=_START_AGAIN), 400)
        sessions.forget_login(response)
        return response
    settings = _settings(request)
    try:
        token = await app.exchange(_callback_url(app, request), expected)
        user = await UserApi(settings.github_api_url, token.value).user()
    except (SignInError, AccessUnknown, TokenRejected) as error:
        message = (
            str(error) if isinstance(error, SignInError | AccessUnknown) else "GitHub refused the new token."
        )
        response = html_response(pages.sign_in_page(error=message), 400)
        sessions.forget_login(response)
        return response
    logger.info("overview sign-in", extra={"login": user.login})
    done = RedirectResponse("/overview", status_code=303)
    sessions.forget_login(done)
    sessions.start(done, login=user.login, user_id=user.id, token=token.value, expires_at=token.expires_at)
    return done


async def logout(request: Request) -> Response:
    try:
        sessions = _sessions(request)
    except _Refusal as refusal:
        return refusal.response
    session = sessions.read(request)
    form = await read_form(request)
    if session is not None and not _csrf_ok(session, form):
        return html_response(pages.problem_page("Start again", _START_AGAIN), 403)
    if session is not None:
        state: OverviewState = request.app.state.overview
        state.access.forget(session.token)
    response = RedirectResponse("/overview", status_code=303)
    sessions.end(response)
    return response


async def fix(request: Request) -> Response:
    """Ask for a fix pull request, as the dashboard checkbox does: write access checked afresh with the
    person's own token here, and again with GitHub by the job (`commenter`), which may refuse it."""
    form = await read_form(request)
    try:
        _, session, _ = await _signed_in(request)
    except _Refusal as refusal:
        return refusal.response
    if not _csrf_ok(session, form):
        page = pages.problem_page("Start again", _START_AGAIN, login=session.login, csrf=session.csrf)
        return html_response(page, 403)
    try:
        _, session, access = await _signed_in(request, fresh=True)
    except _Refusal as refusal:
        return refusal.response
    repo = access.get(form.get("repo", ""))
    if repo is None:
        return _not_found(session).response
    if not repo.can_push:
        message = "Only people with write access to the repository can ask for a fix pull request."
        page = pages.problem_page("Write access needed", message, login=session.login, csrf=session.csrf)
        return html_response(page, 403)
    state: OverviewState = request.app.state.overview
    store = await run_in_threadpool(state.open_store, _settings(request))
    fingerprint = form.get("fingerprint", "")
    open_ = {finding.fingerprint for finding in await run_in_threadpool(store.open_findings, repo.full_name)}
    if fingerprint not in open_:
        message = "That finding is not open in this repository (it may have been fixed meanwhile)."
        page = pages.problem_page("Nothing to fix", message, login=session.login, csrf=session.csrf)
        return html_response(page, 404)
    details = (await run_in_threadpool(store.repository_details, [repo.full_name])).get(repo.full_name)
    delivery = f"overview-{uuid.uuid4()}"
    request_ = ScanRequest(
        installation_id=repo.installation_id,
        repo=repo.full_name,
        trigger=Trigger.FIX,
        head_sha=None,
        default_branch=(details.default_branch if details else None) or "",
        delivery_id=delivery,
        commenter=session.login,
        arguments=fingerprint,
    )
    queue: JobQueue = request.app.state.queue
    await run_in_threadpool(queue.submit, delivery, [request_])
    logger.info(
        "fix pull request asked from the overview", extra={"login": session.login, "repo": repo.full_name}
    )
    return html_response(
        pages.fix_requested_page(repo.full_name, login=session.login, csrf=session.csrf), 202
    )


async def stylesheet() -> Response:
    css = resources.files("bot.web").joinpath("static/overview.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


_START_AGAIN = "This sign-in or form has expired or was opened in another tab. Start again from the overview."


def _csrf_ok(session: Session, form: dict[str, str]) -> bool:
    return secrets.compare_digest(form.get("csrf", "").encode(), session.csrf.encode())


def _oauth_app(request: Request) -> OAuthApp:
    settings = _settings(request)
    base = public_base_url(settings, request.headers.get("host", ""))
    if base is None:
        message = (
            "Set PUBLIC_URL to the address browsers use to reach the bot (e.g. https://bot.example.com)."
        )
        raise _Refusal(html_response(pages.problem_page("Set PUBLIC_URL", message), 400))
    assert settings.github_client_id and settings.github_client_secret  # checked by _sessions
    return OAuthApp(
        _web_url(settings), settings.github_client_id, settings.github_client_secret, base + CALLBACK_PATH
    )


def _callback_url(app: OAuthApp, request: Request) -> str:
    """The redirect URI GitHub was given, with the query GitHub sent back (behind a proxy `request.url`
    may show another scheme or host)."""
    return f"{app.redirect_uri}?{request.url.query}"
