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
    lines = _loose_lines(text)
    if not lines:
        return []
    origins = [origin for origin, _ in lines]  # where each body starts in `text`
    bodies = [body for _, body in lines]
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


def _loose_lines(text: str) -> list[tuple[int, str]]:
    """(where the body starts, the body read as assignments) of each line `_LOOSE_LINE` matches, in order.

    Comment lines, the common case, are found by looking at each `#` (a regex call per line was the
    largest regex cost of a scan, issue 16); only a line that holds `//`, `:"` or `:'` and is no comment
    is asked of the pattern, on its own (it matches a whole line or nothing, so the line alone decides)."""
    found: list[tuple[int, str]] = []
    asked: set[int] = set()  # starts of the lines already read
    for marker in ("#", "//", ':"', ":'"):
        position = text.find(marker)
        while position >= 0:
            start = text.rfind("\n", 0, position) + 1
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            if start not in asked:
                asked.add(start)
                line = _loose_line(text, start, end)
                if line is not None:
                    found.append(line)
            position = text.find(marker, end)
    return sorted(found)


def _loose_line(text: str, start: int, end: int) -> tuple[int, str] | None:
    first = start
    while first < end and text[first] in " \t":
        first += 1
    if text.startswith("#", first):  # `#+[ \t]*` then the comment: the pattern's first alternative
        while first < end and text[first] == "#":
            first += 1
        while first < end and text[first] in " \t":
            first += 1
        return first, text[first:end]
    line = text[start:end]
    if "//" not in line and ':"' not in line and ":'" not in line:
        return None  # neither a `//` member nor a tight `KEY:"value"`
    match = _LOOSE_LINE.fullmatch(line)
    if match is None:
        return None
    if match.group("member") is not None:
        return start + match.start("member"), _as_assignment(match["member"])
    # `KEY:"value"` read as `KEY="value"`: the same length, so offsets hold
    return start + match.start("tight"), match["tight"].replace(":", "=", 1)


def _as_assignment(member: str) -> str:
    """`"KEY": "value",` read as ` KEY = "value",`: the same length, so offsets hold."""
    close = member.index('"', 1)
    colon = member.index(":", close)
    return f" {member[1:close]} {member[close + 1 : colon]}={member[colon + 1 :]}"
