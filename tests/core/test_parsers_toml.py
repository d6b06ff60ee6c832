from __future__ import annotations

import tomllib
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.tomlpos import load_toml
from bot.core.tree import Mapping, Pos, Sequence, Style, walk_scalars
from tests.core.treehelpers import plain, scalar, span

LIMITS = ScanLimits()

WRANGLER = """# wrangler
name = "worker"
main = 'src/index.ts'
vars.API_URL = "https://x.example"
site = { bucket = "./public", include = ["*.html", "*.css"] }

[env.production]
route = { pattern = "example.com/*", zone.name = "example.com" }
key = \"\"\"
first line
second line\"\"\"
raw = '''C:\\path'''

[[kv_namespaces]]
binding = "CACHE"
id = 0x1F

[[kv_namespaces]]
binding = "SESSIONS"
when = 1979-05-27T07:32:00Z
day = 1979-05-27
enabled = true
ratio = 1_000.5
"""


def failure(text: str, limits: ScanLimits = LIMITS) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_toml(text, limits)
    return caught.value


def test_top_level_values_keep_style_and_span() -> None:
    doc = load_toml(WRANGLER, LIMITS)
    name = scalar(doc.lookup(("name",)))
    assert (name.value, name.style, span(name)) == ("worker", Style.DOUBLE, (2, 8, 2, 16))
    main = scalar(doc.lookup(("main",)))
    assert (main.value, main.style, span(main)) == ("src/index.ts", Style.SINGLE, (3, 8, 3, 22))
    assert isinstance(doc.root, Mapping)
    assert doc.root.keys() == ["name", "main", "vars", "site", "env", "kv_namespaces"]
    first_key = doc.root.items[0][0]
    assert (first_key.value, span(first_key)) == ("name", (2, 1, 2, 5))


def test_dotted_keys_and_inline_tables() -> None:
    doc = load_toml(WRANGLER, LIMITS)
    assert span(scalar(doc.lookup(("vars", "API_URL")))) == (4, 16, 4, 35)
    site = doc.lookup(("site",))
    assert isinstance(site, Mapping)
    assert span(site) == (5, 8, 5, 62)
    assert span(scalar(doc.lookup(("site", "include", 1)))) == (5, 52, 5, 59)
    zone = scalar(doc.lookup(("env", "production", "route", "zone", "name")))
    assert (zone.value, span(zone)) == ("example.com", (8, 50, 8, 63))


def test_tables_and_multiline_strings() -> None:
    doc = load_toml(WRANGLER, LIMITS)
    production = doc.lookup(("env", "production"))
    assert isinstance(production, Mapping)
    assert production.start == Pos(7, 1)
    assert production.keys() == ["route", "key", "raw"]
    key = scalar(production.get("key"))
    assert (key.value, key.style, span(key)) == ("first line\nsecond line", Style.MULTILINE, (9, 7, 11, 15))
    raw = scalar(production.get("raw"))
    assert (raw.value, raw.style, span(raw)) == ("C:\\path", Style.MULTILINE, (12, 7, 12, 20))


def test_arrays_of_tables_become_a_sequence_of_mappings() -> None:
    doc = load_toml(WRANGLER, LIMITS)
    namespaces = doc.lookup(("kv_namespaces",))
    assert isinstance(namespaces, Sequence)
    assert (namespaces.start, len(namespaces.items)) == (Pos(14, 1), 2)
    assert [item.start.line for item in namespaces.items] == [14, 18]
    assert span(scalar(doc.lookup(("kv_namespaces", 1, "binding")))) == (19, 11, 19, 21)


def test_values_are_typed_and_dates_keep_their_text() -> None:
    doc = load_toml(WRANGLER, LIMITS)
    assert scalar(doc.lookup(("kv_namespaces", 0, "id"))).value == 31
    second = doc.lookup(("kv_namespaces", 1))
    assert plain(second) == {  # type: ignore[arg-type]
        "binding": "SESSIONS",
        "when": "1979-05-27T07:32:00Z",
        "day": "1979-05-27",
        "enabled": True,
        "ratio": 1000.5,
    }
    assert span(scalar(doc.lookup(("kv_namespaces", 1, "when")))) == (20, 8, 20, 28)


def test_subtables_of_arrays_of_tables_and_quoted_keys() -> None:
    text = '[[fruit]]\nname = "apple"\n[fruit.physical]\ncolor = "red"\n[[fruit]]\n"quoted \\u0041" = 1\n'
    doc = load_toml(text, LIMITS)
    assert plain(doc.root) == tomllib.loads(text)
    assert span(scalar(doc.lookup(("fruit", 0, "physical", "color")))) == (4, 9, 4, 14)
    second = doc.lookup(("fruit", 1))
    assert isinstance(second, Mapping)
    key = second.items[0][0]
    assert (key.value, key.style, key.start) == ("quoted A", Style.DOUBLE, Pos(6, 1))


def test_empty_document_is_an_empty_mapping() -> None:
    root = load_toml("# nothing\n", LIMITS).root
    assert isinstance(root, Mapping)
    assert root.items == ()


def test_syntax_errors_report_the_line_and_never_the_value() -> None:
    secret = "AKIA" + "Q2W3E4R5" * 2
    error = failure(f'name = "x"\n[env]\ntoken = "{secret}\nnext = 1\n')
    assert (error.kind, error.line) == (NoticeKind.PARSE_ERROR, 3)
    assert "line 3" in error.message
    assert "Q2W3E4R5" not in error.message
    duplicate = failure(f'a = "{secret}"\na = "{secret}"\n')
    assert (duplicate.kind, duplicate.line) == (NoticeKind.PARSE_ERROR, 2)
    assert "Q2W3E4R5" not in duplicate.message


def test_deep_nesting_is_a_depth_error() -> None:
    assert failure("a = " + "[" * 10_000 + "]" * 10_000 + "\n").kind is NoticeKind.DEPTH_LIMIT
    shallow = ScanLimits(max_depth=3)
    assert plain(load_toml("a = [[1]]\n[b.c]\nx = 1\n", shallow).root) == {"a": [[1]], "b": {"c": {"x": 1}}}
    assert failure("a = [[[1]]]\n", shallow).kind is NoticeKind.DEPTH_LIMIT
    assert failure("x = 1\n[a.b.c]\n", shallow).line == 2
    assert failure("[[a.b]]\n", shallow).kind is NoticeKind.DEPTH_LIMIT
    assert failure("a.b.c.d = 1\n", shallow).kind is NoticeKind.DEPTH_LIMIT


toml_keys = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6
)
toml_scalars = (
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=12) | st.floats(allow_nan=False)
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(toml_keys, children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(toml_keys, toml_values, max_size=4))
def test_values_match_tomllib_and_strings_start_at_their_quote(value: dict[str, Any]) -> None:
    text = tomlkit.dumps(value)
    doc = load_toml(text, LIMITS)
    assert plain(doc.root) == tomllib.loads(text)
    lines = text.split("\n")
    for _, found in walk_scalars(doc.root):
        if isinstance(found.value, str):
            assert lines[found.start.line - 1][found.start.column - 1] in "\"'"
            assert lines[found.end.line - 1][found.end.column - 2] in "\"'"
