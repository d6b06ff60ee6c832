"""`is_self_parsing` answers as `isinstance(platform, SelfParsing)` does, for platforms and odd objects."""

from __future__ import annotations

from typing import Any

from bot.core.manifests import PLATFORMS
from bot.core.manifests.base import SelfParsing, is_self_parsing
from bot.core.manifests.generic import PLATFORM as GENERIC


class _NoLoad:
    pass


class _NoneLoad:
    load = None


class _NoneOverLoad(_NoneLoad):
    def load(self, text: str, limits: Any) -> list[Any]:
        return []


class _LoadOverNone(_NoneOverLoad):
    load = None  # type: ignore[assignment]


class _Loads:
    def load(self, text: str, limits: Any) -> list[Any]:
        return []


def _instance_load() -> object:
    thing = _NoLoad()
    thing.load = lambda text, limits: []  # type: ignore[attr-defined]
    return thing


def _instance_none() -> object:
    thing = _Loads()
    thing.load = None  # type: ignore[assignment, method-assign]
    return thing


def test_the_same_answer_as_the_protocol_check() -> None:
    subjects = [
        *PLATFORMS,
        GENERIC,
        _NoLoad(),
        _NoneLoad(),
        _NoneOverLoad(),
        _LoadOverNone(),
        _Loads(),
        _instance_load(),
        _instance_none(),
        3,
    ]
    assert any(isinstance(subject, SelfParsing) for subject in PLATFORMS)
    for subject in subjects:
        assert is_self_parsing(subject) is isinstance(subject, SelfParsing), subject
