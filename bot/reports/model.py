"""What the renderers hand to the GitHub edge: plain data shaped like GitHub's check-run and review payloads.

These live with the renderers, not in `bot.github`, so that reports stay pure and the dependency
points one way (github -> reports -> core).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Annotation:
    path: str
    start_line: int
    end_line: int
    level: str  # notice | warning | failure
    title: str
    message: str


@dataclass(frozen=True, slots=True)
class CheckAction:
    """A button on the check run; pressing it sends `check_run.requested_action` with `identifier`.
    GitHub refuses a label over 20 characters, a description over 40 and an identifier over 20."""

    label: str
    description: str
    identifier: str


@dataclass(frozen=True, slots=True)
class CheckRunOutput:
    title: str
    summary: str
    text: str | None = None
    annotations: tuple[Annotation, ...] = ()
    actions: tuple[CheckAction, ...] = ()  # sent with the completion (GitHub shows at most three)


@dataclass(frozen=True, slots=True)
class DraftComment:
    path: str
    line: int
    body: str
