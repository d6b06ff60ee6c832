"""The router: event name -> the module that turns its payload into scan requests.

Pure and synchronous: the web layer calls `route()` inside the request, so it must not touch the network or
the clock. A new trigger is one module with a `requests(payload, delivery_id)` function, registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.events import (
    check_run,
    check_suite,
    commit_comment,
    installation,
    installation_repositories,
    issue_comment,
    issues,
    pull_request,
    push,
)
from bot.events.request import ScanRequest

Handler = Callable[[Mapping[str, Any], str], list[ScanRequest]]


class Router:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}

    def add(self, event: str, handler: Handler) -> None:
        self._handlers.setdefault(event, []).append(handler)

    @property
    def events(self) -> frozenset[str]:
        """The events this router acts on (what `app.yml` must subscribe to)."""
        return frozenset(self._handlers)

    def route(self, event: str, payload: Mapping[str, Any], *, delivery_id: str = "") -> list[ScanRequest]:
        """Scan requests for one delivery; `MalformedPayload` when a needed field is missing."""
        return [
            request for handler in self._handlers.get(event, ()) for request in handler(payload, delivery_id)
        ]


def default_router() -> Router:
    router = Router()
    modules = (
        pull_request,
        push,
        check_run,
        check_suite,
        issue_comment,
        issues,
        commit_comment,
        installation,
        installation_repositories,
    )
    for module in modules:
        router.add(module.EVENT, module.requests)
    router.add(pull_request.EVENT, pull_request.fix_closed_requests)
    return router


_DEFAULT = default_router()


def route(event: str, payload: Mapping[str, Any], *, delivery_id: str = "") -> list[ScanRequest]:
    """Route with the App's standard triggers."""
    return _DEFAULT.route(event, payload, delivery_id=delivery_id)
