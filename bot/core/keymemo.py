"""Answers that depend only on a key name, remembered across files.

Manifests repeat the same key names from file to file (environment variable names, `password`, `apiKey`),
and the rules ask the same questions of each name in every file: what kind of secret it names, whether it
names one only in passing. The answers depend on the name alone, so remembering them changes no finding.

The same questions are also asked of the words of values (the pre-parse filter asks them of every word of a
file), so the memory never holds a name in clear: it holds a keyed BLAKE2s digest of the name (16 bytes,
keyed with a random key per process, so no one can craft two names that share one) and the answer. It is
bounded by entries, and so by bytes: at most `MAX_NAMES` answers of about `ENTRY_BYTES` each (about 10 MB
per question), and emptied when full. See docs/security.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from hashlib import blake2s
from typing import Generic, TypeVar

MAX_NAMES = 65_536
ENTRY_BYTES = 160  # a dict slot, the 16-byte digest's object (49 bytes) and the answer, per remembered name

# Keyed with a random key per process, so the digests mean nothing outside it; each digest starts from a
# copy of the keyed state (cheaper than keying anew: about 0.4 against 0.7 microseconds).
_KEYED = blake2s(digest_size=16, key=os.urandom(16))

_Answer = TypeVar("_Answer")


class PerKeyName(Generic[_Answer]):
    """`question`, answering a name it was asked before from a bounded memory of digests."""

    def __init__(self, question: Callable[[str], _Answer]) -> None:
        self.question = question
        self._answers: dict[bytes, _Answer] = {}
        self.__doc__ = question.__doc__

    def __call__(self, name: str) -> _Answer:
        hashed = digest(name)
        try:
            return self._answers[hashed]
        except KeyError:
            pass
        answer = self.question(name)
        if len(self._answers) >= MAX_NAMES:
            self._answers.clear()
        self._answers[hashed] = answer
        return answer

    def remembered(self) -> list[bytes]:
        """What the memory holds: digests only (for the tests of its bound and that no name is in clear)."""
        return list(self._answers)


def digest(name: str) -> bytes:
    """16 bytes that stand for `name` in this process only (also `bot.core.versionmemo`'s keys)."""
    hashed = _KEYED.copy()
    hashed.update(name.encode("utf-8", "surrogatepass"))
    return hashed.digest()
