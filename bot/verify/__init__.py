"""Opt-in validity checks: ask a leaked credential's own provider, read-only, whether it still works.

Network I/O at the edge, never in `bot.core` (an import-linter contract keeps it out): the core only shows
each listed finding's value to the `ScanConfig.reveal` hook while the scan runs (`Session`), the check
happens then, and only the outcome (active, inactive or unknown, with the time) is kept on the finding.
Off unless the operator turns it on (VERIFY_SECRETS=on, or `secrets-bot scan --verify`).
"""
