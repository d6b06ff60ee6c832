"""The HTTP edge: `app.create_app(settings, queue)` verifies webhooks, routes them and enqueues; nothing more.

It also serves `/healthz`, `/readyz`, `/metrics` and, while no App is configured, the first-run setup pages
(`setup.py`) that register one through GitHub's App Manifest flow. `server.run(settings)` is
`secrets-bot serve` (uvicorn, plus worker child processes on the embedded default).
"""
