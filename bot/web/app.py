"""`create_app(settings, queue)`: the FastAPI application, thin by design.

It holds no logic of its own: webhooks are verified and handed to the queue, health checks ask the queue, and
the first-run setup pages hand GitHub's answer to `bot.github`, and the overview (`bot.web.overview`, unless
OVERVIEW=off) reads the findings store for people signed in with GitHub. Settings and queue live on
`app.state`, read per request, so that the setup flow can swap in the new App's settings without rebuilding
the app.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from bot import __version__
from bot.jobs.queue import JobQueue
from bot.metrics import METRICS, exposition_registry
from bot.settings import Settings
from bot.web import setup
from bot.web.intake import BodyBudget
from bot.web.overview import routes as overview
from bot.web.webhooks import receive_webhook


def create_app(
    settings: Settings, queue: JobQueue, *, on_configured: Callable[[Settings], None] | None = None
) -> FastAPI:
    """`on_configured` runs once the setup page has registered an App (the server starts its workers)."""
    app = FastAPI(
        title="Serverless Secrets Bot", version=__version__, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.queue = queue
    app.state.setup = setup.SetupFlow(on_configured)
    app.state.metrics = exposition_registry(METRICS, queue)
    app.state.body_budget = BodyBudget()
    app.add_api_route(settings.webhook_path, receive_webhook, methods=["POST"], include_in_schema=False)
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"])
    app.add_api_route("/metrics", metrics, methods=["GET"])
    app.add_api_route("/", setup.home, methods=["GET"], include_in_schema=False)
    app.add_api_route("/setup/manifest", setup.start, methods=["POST"], include_in_schema=False)
    app.add_api_route("/setup/callback", setup.callback, methods=["GET"], include_in_schema=False)
    app.add_api_route("/setup/setup.css", setup.stylesheet, methods=["GET"], include_in_schema=False)
    if settings.overview:
        overview.register(app)
    return app


async def healthz() -> JSONResponse:
    """The process is alive and serving HTTP."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready to take webhooks: an App is configured and the queue's storage takes a write."""
    settings: Settings = request.app.state.settings
    queue: JobQueue = request.app.state.queue
    problems = [] if settings.is_configured else ["the App is not configured"]
    try:
        await run_in_threadpool(queue.probe_write)
    except Exception as error:
        problems.append(f"queue not writable ({type(error).__name__})")
    if problems:
        return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics(request: Request) -> Response:
    """Prometheus text format: this process's counters plus the queue's shared depth and dead letters."""
    body = await run_in_threadpool(generate_latest, request.app.state.metrics)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
