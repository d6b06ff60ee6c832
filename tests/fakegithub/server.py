"""A fake GitHub REST API on 127.0.0.1: real HTTP, GitHub's status codes, headers, pagination and faults.

Every request is matched against the trimmed official REST description (`spec.py`); anything it does not
allow is recorded in `violations`, which the pytest plugin turns into a failure. Tests arrange state through
`world` (see `state.py`) and inject faults through `fail`, `reset_connection`, `truncate`, `delay` and
`exhaust_rate_limit`.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests import canaries
from tests.fakegithub import routes, routes_oauth
from tests.fakegithub.appauth import AppKeys, JwtRejected, Token, generate_keys, verify_app_jwt
from tests.fakegithub.call import ApiError, Call, Reply
from tests.fakegithub.faults import Fault, FaultKind, FaultPlan
from tests.fakegithub.http import Handler, Wire
from tests.fakegithub.records import RateLimit, RecordedRequest
from tests.fakegithub.spec import Match, load_spec
from tests.fakegithub.state import Installation, Repository, World

SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach "
    "out to GitHub Support for help, please include the request ID."
)


@dataclass
class FakeGitHub:
    base_path: str = ""  # "/api/v3" for GitHub Enterprise Server
    clock: Callable[[], float] = time.time
    app_id: int = 4242
    app_slug: str = "secrets-bot"
    tree_limit: int = 100_000  # entries in a recursive tree listing before GitHub sets `truncated`
    webhook_secret: str = "fake-webhook-secret"
    keys: AppKeys = field(default_factory=generate_keys)
    permissions: dict[str, str] = field(
        default_factory=lambda: {
            "checks": "write",
            "contents": "read",
            "pull_requests": "write",
            "issues": "write",
        }
    )
    world: World = field(default_factory=World)
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: list[RecordedRequest] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    tokens: dict[str, Token] = field(default_factory=dict)
    manifest_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    oauth: routes_oauth.OAuthWorld = field(default_factory=routes_oauth.OAuthWorld)

    def __post_init__(self) -> None:
        canaries.register(self.keys.private_pem, self.webhook_secret)
        self.spec = load_spec()
        self.rate = RateLimit(reset=self.clock() + 3600)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._record_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-github", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """The API base URL to give the client (`GITHUB_API_URL`)."""
        return self.origin + self.base_path

    @property
    def bot_login(self) -> str:
        return f"{self.app_slug}[bot]"

    # -- arranging -------------------------------------------------------------------------------------
    def add_repo(self, full_name: str, **options: Any) -> Repository:
        return self.world.add_repo(full_name, **options)

    def add_installation(self, installation_id: int = 1, repos: set[str] | None = None) -> Installation:
        installation = Installation(installation_id, self.app_id, repos)
        self.world.installations[installation_id] = installation
        return installation

    def add_manifest_code(self, code: str, manifest: dict[str, Any] | None = None) -> None:
        self.manifest_codes[code] = manifest or {}

    def expire_tokens(self) -> None:
        """Every issued token now answers 401, as after a revocation or a clock jump."""
        with self.world.lock:
            for token in self.tokens.values():
                token.expires_at = self.clock() - 1

    # -- faults ----------------------------------------------------------------------------------------
    def fail(self, method: str | None, route: str | None, status: int = 502, **options: Any) -> Fault:
        return self.faults.add(Fault(FaultKind.STATUS, method, route, status=status, **options))

    def secondary_rate_limit(
        self, method: str | None, route: str | None, *, status: int = 403, retry_after: float | None = None
    ) -> Fault:
        return self.fail(method, route, status, retry_after=retry_after, message=SECONDARY_LIMIT_MESSAGE)

    def reset_connection(self, method: str | None, route: str | None, **options: Any) -> Fault:
        return self.faults.add(Fault(FaultKind.RESET, method, route, **options))

    def truncate(self, method: str | None, route: str | None, **options: Any) -> Fault:
        return self.faults.add(Fault(FaultKind.TRUNCATE, method, route, **options))

    def html_page(self, method: str | None, route: str | None, **options: Any) -> Fault:
        """A 200 with `Content-Type: text/html` and an error page for a body, instead of GitHub's answer."""
        return self.faults.add(Fault(FaultKind.HTML, method, route, **options))

    def delay(self, method: str | None, route: str | None, seconds: float, **options: Any) -> Fault:
        return self.faults.add(Fault(FaultKind.DELAY, method, route, delay=seconds, **options))

    def exhaust_rate_limit(self, *, reset_in: float) -> None:
        """The primary limit is spent until `reset_in` seconds from now (the next requests get 403)."""
        with self.world.lock:
            self.rate.remaining = 0
            self.rate.used = self.rate.limit
            self.rate.reset = self.clock() + reset_in

    # -- reading back ----------------------------------------------------------------------------------
    def calls(self, operation: str | None = None) -> list[RecordedRequest]:
        with self._record_lock:
            return [r for r in self.requests if operation is None or r.operation == operation]

    def sent_text(self) -> str:
        """Everything the client sent (paths, queries, headers other than auth, bodies), for leak checks."""
        parts = []
        for request in self.calls():
            headers = {k: v for k, v in request.headers.items() if k != "authorization"}
            parts += [request.method, request.path, json.dumps(request.query), json.dumps(headers)]
            parts.append(request.body.decode("utf-8", errors="replace"))
        return "\n".join(parts)

    # -- serving ---------------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Wire:
        unauthenticated = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        canaries.check(f"a request to the fake GitHub ({method})", f"{target} {unauthenticated} {body!r}")
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        path = (
            split.path.removeprefix(self.base_path) if split.path.startswith(self.base_path + "/") else None
        )
        match = self.spec.match(method, path) if path is not None else None
        wire = self._answer(method, path, match, query, headers, body)
        operation = match.operation.operation_id if match else None
        record = RecordedRequest(method, path or split.path, operation, query, headers, body, wire.status)
        with self._record_lock:
            self.requests.append(record)
        return wire

    def _answer(
        self,
        method: str,
        path: str | None,
        match: Match | None,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> Wire:
        if path is None or match is None:
            self._violate(
                f"{method} {path or '(outside ' + self.base_path + ')'}: no such operation in the description"
            )
            return self._error(ApiError(404, "Not Found"))
        problems = self.spec.problems(match, query, body)
        if problems:
            self._violate(f"{method} {path} ({match.operation.operation_id}): " + "; ".join(problems))
            return self._error(ApiError(422, "Invalid request.\n\n" + "; ".join(problems)))
        fault = self.faults.take(method, match.operation.template)
        if fault is not None and fault.kind is FaultKind.DELAY and not fault.after_apply:
            time.sleep(fault.delay)
        if fault is not None and not fault.after_apply and fault.kind in {FaultKind.STATUS, FaultKind.RESET}:
            return self._faulty(fault)
        wire = self._dispatch(method, match, query, headers, body)
        if fault is not None and fault.kind is FaultKind.DELAY and fault.after_apply:
            time.sleep(fault.delay)  # done, but the answer is late: the client's timeout makes it ambiguous
        if fault is not None and fault.after_apply and fault.kind in {FaultKind.STATUS, FaultKind.RESET}:
            return self._faulty(fault)
        if fault is not None and fault.kind is FaultKind.TRUNCATE:
            wire.body = wire.body[: len(wire.body) // 2]
        if fault is not None and fault.kind is FaultKind.HTML:
            page = b"<!DOCTYPE html><html><body><h1>Unicorn!</h1>password: hunter2</body></html>"
            return Wire(200, {**wire.headers, "content-type": "text/html; charset=utf-8"}, page)
        return wire

    def _dispatch(
        self, method: str, match: Match, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> Wire:
        operation = match.operation.operation_id
        handler = routes.HANDLERS.get(operation)
        if handler is None:
            self._violate(f"{method} {match.operation.template}: the fake does not implement {operation}")
            return self._error(ApiError(501, "Not implemented by the fake"))
        call = Call(
            self,
            method,
            match.params,
            {k: v[-1] for k, v in query.items()},
            headers,
            json.loads(body) if body else None,
        )
        try:
            with self.world.lock:
                self._authenticate(call, operation)
                reply = handler(call)
        except ApiError as error:
            return self._error(error)
        return self._encode(reply, match, query)

    def _authenticate(self, call: Call, operation: str) -> None:
        scheme, _, credential = call.headers.get("authorization", "").partition(" ")
        if operation in routes.NO_AUTH:
            return
        if operation in routes.USER_AUTH:
            routes_oauth.authenticate(call, scheme, credential)
            return
        if operation in routes.APP_AUTH:
            try:
                verify_app_jwt(
                    credential, app_id=self.app_id, public_pem=self.keys.public_pem, now=self.clock()
                )
            except JwtRejected as error:
                raise ApiError(401, str(error)) from None
            return
        token = self.tokens.get(credential) if scheme.lower() in {"token", "bearer"} else None
        if token is None or token.expires_at <= self.clock():
            raise ApiError(401, "Bad credentials")
        self._spend_rate_limit()
        installation = self.world.installations[token.installation_id]
        call.installation = installation
        full_name = f"{call.params.get('owner')}/{call.params.get('repo')}"
        if "repo" in call.params and installation.repos is not None and full_name not in installation.repos:
            raise ApiError(404, "Not Found")

    def _spend_rate_limit(self) -> None:
        now = self.clock()
        if now >= self.rate.reset:
            self.rate = RateLimit(reset=now + 3600)
        if self.rate.remaining <= 0:
            raise ApiError(403, "API rate limit exceeded for installation. Wait for the reset.")
        self.rate.remaining -= 1
        self.rate.used += 1

    def _encode(self, reply: Reply, match: Match, query: dict[str, list[str]]) -> Wire:
        headers = {**self.rate.headers(), **reply.headers}
        payload = reply.json
        if reply.paginate:
            payload, link = self._page(reply, match, query)
            if link:
                headers["link"] = link
        if reply.raw is not None:
            return Wire(reply.status, {**headers, "content-type": reply.content_type}, reply.raw)
        return Wire(
            reply.status, {**headers, "content-type": reply.content_type}, json.dumps(payload).encode()
        )

    def _page(self, reply: Reply, match: Match, query: dict[str, list[str]]) -> tuple[Any, str]:
        items = reply.json[reply.page_key] if reply.page_key else reply.json
        per_page = min(max(int(query.get("per_page", ["30"])[-1]), 1), 100)
        page = max(int(query.get("page", ["1"])[-1]), 1)
        last = max(math.ceil(len(items) / per_page), 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        if reply.render is not None:
            chunk = [reply.render(item) for item in chunk]
        path = match.operation.template.format(**match.params)

        def link(number: int, rel: str) -> str:
            params = {k: v[-1] for k, v in query.items()} | {"per_page": str(per_page), "page": str(number)}
            return f'<{self.url}{path}?{urlencode(params)}>; rel="{rel}"'

        links = [link(page + 1, "next"), link(last, "last")] if page < last else []
        links += [link(1, "first"), link(page - 1, "prev")] if page > 1 else []
        payload = {**reply.json, reply.page_key: chunk} if reply.page_key else chunk
        return payload, ", ".join(links)

    def _faulty(self, fault: Fault) -> Wire:
        if fault.kind is FaultKind.RESET:
            return Wire(0, {}, b"", reset=True)
        wire = self._error(ApiError(fault.status, fault.message))
        if fault.retry_after is not None:
            wire.headers["retry-after"] = str(math.ceil(fault.retry_after))
        return wire

    def _error(self, error: ApiError) -> Wire:
        headers = {**self.rate.headers(), "content-type": "application/json; charset=utf-8"}
        return Wire(error.status, headers, json.dumps(error.payload()).encode())

    def _violate(self, message: str) -> None:
        with self._record_lock:
            self.violations.append(message)
