"""Each provider's one documented read-only call, on its fixed official host, and how to read its answer.

A provider here names the rules whose values it can check, the hosts it calls (an account lives on exactly
one of several regional hosts for Mailgun and Datadog: the value is active if any host accepts it, inactive
only if every host rejects it), the request, and the statuses its documentation gives for a rejected
credential. Every call identifies the caller or lists what it may read: none changes state or costs money.
Connection strings, webhook URLs and anything that names its own host are never checked: their host comes
from the repository. docs/verification.md lists every call, host and what an answer proves.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bot.core.findings import Validity

STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"


@dataclass(frozen=True, slots=True)
class Credential:
    """A value to check, with the value it only works with (an AWS key id, a Twilio API key SID)."""

    secret: str = field(repr=False)
    partner: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str  # on the provider's host: the URL is always https://{host}{path}
    headers: dict[str, str] = field(repr=False)
    body: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Provider:
    name: str  # a closed set: metric label, log field, docs heading
    rules: frozenset[str]  # the rule ids whose values it checks
    hosts: tuple[str, ...]
    call: Callable[[str, Credential], Call]  # (host, credential) -> the request
    rejected: frozenset[int] = frozenset({401})  # statuses the provider documents for a bad credential
    judge_ok: Callable[[httpx.Response], Validity] = lambda _: Validity.ACTIVE  # a 2xx answer, read
    accepts: Callable[[str], bool] = lambda _: True  # values this provider's call can check at all
    partner_rule: str | None = None  # a pair: the rule of the value that goes with `secret`
    partner_accepts: Callable[[str], bool] = lambda _: True
    also_active: frozenset[int] = frozenset()  # statuses that prove the key authenticated (no permission)

    def judge(self, response: httpx.Response) -> Validity:
        """A 2xx is read by `judge_ok`; a documented rejection is inactive; anything else tells nothing."""
        status = response.status_code
        if 200 <= status < 300:
            return self.judge_ok(response)
        if status in self.rejected:
            return Validity.INACTIVE
        if status in self.also_active:
            return Validity.ACTIVE
        return Validity.UNKNOWN


def _bearer(path: str, method: str = "GET", **extra: str) -> Callable[[str, Credential], Call]:
    return lambda _host, credential: Call(
        method, path, {"Authorization": f"Bearer {credential.secret}", **extra}
    )


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _json_flag(response: httpx.Response, key: str) -> object:
    try:
        document = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return document.get(key) if isinstance(document, dict) else None


# Slack answers 200 for every token and says in the body whether it was accepted.
_SLACK_REJECTED = frozenset(
    {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"}
)


def _slack(response: httpx.Response) -> Validity:
    if _json_flag(response, "ok") is True:
        return Validity.ACTIVE
    return Validity.INACTIVE if _json_flag(response, "error") in _SLACK_REJECTED else Validity.UNKNOWN


def _flag_true(key: str) -> Callable[[httpx.Response], Validity]:
    return lambda response: Validity.ACTIVE if _json_flag(response, key) is True else Validity.UNKNOWN


def _aws(host: str, credential: Credential) -> Call:
    """STS GetCallerIdentity, SigV4-signed by botocore (imported here: only AWS checks pay for it)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    request = AWSRequest(method="POST", url=f"https://{host}/", data=STS_BODY, headers=headers)
    SigV4Auth(Credentials(credential.partner, credential.secret), "sts", "us-east-1").add_auth(request)
    return Call("POST", "/", dict(request.headers.items()), STS_BODY)


def _twilio(_host: str, credential: Credential) -> Call:
    # An API key SID (SK...) with its secret: Twilio's own "proof request" lists the key's account.
    auth = _basic(credential.partner, credential.secret)
    return Call("GET", "/2010-04-01/Accounts.json", {"Authorization": auth})


def _mailgun(_host: str, credential: Credential) -> Call:
    return Call("GET", "/v3/domains?limit=1", {"Authorization": _basic("api", credential.secret)})


def _telegram(_host: str, credential: Credential) -> Call:
    return Call("GET", f"/bot{credential.secret}/getMe", {})


_DATADOG_API_KEY = re.compile(
    r"[0-9a-f]{32}"
)  # the 40-digit values are application keys: not checkable alone

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "aws",
        frozenset({"aws-secret-access-key"}),
        ("sts.amazonaws.com",),
        _aws,
        rejected=frozenset({403}),  # InvalidClientTokenId, SignatureDoesNotMatch
        partner_rule="aws-access-key-id",
        partner_accepts=lambda key_id: key_id.startswith("AKIA"),  # ASIA keys need their session token
    ),
    Provider(
        "github",
        frozenset({"github-pat", "github-fine-grained-pat", "github-oauth-token", "github-app-token"}),
        ("api.github.com",),
        _bearer("/user", **{"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}),
    ),
    Provider(
        "gitlab",
        frozenset({"gitlab-pat"}),
        ("gitlab.com",),
        lambda _h, c: Call("GET", "/api/v4/personal_access_tokens/self", {"PRIVATE-TOKEN": c.secret}),
    ),
    Provider(
        "slack",
        frozenset({"slack-token"}),
        ("slack.com",),
        _bearer("/api/auth.test", "POST"),
        rejected=frozenset(),
        judge_ok=_slack,
    ),
    Provider(
        "stripe",
        frozenset({"stripe-secret-key", "stripe-restricted-key"}),
        ("api.stripe.com",),
        _bearer("/v1/balance"),
        also_active=frozenset({403}),  # a restricted key without the balance permission: it authenticated
    ),
    Provider("sendgrid", frozenset({"sendgrid-api-key"}), ("api.sendgrid.com",), _bearer("/v3/scopes")),
    Provider(
        "twilio",
        frozenset({"twilio-auth-token"}),
        ("api.twilio.com",),
        _twilio,
        partner_rule="twilio-api-key",
    ),
    Provider("mailgun", frozenset({"mailgun-api-key"}), ("api.mailgun.net", "api.eu.mailgun.net"), _mailgun),
    Provider("npm", frozenset({"npm-token"}), ("registry.npmjs.org",), _bearer("/-/whoami")),
    Provider("openai", frozenset({"openai-api-key"}), ("api.openai.com",), _bearer("/v1/models")),
    Provider(
        "anthropic",
        frozenset({"anthropic-api-key"}),
        ("api.anthropic.com",),
        lambda _h, c: Call("GET", "/v1/models", {"x-api-key": c.secret, "anthropic-version": "2023-06-01"}),
        accepts=lambda value: value.startswith("sk-ant-api"),  # admin keys and session ids use other calls
    ),
    Provider(
        "telegram",
        frozenset({"telegram-bot-token"}),
        ("api.telegram.org",),
        _telegram,
        judge_ok=_flag_true("ok"),
    ),
    Provider(
        "discord",
        frozenset({"discord-bot-token"}),
        ("discord.com",),
        lambda _h, c: Call("GET", "/api/v10/users/@me", {"Authorization": f"Bot {c.secret}"}),
    ),
    Provider(
        "datadog",
        frozenset({"datadog-api-key"}),
        (
            "api.datadoghq.com",
            "api.datadoghq.eu",
            "api.us3.datadoghq.com",
            "api.us5.datadoghq.com",
            "api.ap1.datadoghq.com",
            "api.ap2.datadoghq.com",
            "api.ddog-gov.com",
        ),
        lambda _h, c: Call("GET", "/api/v1/validate", {"DD-API-KEY": c.secret}),
        rejected=frozenset({403}),
        judge_ok=_flag_true("valid"),
        accepts=lambda value: _DATADOG_API_KEY.fullmatch(value) is not None,
    ),
)

BY_RULE: dict[str, Provider] = {rule: provider for provider in PROVIDERS for rule in provider.rules}
PARTNER_RULES: frozenset[str] = frozenset(p.partner_rule for p in PROVIDERS if p.partner_rule is not None)
ALL_HOSTS: tuple[str, ...] = tuple(host for provider in PROVIDERS for host in provider.hosts)


def provider_for(rule: str, value: str) -> Provider | None:
    """The provider that can check this rule's value, or None (most rules: no read-only call exists)."""
    provider = BY_RULE.get(rule)
    return provider if provider is not None and provider.accepts(value) else None
