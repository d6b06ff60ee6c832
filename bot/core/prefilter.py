"""Can this manifest produce a finding at all? A check on the raw text that runs before any parsing.

Most manifests hold no secret, and building their position-carrying tree is most of the cost of a scan.
Every finding needs one of these in the text, so a file with none of them is skipped unparsed:

- a token-rule match anywhere in the text (`Detectors` finds them in one pass anyway), a backslash (an
  escape could hide a token or spell a key), or a `!Join` (tokens can form where literal parts meet);
- a key name that some keyed rule accepts, or that names a secret (provider-wide and NoEcho advice ask
  `secret_kind_of_key`);
- the text of a reference advice: `~true`/`~split`, `ssm-secure`, `secretsmanager`.

The key test is exact, not a guess. The scanner judges a value under a key name whose words
(`heuristics.key_words`) are consecutive words of the text: key names are written in the file (a mapping
key, a list entry's `Name`, a `Key=value` pair, a parameter name), never pieced together from distant
parts. What a key names depends only on its last two words once trailing form words (`Value`, `String`)
are dropped, so it is enough to classify every word and every pair of adjacent words of the text. Rules
that select keys by `key_regex` alone are searched once in all the words joined by `_`, with `^`, `$` and
`\b` relaxed to also match at a `_` so that a match inside one key is a match there too.

That reasoning holds for the platforms listed in `_AUDITED`, whose key names all come from the text (a
Serverless `apiKeys` entry is named `apiKey` by the platform, so such a file is always parsed). Any other
platform is always parsed: a new platform that builds key names of its own must be audited before it is
added. `bench/prefilter_check.py` runs both paths over whole corpora and asserts identical results.

What is lost: a skipped file reports the platform its name and first bytes claim, without the parsed
confirmation, and the syntax notices a full parse would give come from each parser's cheap `quick_check`;
a TOML file has none, so a broken `samconfig.toml` that cannot hold a secret gets no parse-error notice.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Iterable

import re2

from bot.core.heuristics import key_words, secret_kind_of_key
from bot.core.rulemodel import Pattern, RuleKind, compile_pattern
from bot.core.rules import RuleSet

# Platforms whose key names are all written in the file (see the module docstring).
_AUDITED = frozenset(
    {"serverless", "cloudformation", "samconfig", "azure-functions", "gcp-env-yaml", "generic"}
)
_MARKERS = ("\\", "Join", "~true", "~split", "ssm-secure", "secretsmanager")
_SERVERLESS_API_KEYS = "apiKeys"  # entries named `apiKey` by the platform, not by the file
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_MAX_CACHED = 65_536


def may_hold_finding(text: str, platform_id: str, ruleset: RuleSet, *, has_token_match: bool) -> bool:
    """False only when no scan of `text` on this platform can report anything (see module docstring)."""
    if has_token_match or platform_id not in _AUDITED:
        return True
    if any(marker in text for marker in _MARKERS):
        return True
    if platform_id == "serverless" and _SERVERLESS_API_KEYS in text:
        return True
    return _KeyWords.of(ruleset).any_accepted(text)


class _KeyWords:
    """The key questions of one rule set, asked of words; answers are cached across files."""

    def __init__(self, ruleset: RuleSet) -> None:
        keyed = [rule for rule in ruleset.rules if rule.kind is RuleKind.KEYED]
        sources = [
            str(getattr(r.key_pattern, "pattern", "")) for r in keyed if r.key_pattern and not r.key_kinds
        ]
        self.pattern_only = _relaxed_union(sources) if sources else None
        self.always = bool(sources) and self.pattern_only is None
        self.named: dict[str, bool] = {}  # a word or a `word_word` pair -> names a secret
        self.run_words: dict[str, tuple[str, ...]] = {}

    @classmethod
    def of(cls, ruleset: RuleSet) -> _KeyWords:
        found = _CACHE.get(ruleset)
        if found is None:
            found = _CACHE[ruleset] = cls(ruleset)
        return found

    def any_accepted(self, text: str) -> bool:
        if self.always:
            return True
        runs = _ALNUM_RUN.findall(text)
        words = self._words(runs)
        if any(self._names_secret(word) for word in set(words)):
            return True
        pairs = {f"{first}_{second}" for first, second in itertools.pairwise(words)}
        if any(self._names_secret(pair) for pair in pairs):
            return True
        return self.pattern_only is not None and self.pattern_only.search("_".join(words)) is not None

    def _words(self, runs: Iterable[str]) -> list[str]:
        """Every word of the text in order, split as `key_words` splits a key name."""
        cache = self.run_words
        if len(cache) > _MAX_CACHED:
            cache.clear()
        words: list[str] = []
        for run in runs:
            split = cache.get(run)
            if split is None:
                split = cache[run] = key_words("w_" + run)[1:]  # a neutral first part: `run` is never dropped
            words.extend(split)
        return words

    def _names_secret(self, key: str) -> bool:
        named = self.named.get(key)
        if named is None:
            if len(self.named) > _MAX_CACHED:
                self.named.clear()
            named = self.named[key] = secret_kind_of_key(key) is not None
        return named


_CACHE: weakref.WeakKeyDictionary[RuleSet, _KeyWords] = weakref.WeakKeyDictionary()


def _relaxed_union(sources: list[str]) -> Pattern | None:
    """One pattern that matches wherever any source matches inside a `_`-joined run of words; None when
    a source cannot be rewritten (then every file is parsed)."""
    try:
        return compile_pattern("|".join(f"(?:{relaxed(source)})" for source in sources))
    except (ValueError, re2.error):
        return None


_RELAXED = {"^": "(?:^|_)", "$": "(?:$|_)", r"\A": r"(?:\A|_)", r"\z": r"(?:\z|_)", r"\b": r"(?:\b|_)"}


def relaxed(source: str) -> str:
    """`source` with its start, end and word-boundary assertions also satisfied by a `_` (outside
    character classes and `\\Q...\\E` quoting), so that a key's own match survives among other words.
    Raises ValueError for a pattern it cannot read."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            pair = source[index : index + 2]
            if pair == r"\Q":
                end = source.find(r"\E", index)
                end = len(source) if end < 0 else end + 2
                out.append(source[index:end])
                index = end
                continue
            out.append(pair if in_class else _RELAXED.get(pair, pair))
            index += 2
            continue
        if in_class:
            if source.startswith("[:", index):
                end = source.find(":]", index)
                if end < 0:
                    raise ValueError("unterminated POSIX class")
                out.append(source[index : end + 2])
                index = end + 2
                continue
            in_class = char != "]"
        elif char == "[":
            in_class = True
            out.append(char)
            index += 1
            for lead in ("^", "]"):  # `[^...]`, and `]` first in a class is literal
                if source.startswith(lead, index):
                    out.append(lead)
                    index += 1
            continue
        else:
            char = _RELAXED.get(char, char)
        out.append(char)
        index += 1
    if in_class:
        raise ValueError("unterminated character class")
    return "".join(out)
