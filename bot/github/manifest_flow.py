"""GitHub's App Manifest flow, the GitHub side of the setup page: where to send the manifest, and the
exchange of the one-time code GitHub sends back for the new App's id, private key and webhook secret.

The conversion needs no credentials (the code is the credential, valid once and for an hour), so it is a plain
httpx call. The answer holds secrets: `AppRegistration` keeps them out of its `repr`, and errors name the
HTTP status, never the code or the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from bot.metrics import METRICS

_CODE = re.compile(r"[A-Za-z0-9_-]{1,100}")
_ORGANIZATION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?")


class ManifestFlowError(Exception):
    """The code could not be exchanged; the message is safe to show and to log."""


@dataclass(frozen=True, slots=True)
class AppRegistration:
    app_id: int
    slug: str
    name: str
    html_url: str  # the App's page on GitHub
    owner: str
    private_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    client_id: str | None = None  # the App's OAuth client: the overview's "Sign in with GitHub"
    client_secret: str | None = field(default=None, repr=False)

    @property
    def install_url(self) -> str:
        """Where the owner picks the repositories the App may see."""
        return f"{self.html_url.rstrip('/')}/installations/new"


def web_url_for(api_url: str) -> str:
    """GitHub's web origin for an API URL: api.github.com -> github.com, https://HOST/api/v3 -> https://HOST."""
    parts = urlsplit(api_url.rstrip("/"))
    host = parts.netloc
    path = parts.path
    if path.endswith("/api/v3"):
        path = path.removesuffix("/api/v3")
    elif host.startswith("api."):
        host = host.removeprefix("api.")
    return urlunsplit((parts.scheme, host, path, "", ""))


def is_organization_name(name: str) -> bool:
    return bool(_ORGANIZATION.fullmatch(name))


def registration_url(api_url: str, *, organization: str | None, state: str) -> str:
    """The form target that shows GitHub's "Create GitHub App" page for a personal account or an org."""
    base = web_url_for(api_url)
    if organization is not None:
        if not is_organization_name(organization):
            raise ValueError("not a GitHub organisation name")
        base += f"/organizations/{organization}"
    return f"{base}/settings/apps/new?state={quote(state, safe='')}"


def convert_code(api_url: str, code: str, *, transport: httpx.BaseTransport | None = None) -> AppRegistration:
    """`POST /app-manifests/{code}/conversions`: the new App's credentials, or `ManifestFlowError`."""
    if not _CODE.fullmatch(code):
        raise ManifestFlowError("the code GitHub sent back is malformed")
    url = f"{api_url.rstrip('/')}/app-manifests/{code}/conversions"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    try:
        with httpx.Client(timeout=20.0, transport=transport) as client:
            response = client.post(url, headers=headers)
    except httpx.HTTPError as error:
        METRICS.github_call("convert the App manifest", "transport-error")
        raise ManifestFlowError(f"GitHub could not be reached ({type(error).__name__})") from None
    METRICS.github_call("convert the App manifest", str(response.status_code))
    if response.status_code != 201:
        raise ManifestFlowError(
            f"GitHub refused the code (HTTP {response.status_code}); codes are valid once, for one hour"
        )
    return _registration(response)


def _registration(response: httpx.Response) -> AppRegistration:
    try:
        data = response.json()
        owner = data.get("owner") or {}
        return AppRegistration(
            app_id=int(data["id"]),
            slug=_text(data, "slug"),
            name=str(data.get("name") or data["slug"]),
            html_url=_text(data, "html_url"),
            owner=str(owner.get("login", "")),
            private_key=_text(data, "pem"),
            webhook_secret=_text(data, "webhook_secret"),
            client_id=_optional_text(data, "client_id"),
            client_secret=_optional_text(data, "client_secret"),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ManifestFlowError("GitHub's answer to the conversion is not shaped as documented") from None


def _optional_text(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _text(data: dict[str, object], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(key)
    return value
