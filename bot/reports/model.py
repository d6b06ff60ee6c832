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
class CheckRunOutput:
    title: str
    summary: str
    text: str | None = None
    annotations: tuple[Annotation, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftComment:
    path: str
    line: int  # the last line the comment covers
    body: str
    start_line: int | None = None  # the first, for a comment (and its suggestion) over several lines
