"""Necessary conditions that let reference analysis, assignment reading and key-name reading skip a
pattern (issue 16) change no answer: each is compared with the same computation without it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import assignments, heuristics, judge, references

_PIECES = [
    "${", "}", "$", "${self:custom.x}", "${env:A, 'x'}", "${VAR:-d}", "${VAR}", "$VAR", "$HOME", "\\${",
    "${!Lit}", "{{", "}}", "-", "--", " -", "\t-", "\n-", "--api-key=", "-p ", "x", "A", "=", ": ", "?",
    "&", "key=v", " ", "\n", "\u00a0", "\u2028", "é", "\ud800", ":", "'", '"', "(", ")", ".", "[0]", "[",
    "]", "items", "Default", "pub", "_", "key", "Pub", "Key", "public", "APIKey", "Pass", "Word", "pass",
    "word", "\u212a", "\u017f", "9", "v2", "DB", "{", '":', "\r",
]  # fmt: skip
_TEXTS = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join), st.text(max_size=50))


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_shell_references_as_without_the_dollar_check(text: str) -> None:
    quick = references._analyze(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(references, "_free_dollar", lambda text, taken: "$" in text)
        assert references._analyze(text) == quick


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_command_line_options_as_without_the_dash_check(text: str) -> None:
    quick = assignments.assignments(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignments, "_may_hold_option", lambda text: True)
        assert assignments.assignments(text) == quick


def _key_name_before(key: str) -> str:
    for segment in reversed(key.split(".")):
        indexed = heuristics._SEGMENT_WITH_INDEX.match(segment)
        if indexed:
            inner = indexed.group("inner").strip("'\"")
            segment = indexed.group("outer") if inner.isdigit() or not inner else inner
        if segment.strip().lower() not in heuristics._POSITIONAL_SEGMENTS and not segment.isdigit():
            return segment.strip()
    return ""


def _declares_public_before(words: tuple[str, ...]) -> bool:
    if heuristics._PUBLIC_WORDS.intersection(words) or "pubkey" in words:
        return True
    return any(word == "pub" and words[index + 1 : index + 2] == ("key",) for index, word in enumerate(words))


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_key_names_read_as_before(key: str) -> None:
    assert heuristics.key_name(key) == _key_name_before(key)
    words = heuristics.key_words(key)
    assert heuristics.declares_public(words) == _declares_public_before(words)


def test_the_shortcuts_meet_what_they_skip() -> None:
    assert references._analyze("${self:custom.x}").references  # a variable, with its `$` inside it
    assert not references._free_dollar("${self:custom.x}", _taken_by_variables("${self:custom.x}"))
    assert references._free_dollar("${self:x} $HOME", _taken_by_variables("${self:x} $HOME"))
    assert assignments._may_hold_option("-p secret") and assignments._may_hold_option("run --key=x")
    assert not assignments._may_hold_option("my-service-prod")
    assert heuristics.declares_public(("vapid", "pub", "key"))


@pytest.mark.parametrize("count", [1, 31, 32, 33, 100])
def test_past_the_checked_marks_the_patterns_decide(count: int) -> None:
    dollars = "${self:x}" * count + " $HOME"
    assert references._analyze(dollars).references[-1].address == "HOME"
    assert not references._free_dollar("${self:x}" * count, _taken_by_variables("${self:x}" * count)) or (
        count >= references._DOLLARS_CHECKED
    )
    dashes = "a-" * count + " -p secret"
    assert [setting.key for setting in assignments.assignments(dashes)] == ["p"]
    assert not assignments._may_hold_option("a-" * count) or count >= assignments._DASHES_CHECKED


def _taken_by_variables(text: str) -> references.SpanUnion:
    taken = references.SpanUnion()
    for variable in references.parse_variables(text):
        taken.add(variable.start, variable.end)
    return taken


_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def _key_words_before(key: str) -> tuple[str, ...]:
    """`key_words` as it was: the name split at every run of other characters first."""
    words: list[str] = []
    for part in _NON_ALNUM.split(heuristics.key_name(key)):
        for word in heuristics._CAMEL_WORDS.findall(part):
            lowered = word.lower()
            if words and words[-1] == "pass" and lowered in heuristics._PASS_SUFFIXES:
                words[-1] += lowered
            else:
                words.append(lowered)
    return tuple(words)


@settings(max_examples=800, deadline=None)
@given(_TEXTS)
def test_key_words_as_split_before(key: str) -> None:
    assert heuristics.key_words(key) == _key_words_before(key)


@pytest.mark.parametrize(
    "key",
    ["PassWord", "dbPassWord", "DB_PassWord_Key", "PassPhrase", "passCode", "PassKey", "Pass_Word",
     "PassWords", "APIPassWord2", "xPassWordPass", "PASS_WORD", "pass-word-key", "myPass.Word"],
)  # fmt: skip
def test_key_words_join_pass_and_its_suffix_as_before(key: str) -> None:
    # The generated names above rarely put `Pass` right before a suffix (a review found a broken join that
    # they missed); these always do.
    assert heuristics.key_words(key) == _key_words_before(key)


def _may_hold_pairs_before(text: str) -> bool:
    equals = text.count("=")
    if equals >= 2 or (equals == 1 and judge._SINGLE_ASSIGNMENT.fullmatch(text.strip()) is not None):
        return True
    if " =" in text or "= " in text or ("\n" in text.strip() and (equals or ": " in text)):
        return True
    if ("?" in text and equals) or " --" in text or text.startswith("--"):
        return True
    return text.lstrip().startswith("{") and '":' in text


@settings(max_examples=800, deadline=None)
@given(_TEXTS)
def test_may_hold_pairs_as_before(text: str) -> None:
    assert judge.may_hold_pairs(text) == _may_hold_pairs_before(text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_literal_spans_as_their_definition(text: str) -> None:
    """An analysis (without references, indexed by the shared empty index, or with them) says a span is
    literal exactly when it lies outside every reference or inside a literal fallback."""
    analysis = references._analyze(text)
    for start in range(len(text) + 1):
        for end in range(start, min(len(text), start + 6) + 1):
            outside = all(end <= ref.start or ref.end <= start for ref in analysis.references)
            held = [fb for fb in analysis.fallbacks if fb.start <= start and end <= fb.end]
            assert analysis.is_literal_span(start, end) == (outside or bool(held)), (start, end)
            assert (analysis.fallback_at(start, end) is not None) == bool(held), (start, end)


def _kind_before(key: str) -> heuristics.SecretKind | None:
    """`secret_kind_of_key` as it was (unremembered)."""
    words = heuristics.meaningful_words(key)
    if not words:
        return None
    while len(words) > 1 and words[-1] in heuristics._FORM_WORDS:
        words = words[:-1]
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    if last == "hash" and (before in heuristics._SECRET_WORDS or before in heuristics._PASSWORD_WORDS):
        kind: heuristics.SecretKind | None = heuristics.SecretKind.SECRET
    elif last == "key":
        kind = heuristics._kind_of_key_word(before)
    else:
        kind = heuristics._kind_of_word(last, before)
    if kind is None:
        kind = heuristics._kind_of_head_first(words)
    private = (
        heuristics.SecretKind.PASSWORD,
        heuristics.SecretKind.SECRET,
        heuristics.SecretKind.PRIVATE_KEY,
    )
    if kind in private:
        return kind
    return None if _declares_public_before(words) else kind


def _in_passing_before(key: str) -> bool:
    words = heuristics.meaningful_words(key)
    return (
        _kind_before(key) is None
        and not _declares_public_before(words)
        and any(word in heuristics._SECRET_WORDS for word in words[:-1])
    )


def _lookup_before(key: str) -> bool:
    words = heuristics.meaningful_words(key)
    while len(words) > 2 and words[-1] in heuristics._FORM_WORDS:
        words = words[:-1]
    if (
        len(words) < 2
        or words[-2] in heuristics._RANDOM_OR_PUBLIC_BY_DESIGN
        or _declares_public_before(words)
    ):
        return False
    last, before = words[-1], words[-2]
    if last == "key":
        return before in heuristics._NON_SECRET_KEY_QUALIFIERS
    return heuristics._kind_of_word(last, before) is None and heuristics._kind_of_word(last, "") is not None


_KEY_WORDS = sorted(
    heuristics._PASSWORD_WORDS
    | heuristics._SECRET_WORDS
    | heuristics._TOKEN_WORDS
    | heuristics._CREDENTIAL_WORDS
    | heuristics._PUBLIC_WORDS
    | heuristics._FORM_WORDS
    | heuristics._NON_SECRET_TOKEN_QUALIFIERS
    | heuristics._NON_SECRET_PASSWORD_QUALIFIERS
    | heuristics._UNLOCKED_THINGS
    | {"key", "hash", "pub", "private", "lock", "index", "client", "id", "name", "apikey", "2", "prod", "x"}
)
_KEYS = st.lists(
    st.tuples(st.sampled_from(_KEY_WORDS), st.sampled_from(["_", "-", ".", "", "__"])), min_size=1, max_size=5
).map(lambda parts: "".join(word + sep for word, sep in parts))


@settings(max_examples=1500, deadline=None)
@given(_KEYS | st.text(max_size=30))
def test_key_kinds_as_before(key: str) -> None:
    assert heuristics.kind_of_key_name(key) == _kind_before(key)
    assert heuristics.names_secret_in_passing(key) == _in_passing_before(key)
    assert heuristics.names_a_lookup_key(key) == _lookup_before(key)
