"""The HTTP edge: `app.create_app(settings, queue)` verifies webhooks, routes them and enqueues; nothing more.

`server.run(settings)` is `secrets-bot serve` (uvicorn, plus worker threads on the embedded default).
"""
