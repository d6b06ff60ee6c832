"""Pure routing: a webhook's event name and payload in, a list of `ScanRequest`s out.

No I/O, no clock, no environment: the web process calls this inside the request. One module per event, one
`Router` that maps event names to them; `route()` is the App's standard router.
"""

from bot.events.payload import MalformedPayload
from bot.events.request import ScanRequest, Trigger
from bot.events.router import Router, default_router, route

__all__ = ["MalformedPayload", "Router", "ScanRequest", "Trigger", "default_router", "route"]
