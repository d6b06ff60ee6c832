"""Every docstring in `bot/` is valid UTF-8 text.

Python 3.13 cleans docstrings' indentation when it compiles a module, and that step encodes the text: a
docstring holding a lone surrogate (a `\\ud800` written without its backslash escaped) made the module fail
to import on 3.13, although `requires-python` admits it and 3.11 never noticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

_BOT = Path(__file__).resolve().parents[1] / "bot"
_WITH_DOCSTRINGS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _docstrings(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, _WITH_DOCSTRINGS) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.append((first.lineno, first.value.value))
    return found


@pytest.mark.parametrize("path", sorted(_BOT.rglob("*.py")), ids=lambda path: str(path.relative_to(_BOT)))
def test_docstrings_encode_as_utf8(path: Path) -> None:
    for line, text in _docstrings(path.read_text(encoding="utf-8")):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pytest.fail(f"{path.name}:{line}: a docstring holds a lone surrogate; escape its backslash")


def test_a_lone_surrogate_in_a_docstring_is_caught() -> None:
    source = 'def f():\n    """A `\\ud800` escape."""\n'
    ((_, text),) = _docstrings(source)
    with pytest.raises(UnicodeEncodeError):
        text.encode("utf-8")
