"""Can this manifest produce a finding at all? A check on the raw text that runs before any parsing.

Most manifests hold no secret, and building their position-carrying tree is most of the cost of a scan.
Every finding needs one of these in the text, so a file with none of them is skipped unparsed:

- a token-rule match anywhere in the text (`Detectors` finds them in one pass anyway), a backslash (an
  escape could hide a token or spell a key), or a `!Join` (tokens can form where literal parts meet);
- a key name that some keyed rule accepts, or that names a secret (provider-wide and NoEcho advice ask
  `secret_kind_of_key`);
- the text of a reference advice: `~true`/`~split`, `ssm-secure`, `secretsmanager`;
- a URL query parameter named as a credential by URL convention only (`?code=`, `&sig=`: `queryparams`).

The key test is exact, not a guess. The scanner judges a value under a key name whose words
(`heuristics.key_words`) are consecutive words of the text: key names are written in the file (a mapping
key, a list entry's `Name`, a `Key=value` pair, a parameter name), never pieced together from distant
parts. What a key names depends only on its last two meaningful words (trailing variant and form words such
as `_2`, `Value` are dropped first; a secret word earlier in the key makes it one too), so every word of
the text is asked, and every pair of adjacent words whose second word names a secret after a neutral word
(`api key`). Rules that select keys by `key_regex` alone are searched once in all the words joined by `_`,
with `^`, `$` and `\b` relaxed to also match at a `_`, so that a match inside one key is a match there too.
Each question goes to the scanner's own functions (`Detectors.may_judge_key`, `secret_kind_of_key`), so
the answers follow the heuristics as they change; tests/core/test_prefilter.py checks the two-word
property over every word the heuristics know.

That reasoning holds for the platforms listed in `_AUDITED`, whose key names all come from the text (a
Serverless `apiKeys` entry is named `apiKey` by the platform, so such a file is always parsed). Any other
platform is always parsed: a new platform that builds key names of its own must be audited before it is
added. `bench/prefilter_check.py` runs both paths over whole corpora and asserts identical results.

What is lost: a skipped file reports the platform its name and first bytes claim, without the parsed
confirmation, and the syntax notices a full parse would give come from each parser's cheap `quick_check`;
a TOML file has none, so a broken `samconfig.toml` that cannot hold a secret gets no parse-error notice.
"""

from __future__ import annotations

import re
import weakref

import re2

from bot.core.detectors import Detectors
from bot.core.heuristics import _CAMEL_WORDS as CAMEL_WORDS  # the split of `key_words`, kept in one place
from bot.core.queryparams import may_hold_url_credential
from bot.core.rulemodel import Pattern, RuleKind, compile_pattern
from bot.core.rules import RuleSet

# Platforms whose key names are all written in the file (see the module docstring).
_AUDITED = frozenset(
    {"serverless", "cloudformation", "samconfig", "azure-functions", "gcp-env-yaml", "generic"}
)
_MARKERS = ("\\", "Join", "~true", "~split", "ssm-secure", "secretsmanager")
_SERVERLESS_API_KEYS = "apiKeys"  # entries named `apiKey` by the platform, not by the file
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_RUN_BREAKS = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isalnum()})
_NEUTRAL = "zqx"  # a word that qualifies nothing: `zqx_key` names a secret as `api_key` does
_MAX_CACHED = 65_536


def may_hold_finding(text: str, platform_id: str, ruleset: RuleSet, detectors: Detectors) -> bool:
    """False only when no scan of `text` on this platform can report anything (see module docstring).

    `detectors` are the ones built for `text` with `ruleset`: their whole-text token matches are reused."""
    if detectors.unclaimed() or platform_id not in _AUDITED:
        return True
    if any(marker in text for marker in _MARKERS) or may_hold_url_credential(text):
        return True
    if platform_id == "serverless" and _SERVERLESS_API_KEYS in text:
        return True
    return _KeyWords.of(ruleset).any_named(text, detectors)


class _KeyWords:
    """The key questions of one rule set, asked of the words of a text; answers are cached across files,
    per run of letters and digits (manifests repeat the same few hundred)."""

    def __init__(self, ruleset: RuleSet) -> None:
        keyed = [rule for rule in ruleset.rules if rule.kind is RuleKind.KEYED]
        sources = [
            str(getattr(r.key_pattern, "pattern", "")) for r in keyed if r.key_pattern and not r.key_kinds
        ]
        self.pattern_only = _relaxed_union(sources) if sources else None
        self.always = bool(sources) and self.pattern_only is None
        # Run of letters and digits -> its words joined by `_`, and the learned runs with a word that names a
        # secret on its own: one attribute, replaced whole, so that a scan never reads one of a reset's
        # memories with the other of the memories before it (two scans may share this object).
        self.memory: tuple[dict[str, str], set[str]] = ({}, set())
        self.words: dict[str, bool] = {}  # a run's word (lower case) -> whether it names a secret on its own
        self.contextual: set[str] = set()  # unnamed words that a neutral word before them makes named
        self.pairs: dict[str, bool] = {}

    @classmethod
    def of(cls, ruleset: RuleSet) -> _KeyWords:
        found = _CACHE.get(ruleset)
        if found is None:
            found = _CACHE[ruleset] = cls(ruleset)
        return found

    def any_named(self, text: str, detectors: Detectors) -> bool:
        """Whether a word, or two adjacent words, of `text` make a key that a keyed rule accepts or that
        names a secret; or a `key_regex`-only rule matches among all the words.

        The runs learned before are looked up as sets, in C, and only new runs are learned one by one:
        a loop over every run of every file was most of the check (issue 16). The memories are replaced,
        never emptied in place, so a scan that overlaps a reset keeps reading the ones it started with."""
        if self.always:
            return True
        learned, named = self.memory
        if len(learned) > _MAX_CACHED or len(self.words) > _MAX_CACHED:
            learned, named = self.memory = ({}, set())
            self.words, self.pairs = {}, {}
        runs = text.translate(_RUN_BREAKS).split() if text.isascii() else _ALNUM_RUN.findall(text)
        present = set(runs)
        if not named.isdisjoint(present):
            return True
        for run in present.difference(learned):  # most files name a secret: the first named run settles it
            if self._learn(run, learned, named, detectors):
                return True
        # Asked again: a run that another scan learned meanwhile is in `named` before it is in `learned`.
        if not named.isdisjoint(present):
            return True
        joined = "_".join(map(learned.__getitem__, runs))  # every word in order, split as key names are
        if self._contextual_pair(joined, detectors):
            return True
        return self.pattern_only is not None and self.pattern_only.search(joined) is not None

    def _learn(self, run: str, learned: dict[str, str], named: set[str], detectors: Detectors) -> bool:
        """Remember the run's words joined by `_`, and whether one of them names a secret on its own."""
        words = [word.lower() for word in CAMEL_WORDS.findall(run)]
        answers = self.words
        any_named = False
        for word in words:
            answer = answers.get(word)
            if answer is None:
                answer = answers[word] = self._word_names(word, detectors)
            any_named = any_named or answer
        if any_named:  # before `learned`: a scan that finds the run learned must find it named too
            named.add(run)
        learned[run] = "_".join(words)
        return any_named

    def _word_names(self, word: str, detectors: Detectors) -> bool:
        """Whether `word` names a secret on its own; one that does only after another word is noted."""
        if _names(word, detectors):
            return True
        if _names(f"{_NEUTRAL}_{word}", detectors):
            self.contextual.add(word)
        return False

    def _contextual_pair(self, joined: str, detectors: Detectors) -> bool:
        """Pairs whose second word names a secret only after another word (`api key`): each is asked.
        Any other pair is named only if one of its words is, as the property test in
        tests/core/test_prefilter.py checks over every word the heuristics know."""
        present = [word for word in tuple(self.contextual) if word in joined]  # a snapshot: scans may overlap
        if not present:
            return False
        before = re.compile(rf"(?:^|_)([a-z0-9]+)(?=_({'|'.join(map(re.escape, present))})(?:_|$))")
        for first, second in set(before.findall(joined)):
            pair = f"{first}_{second}"
            named = self.pairs.get(pair)
            if named is None:
                named = self.pairs[pair] = _names(pair, detectors)
            if named:
                return True
        return False


def _names(key: str, detectors: Detectors) -> bool:
    """The scanner's own two questions about a key: may a keyed rule judge it, does it name a secret."""
    return detectors.may_judge_or_names(key)


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
