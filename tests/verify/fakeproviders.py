"""Each provider's API on loopback, answering the one call the bot makes as the provider documents it.

A `FakeProvider` accepts the credentials in its `live` set (for AWS: key id -> secret, the SigV4 signature
checked with botocore) and rejects every other one the documented way (GitHub's 401 "Bad credentials",
Slack's 200 `{"ok": false, "error": "invalid_auth"}`, STS's 403 `InvalidClientTokenId`, Datadog's 403, ...).
`mode` makes it misbehave: `throttled` (429 with Retry-After), `error` (503), `slow` (answers after the
client gave up), `redirect` (302 to another server). Every request is recorded (method, path, headers).
"""

from __future__ import annotations

import base64
import contextlib
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.verify.providers import STS_BODY

SLOW_SECONDS = 1.5


@dataclass(frozen=True)
class Seen:
    method: str
    path: str = field(repr=False)  # Telegram's holds the token
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)


def _bearer(seen: Seen) -> str | None:
    header = seen.headers.get("authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None


def _basic_password(seen: Seen) -> str | None:
    header = seen.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return f"{user}:{password}"


def _aws(seen: Seen, live: dict[str, str]) -> bool:
    """The key id in the Credential scope is live and the signature is the one its secret makes."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    header = seen.headers.get("authorization", "")
    if not header.startswith("AWS4-HMAC-SHA256 Credential=") or seen.body != STS_BODY:
        return False
    key_id = header.split("Credential=", 1)[1].split("/", 1)[0]
    secret = live.get(key_id)
    if secret is None:
        return False
    stamp = seen.headers.get("x-amz-date", "")
    headers = {"Content-Type": seen.headers.get("content-type", ""), "X-Amz-Date": stamp}
    request = AWSRequest(method="POST", url="https://sts.amazonaws.com/", data=seen.body, headers=headers)
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(key_id, secret), "sts", "us-east-1")
    signature = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return header.endswith(f"Signature={signature}")


_STS_OK = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
    "<Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
    "</GetCallerIdentityResult></GetCallerIdentityResponse>"
)
_STS_REJECTED = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
    "<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid."
    "</Message></Error></ErrorResponse>"
)

Answer = tuple[int, Any]  # status, body (dict -> JSON, str -> text)


@dataclass(frozen=True)
class Api:
    method: str
    path: str  # the documented path; {token} stands for Telegram's token
    presented: Callable[[Seen], str | None]
    ok: Answer
    rejected: Answer


def _header(name: str, prefix: str = "") -> Callable[[Seen], str | None]:
    def read(seen: Seen) -> str | None:
        value = seen.headers.get(name.lower())
        return value.removeprefix(prefix) if value is not None and value.startswith(prefix) else None

    return read


APIS: dict[str, Api] = {
    "github": Api(
        "GET", "/user", _bearer, (200, {"login": "octocat"}), (401, {"message": "Bad credentials"})
    ),
    "gitlab": Api(
        "GET",
        "/api/v4/personal_access_tokens/self",
        _header("PRIVATE-TOKEN"),
        (200, {"id": 1, "name": "ci", "revoked": False, "active": True}),
        (401, {"message": "401 Unauthorized"}),
    ),
    "slack": Api(
        "POST",
        "/api/auth.test",
        _bearer,
        (200, {"ok": True, "team": "demo", "user": "bot"}),
        (200, {"ok": False, "error": "invalid_auth"}),
    ),
    "stripe": Api(
        "GET",
        "/v1/balance",
        _bearer,
        (200, {"object": "balance", "available": []}),
        (401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}),
    ),
    "sendgrid": Api(
        "GET",
        "/v3/scopes",
        _bearer,
        (200, {"scopes": ["mail.send"]}),
        (401, {"errors": [{"field": None, "message": "authorization required"}]}),
    ),
    "twilio": Api(
        "GET",
        "/2010-04-01/Accounts.json",
        _basic_password,
        (200, {"accounts": [{"sid": "AC00000000000000000000000000000000"}]}),
        (401, {"code": 20003, "message": "Authenticate", "status": 401}),
    ),
    "mailgun": Api(
        "GET",
        "/v3/domains?limit=1",
        _basic_password,
        (200, {"total_count": 0, "items": []}),
        (401, "Forbidden"),
    ),
    "npm": Api("GET", "/-/whoami", _bearer, (200, {"username": "ci"}), (401, {"error": "Unauthorized"})),
    "openai": Api(
        "GET",
        "/v1/models",
        _bearer,
        (200, {"object": "list", "data": []}),
        (401, {"error": {"code": "invalid_api_key", "message": "Incorrect API key provided"}}),
    ),
    "anthropic": Api(
        "GET",
        "/v1/models",
        _header("x-api-key"),
        (200, {"data": [], "has_more": False}),
        (401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
    ),
    "telegram": Api(
        "GET",
        "/bot{token}/getMe",
        lambda seen: seen.path.removeprefix("/bot").removesuffix("/getMe"),
        (200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "demo_bot"}}),
        (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}),
    ),
    "discord": Api(
        "GET",
        "/api/v10/users/@me",
        _header("Authorization", "Bot "),
        (200, {"id": "1", "username": "demo", "bot": True}),
        (401, {"message": "401: Unauthorized", "code": 0}),
    ),
    "datadog": Api(
        "GET",
        "/api/v1/validate",
        _header("DD-API-KEY"),
        (200, {"valid": True}),
        (403, {"errors": ["Forbidden"]}),
    ),
    "aws": Api("POST", "/", lambda seen: None, (200, _STS_OK), (403, _STS_REJECTED)),
}


@dataclass
class FakeProvider:
    name: str
    # Credentials it accepts (Twilio/Mailgun: "user:password"); AWS: key id -> secret. Never in a repr,
    # so that a failing test's output shows no credential, made up as they are.
    live: set[str] = field(default_factory=set, repr=False)
    live_aws: dict[str, str] = field(default_factory=dict, repr=False)
    mode: str = "normal"
    redirect_to: str = ""
    requests: list[Seen] = field(default_factory=list, repr=False)
    origin: str = ""

    def answer(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(seen)
        if self.mode == "slow":
            time.sleep(SLOW_SECONDS)
        if self.mode == "throttled":
            return _encode(429, {"message": "rate limited"}, {"Retry-After": "30"})
        if self.mode == "error":
            return _encode(503, {"message": "unavailable"})
        if self.mode == "redirect":
            return _encode(302, "", {"Location": self.redirect_to + seen.path})
        api = APIS[self.name]
        documented = api.path.split("{")[0]
        if seen.method != api.method or not seen.path.startswith(documented):
            return _encode(404, {"message": "Not Found"})
        accepted = _aws(seen, self.live_aws) if self.name == "aws" else api.presented(seen) in self.live
        return _encode(*(api.ok if accepted else api.rejected))


def _encode(
    status: int, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    if isinstance(body, str):
        kind = "text/xml" if body.startswith("<") else "text/plain"
        return status, {"Content-Type": kind, **(headers or {})}, body.encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


@contextmanager
def serving(fake: FakeProvider, tls: ssl.SSLContext | None = None) -> Iterator[FakeProvider]:
    """The fake on a free loopback port (`fake.origin`) for the length of the block; over TLS with `tls`."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            status, headers, payload = fake.answer(seen)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the client gave up (slow mode)
                pass

        do_GET = do_POST = _serve  # noqa: N815 (http.server dispatches on these names)

        def handle(self) -> None:
            with contextlib.suppress(ssl.SSLError, ConnectionError):  # a client that refused our certificate
                super().handle()

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a request line can hold a token (Telegram's path)."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    fake.origin = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
