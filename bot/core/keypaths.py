"""Key paths as findings show them: a key that is itself credential material is shown redacted.

A token pasted as a YAML key (`environment: {ghp_...: x}`) would otherwise be repeated in full in the key
path of every finding nested under it, and from there in annotations, review comments and reports. The
fingerprint is computed from the key path as written, so redacting the shown path changes no fingerprint.
"""

from __future__ import annotations

import weakref

from bot.core.findings import redact
from bot.core.heuristics import is_random_key_material
from bot.core.rules import RuleSet
from bot.core.tree import KeyPath, dotted

_MAX_NAMES = 65_536
_MAX_NAME_CHARS = 256  # longer names are answered each time, never remembered: at most about 40 MB
# Per rule set: how each key name is shown. The answer depends only on the rules and the name, and key names
# repeat from manifest to manifest, so files scanned with the same rules share it (as `bot.core.detectors`
# shares which keyed rules accept a name); bounded, and emptied when full.
_SHOWN: weakref.WeakKeyDictionary[RuleSet, dict[str, str]] = weakref.WeakKeyDictionary()


class KeyRedactor:
    """Redacts the key path segments that a token rule matches or that are random key material."""

    def __init__(self, ruleset: RuleSet) -> None:
        self._ruleset = ruleset
        seen = _SHOWN.get(ruleset)
        if seen is None:
            seen = _SHOWN[ruleset] = {}
        self._seen = seen

    def segment(self, name: str) -> str:
        """`name` itself, or its redacted preview when it holds credential material."""
        shown = self._seen.get(name)
        if shown is None:
            secret = bool(name) and (is_random_key_material(name) or bool(self._ruleset.find_tokens(name)))
            shown = redact(name) if secret else name
            if len(name) <= _MAX_NAME_CHARS:
                if len(self._seen) >= _MAX_NAMES:
                    self._seen.clear()
                self._seen[name] = shown
        return shown

    def path(self, path: KeyPath) -> str:
        return dotted(tuple(part if isinstance(part, int) else self.segment(part) for part in path))
