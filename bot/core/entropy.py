"""How random a string looks: Shannon entropy and character-class mix.

Both are cheap shape measures. They never decide alone that a value is a secret (a defanged or human-typed
password can look tame, a bucket name with a random suffix can look wild); rules and key-name heuristics
combine them with context.
"""

from __future__ import annotations

import math
import re
from collections import Counter


def shannon_entropy(text: str) -> float:
    """Bits per character of `text` under its own character distribution (0.0 for an empty string)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(count / total * math.log2(count / total) for count in Counter(text).values())


def character_classes(text: str) -> int:
    """How many of lower-case letters, upper-case letters, digits and other characters `text` uses."""
    if text.isascii():
        return _ascii_classes(text)
    has_lower = any(char.islower() for char in text)
    has_upper = any(char.isupper() for char in text)
    has_digit = any(char.isdigit() for char in text)
    has_other = any(not char.isalnum() for char in text)
    return sum((has_lower, has_upper, has_digit, has_other))


_ASCII_DIGIT = re.compile("[0-9]")


def _ascii_classes(text: str) -> int:
    """`character_classes` of ASCII text, by whole-string methods rather than a pass per class in Python:
    asked of most judged values (issue 16; tests/core/test_value_shapes.py compares the two). On ASCII
    text, case mapping changes exactly the letters of the other case."""
    has_lower = text.upper() != text
    has_upper = text.lower() != text
    has_digit = _ASCII_DIGIT.search(text) is not None
    has_other = text != "" and not text.isalnum()
    return sum((has_lower, has_upper, has_digit, has_other))
