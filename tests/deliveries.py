"""Signed webhook deliveries as GitHub sends them, for tests and the load benchmark that post over HTTP.

Only the fields the bot reads are filled in; the shape (nesting, types) is GitHub's.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from bot.web.signature import signature_for

STRIPE = "sk_live_" + "51Hq8sLrT2bW4kZp1MvN8sYc"


def serverless(secret: str = STRIPE, *, service: str = "billing") -> str:
    """A Serverless Framework manifest with one hard-coded secret, on line 6."""
    return (
        f"service: {service}\n"
        "provider:\n  name: aws\n  runtime: python3.12\n  environment:\n"
        f"    STRIPE_SECRET_KEY: {secret}\n"
    )


def pull_request_event(
    repo: str, number: int, *, head: str, base: str, installation: int, action: str = "opened"
) -> dict[str, Any]:
    owner = repo.split("/", 1)[0]
    repository = {
        "id": zlib.crc32(repo.encode()),
        "full_name": repo,
        "name": repo.split("/", 1)[1],
        "owner": {"login": owner, "type": "Organization"},
        "default_branch": "main",
        "private": True,
    }
    return {
        "action": action,
        "number": number,
        "pull_request": {
            "number": number,
            "state": "open",
            "draft": False,
            "head": {"ref": f"feature-{number}", "sha": head, "repo": repository},
            "base": {"ref": "main", "sha": base, "repo": repository},
            "user": {"login": "dev-alice", "type": "User"},
        },
        "repository": repository,
        "installation": {"id": installation},
        "sender": {"login": "dev-alice", "type": "User"},
    }


def signed(
    event: str, payload: dict[str, Any], *, delivery: str, secret: str
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery."""
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature_for(secret, body),
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/test",
    }
    return body, headers
