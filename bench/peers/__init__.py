"""Peer secret scanners, run side by side with us on the same files.

Each peer is installed at a pinned version into its own folder under a cache directory (they conflict
with each other and with us), run with no network, and its JSON output is normalised to
`{"tool", "path", "line", "rule"}` with the path relative to the scanned directory. Matched text is
dropped while normalising, so no secret value leaves this package.

    .venv/bin/python -m bench.peers.install [--cache bench/.cache] [--only NAME ...]
    .venv/bin/python -m bench.peers.run DIR [--cache bench/.cache] [--only NAME ...]
"""
