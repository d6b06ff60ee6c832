"""The `secrets-bot` process: `bot.cli.main` without the cyclic collector's walks that find nothing.

Start-up builds tens of thousands of objects (modules, classes, the rule table) that all live until the
process ends: collections during the imports free nothing, and each later collection walks them all again.
A scan's exit is the same: the interpreter's last collections walk every object the scan built. Together
that was about a tenth of a one-file scan (issue 16). So the imports run without the collector and what
they built is frozen out of its walks; and a one-shot command's heap is frozen before exit. `serve` and
`worker` are not: they hold SQLite connections in reference cycles, which only that last collection
closes, and an unclosed connection leaves its write-ahead log unmerged. Reference counting frees everything
it did before; a long-running process runs with the collector as usual.
"""

from __future__ import annotations

import gc
import sys

# Commands whose process holds nothing that the interpreter's last collections must close.
_ONE_SHOT = frozenset({"scan", "pre-receive", "version"})


def run() -> int:
    """The console script's entry point (and `python -m bot`'s)."""
    gc.disable()
    try:
        from bot.cli import main
    finally:
        gc.freeze()
        gc.enable()
    code = main()
    if sys.argv[1:2] and sys.argv[1] in _ONE_SHOT:
        gc.freeze()  # the process ends now: its last collections need not walk what the command built
    return code
