"""`python -m bot`: the `secrets-bot` command without the console script (how serve starts its workers)."""

import sys

from bot.launch import run

sys.exit(run())
