"""The `secrets-bot` process: `bot.cli.main` without the cyclic collector's walks that find nothing.

Start-up builds tens of thousands of objects (modules, classes, the rule table) that all live until the
process ends: collections during the imports free nothing, each later collection walks them all again,
and so do the interpreter's last collections at exit. Together that was about a tenth of a one-file scan
(issue 16). So the imports run without the collector, what they built is frozen out of its walks, and
the exit freezes the rest. Reference counting still frees everything it did; a long `serve` or `worker`
process runs with the collector as usual between these two points.
"""

from __future__ import annotations

import gc


def run() -> int:
    """The console script's entry point (and `python -m bot`'s)."""
    gc.disable()
    try:
        from bot.cli import main
    finally:
        gc.freeze()
        gc.enable()
    code = main()
    gc.freeze()  # the process ends now: its last collections need not walk what the command built
    return code
