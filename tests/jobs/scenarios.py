"""Test data for job tests: manifests with fake secrets (built by concatenation) and ready-made requests."""

from __future__ import annotations

from bot.events.request import ScanRequest, Trigger

REPO = "acme/payments-api"
INSTALLATION = 42424242
HEAD = "1" * 40
NEWER = "2" * 40
BEFORE = "0" * 39 + "9"
BASE = "b" * 40
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + "Xy12"


def serverless(secret: str | None = STRIPE, *, service: str = "billing") -> bytes:
    """A Serverless Framework manifest; the secret (or a safe SSM reference) is on line 9."""
    value = secret if secret else "${ssm:/billing/stripe-secret-key}"
    return (
        f"service: {service}\n"
        "provider:\n"
        "  name: aws\n"
        "  runtime: nodejs18.x\n"
        "functions:\n"
        "  charge:\n"
        "    handler: handler.charge\n"
        "    environment:\n"
        f"      STRIPE_SECRET_KEY: {value}\n"
    ).encode()


SECRET_LINE = 9


def pull_request(head: str = HEAD, *, number: int = 7, delivery: str = "d-1") -> ScanRequest:
    return ScanRequest(
        installation_id=INSTALLATION,
        repo=REPO,
        trigger=Trigger.PULL_REQUEST,
        head_sha=head,
        default_branch="main",
        delivery_id=delivery,
        pr_number=number,
        base_ref="main",
        base_sha=BASE,
    )


def push(*, before: str | None = BEFORE, ref: str = "main", head: str = HEAD) -> ScanRequest:
    return ScanRequest(
        installation_id=INSTALLATION,
        repo=REPO,
        trigger=Trigger.PUSH,
        head_sha=head,
        default_branch="main",
        delivery_id="d-push",
        before=before,
        after=head,
        ref=ref,
        base_ref="main" if before is None else None,
    )


def check_event(trigger: Trigger, head: str = HEAD, *, ref: str | None = None) -> ScanRequest:
    """A check_suite / check_run event without a linked PR, as for a fork."""
    return ScanRequest(
        installation_id=INSTALLATION,
        repo=REPO,
        trigger=trigger,
        head_sha=head,
        default_branch="main",
        delivery_id="d-check",
        before=BEFORE if ref else None,
        after=head,
        ref=ref,
    )


def rescan(commenter: str, *, number: int = 7) -> ScanRequest:
    return ScanRequest(
        installation_id=INSTALLATION,
        repo=REPO,
        trigger=Trigger.RESCAN,
        head_sha=None,
        default_branch="main",
        delivery_id="d-comment",
        pr_number=number,
        comment_id=555,
        commenter=commenter,
    )
