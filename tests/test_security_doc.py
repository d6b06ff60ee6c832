"""docs/security.md stays honest: every test it names exists, every safeguard names one, and an open defect
is listed only while a strict xfail test shows it. Each check reports every offending name at once."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from tests.processes import ROOT

DOC = ROOT / "docs" / "security.md"
TESTS = ROOT / "tests"
TEST_REFERENCE = re.compile(r"`([\w./-]+\.py)((?:::\w+)+)`")
FILE_REFERENCE = re.compile(r"`([\w./-]+\.py)`")
NOT_AUTOMATED = "not automated"
OPEN_DEFECTS = "### Open defects"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def resolved(name: str) -> Path:
    """Names are relative to tests/ (`core/test_x.py`), or to the repository (`tests/conftest.py`)."""
    return TESTS / name if (TESTS / name).is_file() else ROOT / name


@cache
def definitions(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defines(path: Path, names: list[str]) -> bool:
    """`path` defines `names[0]`, and inside it (a class) `names[1]`, and so on."""
    scope: list[ast.stmt] = definitions(path).body
    for name in names:
        found = next(
            (
                node
                for node in scope
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == name
            ),
            None,
        )
        if found is None:
            return False
        scope = found.body if isinstance(found, ast.ClassDef) else []
    return True


def references(text: str) -> list[tuple[str, list[str]]]:
    return [(match[1], match[2].split("::")[1:]) for match in TEST_REFERENCE.finditer(text)]


def test_every_test_named_in_the_threat_model_exists() -> None:
    missing = sorted(
        {
            f"{name}::{'::'.join(parts)}"
            for name, parts in references(doc())
            if not resolved(name).is_file() or not defines(resolved(name), parts)
        }
    )
    missing += sorted(
        {
            name
            for name in FILE_REFERENCE.findall(doc())
            if name.startswith(("test", "tests/")) or "/test_" in name
        }
        - {name for name in FILE_REFERENCE.findall(doc()) if resolved(name).is_file()}
    )
    assert missing == [], f"docs/security.md names {len(missing)} tests that do not exist:\n" + "\n".join(
        missing
    )


def threat_rows(text: str) -> list[str]:
    """The rows of the tables under "Threats, defences and tests" (not headers or separators)."""
    section = text.split("## Threats, defences and tests", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [row for row in rows if not row.startswith("| threat |")]


def test_every_safeguard_names_the_test_that_reaches_it() -> None:
    rows = threat_rows(doc())
    assert len(rows) > 40
    untested = [
        row.split(" | ", 1)[0].removeprefix("| ")
        for row in rows
        if not FILE_REFERENCE.search(row.rsplit(" | ", 1)[-1])
        and not TEST_REFERENCE.search(row.rsplit(" | ", 1)[-1])
        and NOT_AUTOMATED not in row.rsplit(" | ", 1)[-1]
    ]
    assert untested == [], "safeguards without a test (or an explicit 'not automated'):\n" + "\n".join(
        untested
    )


def is_strict_xfail(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and ast.unparse(decorator.func).endswith("mark.xfail")
        and any(k.arg == "strict" and ast.unparse(k.value) == "True" for k in decorator.keywords)
    )


def strict_xfails() -> set[str]:
    """`file::test` of every test in the tree marked `xfail(strict=True)`."""
    found = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(definitions(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                is_strict_xfail(d) for d in node.decorator_list
            ):
                found.add(f"{path.relative_to(TESTS).as_posix()}::{node.name}")
    return found


def test_open_defects_are_listed_only_while_a_strict_xfail_shows_them() -> None:
    text = doc()
    body, _, defects = text.partition(OPEN_DEFECTS)
    assert defects, f"docs/security.md has no '{OPEN_DEFECTS}' section"
    bullets = [line for line in defects.splitlines() if line.startswith("- ")]
    xfails = strict_xfails()
    named = {f"{name}::{'::'.join(parts)}" for name, parts in references(defects)}
    problems = [
        f"a strict xfail that docs/security.md does not list: {test}" for test in sorted(xfails - named)
    ]
    problems += [
        f"an open defect without its strict xfail test: {bullet}"
        for bullet in bullets
        if not {f"{n}::{'::'.join(p)}" for n, p in references(bullet)} & xfails
    ]
    problems += [
        f"'open defect' outside the {OPEN_DEFECTS} section: {line.strip()[:100]}"
        for line in body.splitlines()
        if "open defect" in line.lower() and not line.startswith("#")
    ]
    assert problems == [], "\n".join(problems)
