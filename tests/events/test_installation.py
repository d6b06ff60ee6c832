"""`installation` and `installation_repositories`: baseline scans for added repositories, forgetting removed
ones; payloads in tests/events/payloads/installation*.json."""

from __future__ import annotations

import pytest

from bot.events import MalformedPayload, ScanRequest, Trigger, route
from tests.events.test_router import load

INSTALLATION = 42424242


def _expected(repo: str, trigger: Trigger, delivery: str) -> ScanRequest:
    return ScanRequest(
        installation_id=INSTALLATION,
        repo=repo,
        trigger=trigger,
        head_sha=None,
        default_branch="",
        delivery_id=delivery,
    )


def test_installing_on_selected_repositories_asks_for_a_baseline_scan_of_each() -> None:
    requests = route("installation", load("installation.created"), delivery_id="d-9")
    assert requests == [
        _expected(f"acme/{name}", Trigger.BASELINE, "d-9")
        for name in ("payments-api", "billing-worker", "public-docs")
    ]


def test_installing_on_all_repositories_also_lists_them_from_github() -> None:
    """GitHub may cut the payload's list short for a large organisation: the listing comes first."""
    payload = load("installation.created")
    payload["installation"]["repository_selection"] = "all"
    requests = route("installation", payload, delivery_id="d-9")
    assert requests[0] == _expected("acme", Trigger.DISCOVER, "d-9")
    assert [request.repo for request in requests[1:]] == [
        "acme/payments-api",
        "acme/billing-worker",
        "acme/public-docs",
    ]


def test_an_installation_without_a_repository_list_is_listed_from_github() -> None:
    payload = load("installation.created")
    del payload["repositories"]
    assert route("installation", payload, delivery_id="d-8") == [_expected("acme", Trigger.DISCOVER, "d-8")]


@pytest.mark.parametrize("listed", [True, False])
def test_accepted_permissions_list_the_repositories_from_github(listed: bool) -> None:
    payload = load("installation.created")
    payload["action"] = "new_permissions_accepted"
    if not listed:
        del payload["repositories"]
    assert route("installation", payload, delivery_id="d-7") == [_expected("acme", Trigger.DISCOVER, "d-7")]


def test_a_listing_for_an_account_without_a_login_names_the_installation() -> None:
    payload = load("installation.created")
    payload["action"] = "new_permissions_accepted"
    del payload["installation"]["account"]
    [request] = route("installation", payload)
    assert request.repo == f"installation-{INSTALLATION}"


def test_uninstalling_forgets_every_repository() -> None:
    requests = route("installation", load("installation.deleted"), delivery_id="d-1")
    assert [request.trigger for request in requests] == [Trigger.REMOVED] * 3
    assert [request.repo for request in requests] == [
        "acme/payments-api",
        "acme/billing-worker",
        "acme/public-docs",
    ]


@pytest.mark.parametrize("action", ["suspend", "unsuspend", "new_permissions_requested"])
def test_other_installation_actions_ask_for_nothing(action: str) -> None:
    payload = load("installation.created")
    payload["action"] = action
    assert route("installation", payload) == []


def test_added_repositories_get_a_baseline_scan() -> None:
    requests = route("installation_repositories", load("installation_repositories.added"), delivery_id="d-2")
    assert requests == [_expected("acme/ledger-service", Trigger.BASELINE, "d-2")]


def test_removed_repositories_are_forgotten() -> None:
    payload = load("installation_repositories.removed")
    requests = route("installation_repositories", payload, delivery_id="d-3")
    assert requests == [_expected("acme/billing-worker", Trigger.REMOVED, "d-3")]


def test_a_repository_without_a_name_is_malformed() -> None:
    payload = load("installation.created")
    del payload["repositories"][1]["full_name"]
    with pytest.raises(MalformedPayload):
        route("installation", payload)


def test_a_hook_without_an_installation_asks_for_nothing() -> None:
    payload = load("installation_repositories.added")
    del payload["installation"]
    assert route("installation_repositories", payload) == []


def test_a_baseline_request_survives_the_queue() -> None:
    request = route("installation", load("installation.created"), delivery_id="d-4")[0]
    assert ScanRequest.from_job(request.to_job()) == request
