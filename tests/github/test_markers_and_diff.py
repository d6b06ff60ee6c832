from __future__ import annotations

import pytest

from bot.reports.diff import added_lines, commentable_lines
from bot.reports.markers import RESOLVED_MARKER, fingerprints_in, is_resolved, marker_for


def test_marker_round_trip() -> None:
    body = "Found a key.\n\n" + marker_for("0f1e2d3c4b5a69788796a5b4c3d2e1f0")

    assert fingerprints_in(body) == {"0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
    assert marker_for("abc").startswith("<!--") and marker_for("abc").endswith("-->")


def test_markers_are_hidden_html_and_reject_injection() -> None:
    with pytest.raises(ValueError):
        marker_for("abc --> <img src=x>")
    with pytest.raises(ValueError):
        marker_for("")


def test_several_markers_and_none() -> None:
    assert fingerprints_in(marker_for("aa") + "\n" + marker_for("bb")) == {"aa", "bb"}
    assert fingerprints_in("a human comment mentioning secrets-bot") == set()


def test_resolved_flag() -> None:
    assert is_resolved("Resolved.\n" + marker_for("aa") + "\n" + RESOLVED_MARKER)
    assert not is_resolved(marker_for("aa"))


def test_commentable_lines_are_added_and_context_lines_on_the_right() -> None:
    patch = (
        "@@ -2,4 +2,5 @@ provider:\n   name: aws\n-  old: 1\n+  new: 1\n+  more: 2\n   runtime: x\n"
        "\\ No newline at end of file"
    )

    assert commentable_lines(patch) == frozenset({2, 3, 4, 5})
    assert added_lines(patch) == frozenset({3, 4})  # the lines the pull request touches
    assert added_lines(None) == frozenset()


def test_several_hunks() -> None:
    patch = "@@ -1,2 +1,2 @@\n a\n-b\n+B\n@@ -40 +40,2 @@ x\n c\n+d"

    assert commentable_lines(patch) == frozenset({1, 2, 40, 41})


def test_new_file_and_missing_patch() -> None:
    assert commentable_lines("@@ -0,0 +1,3 @@\n+a\n+b\n+c") == frozenset({1, 2, 3})
    assert commentable_lines(None) == frozenset()
    assert commentable_lines("") == frozenset()


def test_deletions_only_have_no_right_lines_but_their_context() -> None:
    assert commentable_lines("@@ -3,3 +3,2 @@\n keep\n-gone\n keep2") == frozenset({3, 4})
