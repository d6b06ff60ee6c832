"""GitHub's user authorisation for the App (the OAuth web flow), for the overview's "Sign in with GitHub".

authlib builds the authorisation URL, checks the `state` GitHub sends back against the one it issued, and
exchanges the code (client id and secret in the form body, as GitHub documents). The answer is a
user-to-server token: `UserToken` keeps it out of `repr`, and errors name what failed, never a code, a
token or the client secret.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oauth2.rfc6749.errors import OAuth2Error

with warnings.catch_warnings():
    # authlib now prefers the `httpx2` fork and warns when it falls back to httpx, which it still supports;
    # one HTTP client library in the bot is enough.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from bot.metrics import METRICS

AUTHORIZE_PATH = "/login/oauth/authorize"
TOKEN_PATH = "/login/oauth/access_token"  # noqa: S105 (a path, not a password)
TIMEOUT = 15.0


class SignInError(Exception):
    """The sign-in could not be completed; the message is safe to show and to log."""


@dataclass(frozen=True, slots=True)
class UserToken:
    value: str = field(repr=False)
    expires_at: float | None  # epoch seconds; None for a token GitHub issued without expiry


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The App's OAuth client and where GitHub sends the browser back."""

    web_url: str  # https://github.com, or a GitHub Enterprise Server's web origin
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str

    def _client(self, transport: httpx.AsyncBaseTransport | None) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
            timeout=TIMEOUT,
            transport=transport,
        )

    def authorization_url(self) -> tuple[str, str]:
        """(the URL to send the browser to, the `state` to keep for the callback)."""
        client = self._client(None)
        url, state = client.create_authorization_url(self.web_url.rstrip("/") + AUTHORIZE_PATH)
        return str(url), str(state)

    async def exchange(
        self, callback_url: str, state: str, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> UserToken:
        """The callback URL GitHub sent the browser to -> the user's token; `SignInError` when its `state` is
        not the one issued, GitHub refused the code, or GitHub could not be reached."""
        if not state:
            raise SignInError("the sign-in was not started here, or it expired")
        async with self._client(transport) as client:
            try:
                token = await client.fetch_token(
                    self.web_url.rstrip("/") + TOKEN_PATH, authorization_response=callback_url, state=state
                )
            except OAuth2Error as error:
                METRICS.github_call("exchange an OAuth code", "refused")
                raise SignInError(f"GitHub refused the sign-in ({error.error})") from None
            except httpx.HTTPError as error:
                METRICS.github_call("exchange an OAuth code", "transport-error")
                raise SignInError(f"GitHub could not be reached ({type(error).__name__})") from None
        METRICS.github_call("exchange an OAuth code", "200")
        value = token.get("access_token")
        if not isinstance(value, str) or not value:
            raise SignInError("GitHub's answer held no token")
        expires_in = token.get("expires_in")
        expires_at = time.time() + float(expires_in) if isinstance(expires_in, int | float) else None
        return UserToken(value, expires_at)
