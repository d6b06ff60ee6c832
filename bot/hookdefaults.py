"""The pre-receive hook's default bounds, apart from `bot.prereceive` so that the CLI's argument parser
reads them without loading the scanner: a history scan starts git before it loads the scanner (issue 16)."""

DEFAULT_TIMEOUT = 4.0  # seconds; GitHub Enterprise Server stops a hook at 5
DEFAULT_MAX_COMMITS = 2_000
