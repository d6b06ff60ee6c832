"""How random a string looks: Shannon entropy and character-class mix.

Both are cheap shape measures. They never decide alone that a value is a secret (a defanged or human-typed
password can look tame, a bucket name with a random suffix can look wild); rules and key-name heuristics
combine them with context.
"""

from __future__ import annotations

import math
from collections import Counter


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` under its own character distribution (0.0 for an empty string)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(count / total * math.log2(count / total) for count in Counter(text).values())


def character_classes(text: str) -> int:
    """How many of lower-case letters, upper-case letters, digits and other characters `text` uses."""
    has_lower = any(char.islower() for char in text)
    has_upper = any(char.isupper() for char in text)
    has_digit = any(char.isdigit() for char in text)
    has_other = any(not char.isalnum() for char in text)
    return sum((has_lower, has_upper, has_digit, has_other))
