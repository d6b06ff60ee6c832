"""Settings written in a manifest that its parser does not see as settings.

Two shapes keep a secret in the file while hiding it from the tree every other check reads:

- a setting commented out instead of deleted (`# DB_PASSWORD: hunter2` above the `${ssm:}` that replaced
  it): the value stays in the file and in its history;
- a `.env.yaml` line written `KEY:"value"` or `KEY:'value'`, without the space YAML needs after the colon:
  the whole file folds into one plain scalar (`bot.core.folding` already places provider tokens in it);
- a member of a `local.settings.json` commented out with `//` (the Functions host reads JSON with
  comments).

Provider tokens in comments are found by the whole-text search (`Detectors.unclaimed`); a password or key
known only by its key name needs the key, so each such line that is exactly one assignment
(`bot.core.assignments`: prose and commands are not) is judged under its own key like any value.
References and placeholders are left out as everywhere.
"""

from __future__ import annotations

from bisect import bisect_right

from bot.core.assignments import assignments
from bot.core.detectors import Detectors
from bot.core.linear import LinearPattern
from bot.core.rulemodel import TokenMatch

# A whole-line comment (`#`, or `//` before a JSON member), or a tight `KEY:"value"` line.
_LOOSE_LINE = LinearPattern(
    r"^[ \t]*(?:#+[ \t]*(?P<comment>[^\n]*)|//[ \t]*(?P<member>\"[A-Za-z_][\w.:-]*\"[ \t]*:[^\n]*)"
    r"|(?P<tight>[A-Za-z_][\w.-]*:[\"'][^\n]*))$",
    multiline=True,
)


def unparsed_settings(text: str, detectors: Detectors) -> list[TokenMatch]:
    """Secrets judged by key name in comment lines and tight `KEY:"value"` lines, with offsets into
    `text`."""
    if "#" not in text and "//" not in text and ':"' not in text and ":'" not in text:
        return []
    bodies: list[str] = []
    origins: list[int] = []  # where each body starts in `text`
    for match in _LOOSE_LINE.finditer(text):
        if match.group("comment") is not None:
            bodies.append(match["comment"])
            origins.append(match.start("comment"))
        elif match.group("member") is not None:
            bodies.append(_as_assignment(match["member"]))
            origins.append(match.start("member"))
        else:  # `KEY:"value"` read as `KEY="value"`: the same length, so offsets hold
            bodies.append(match["tight"].replace(":", "=", 1))
            origins.append(match.start("tight"))
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


def _as_assignment(member: str) -> str:
    """`"KEY": "value",` read as ` KEY = "value",`: the same length, so offsets hold."""
    close = member.index('"', 1)
    colon = member.index(":", close)
    return f" {member[1:close]} {member[close + 1 : colon]}={member[colon + 1 :]}"
