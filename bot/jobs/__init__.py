"""The queue and the workers: everything slow happens here, never inside a webhook request.

`queue.open_queue(settings)` builds huey on SQLite (default) or Redis; `scan_job.run_scan` is one scan from
request to check run and review; `worker` runs consumers inside `serve` or as `secrets-bot worker`. Jobs
carry ids and scalars only; GitHub is reached through `bot.github.protocol.GitHubGateway`.
"""
