"""Settings commented out: `# DB_PASSWORD: hunter2` in a YAML or TOML manifest.

Authors comment a setting out instead of deleting it (`# STRIPE_KEY=...` above the `${ssm:}` that replaced
it), and the value stays in the file and in its history. Provider tokens in comments are already found by
the whole-text search (`Detectors.unclaimed`); a password or key known only by its key name needs the key,
so each comment line that is exactly one assignment (`bot.core.assignments`: prose and commands are not)
is judged under its own key like any value. References and placeholders are left out as everywhere.
"""

from __future__ import annotations

from bisect import bisect_right

from bot.core.assignments import assignments
from bot.core.detectors import Detectors
from bot.core.linear import LinearPattern
from bot.core.rulemodel import TokenMatch

_COMMENT_LINE = LinearPattern(r"^[ \t]*#+[ \t]*(?P<body>[^\n]*)$", multiline=True)


def commented_settings(text: str, detectors: Detectors) -> list[TokenMatch]:
    """Secrets judged by key name in whole-line comments, with offsets into `text`."""
    if "#" not in text:
        return []
    bodies: list[str] = []
    origins: list[int] = []  # where each body starts in `text`
    for match in _COMMENT_LINE.finditer(text):
        bodies.append(match["body"])
        origins.append(match.start("body"))
    if not bodies:
        return []
    joined = "\n".join(bodies)
    starts = [0]
    for body in bodies[:-1]:
        starts.append(starts[-1] + len(body) + 1)
    found: list[TokenMatch] = []
    for _, start, end, judged_as in assignments(joined, multi_line=True):
        keyed = detectors.judge_keyed(judged_as, joined[start:end])
        if keyed is not None:
            line = bisect_right(starts, start) - 1
            shift = origins[line] - starts[line]
            found.append(TokenMatch(keyed.rule, start + shift, end + shift))
    return found
