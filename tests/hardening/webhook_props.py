"""The webhook route under arbitrary input: any body, any headers, signed or not, never answers 500.

`WebhookProbe` runs the real ASGI app in process (a memory queue, no GitHub) on one event loop, so the
suite's property test and `bench/fuzz.py` can post thousands of requests cheaply.
"""

from __future__ import annotations

import asyncio

import httpx
from hypothesis import strategies as st

from bot.jobs.queue import memory_queue
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.signature import signature_for

SECRET = "probe-webhook-" + "secret-value"
PATH = "/api/github/webhooks"
ALLOWED = {200, 202, 400, 401, 413, 415, 422}

HEADER_VALUES = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
EVENTS = st.one_of(
    st.sampled_from(
        ("pull_request", "issue_comment", "push", "ping", "check_run", "check_suite", "installation")
    ),
    HEADER_VALUES,
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
PAYLOAD_KEYS = st.sampled_from(
    ("action", "pull_request", "repository", "installation", "comment", "issue", "sender", "head", "ref")
)
BODIES = st.one_of(
    st.binary(max_size=512),
    JSON_VALUES.map(lambda tree: __import__("json").dumps(tree).encode()),
    st.dictionaries(PAYLOAD_KEYS, JSON_VALUES, max_size=8).map(
        lambda tree: __import__("json").dumps(tree).encode()
    ),
)


@st.composite
def webhook_inputs(draw: st.DrawFn) -> tuple[dict[str, str], bytes]:
    body = draw(BODIES)
    headers = {
        "X-GitHub-Event": draw(EVENTS),
        "X-GitHub-Delivery": draw(st.one_of(st.uuids().map(str), HEADER_VALUES)),
        "Content-Type": draw(
            st.sampled_from(("application/json", "text/plain", "", "application/x-www-form-urlencoded"))
        ),
    }
    signing = draw(st.sampled_from(("good", "bad", "none")))
    if signing == "good":
        headers["X-Hub-Signature-256"] = signature_for(SECRET, body)
    elif signing == "bad":
        headers["X-Hub-Signature-256"] = draw(HEADER_VALUES)
    extra = draw(
        st.dictionaries(st.from_regex(r"X-[A-Za-z-]{1,20}", fullmatch=True), HEADER_VALUES, max_size=3)
    )
    return {**extra, **{k: v for k, v in headers.items() if v}}, body


WEBHOOK_INPUTS = webhook_inputs()


class WebhookProbe:
    """The app on its own event loop; `check` posts one request and asserts the answer is not a 5xx."""

    def __init__(self) -> None:
        self.queue = memory_queue()
        app = create_app(Settings(app_id=1, private_key="pem", webhook_secret=SECRET), self.queue)
        self._loop = asyncio.new_event_loop()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot.test")

    def post(self, headers: dict[str, str], body: bytes) -> httpx.Response:
        return self._loop.run_until_complete(self._client.post(PATH, content=body, headers=headers))

    def check(self, headers: dict[str, str], body: bytes) -> None:
        status = self.post(headers, body).status_code
        assert status in ALLOWED, f"webhook answered {status}"

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()
