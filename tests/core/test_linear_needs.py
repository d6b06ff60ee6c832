"""`LinearPattern(needs=...)`: a text without any of the literals is answered without the pattern, and the
answer is the pattern's own (issue 16: fewer RE2 compilations at start-up, same findings)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import bot.core
from bot.core.linear import LinearPattern

ROOT = Path(__file__).resolve().parents[2]


def test_a_text_without_the_literals_neither_compiles_nor_matches() -> None:
    pattern = LinearPattern(r"\{\{(?P<name>\w+)\}\}", needs=("{{",))
    assert pattern.search("plain value") is None and pattern._raw is None and pattern._regexp is None
    assert list(pattern.finditer("no braces")) == [] and pattern._raw is None and pattern._regexp is None
    found = pattern.search("a {{token}} here")
    assert found is not None and found["name"] == "token"


def test_ignore_case_answers_only_ascii_text_itself() -> None:
    pattern = LinearPattern(r"secrets-bot:\s*ignore", ignore_case=True, needs=("Secrets-Bot:",))
    assert pattern.cannot_match("nothing here")
    assert not pattern.cannot_match("# SECRETS-BOT: ignore")
    assert pattern.search("# SECRETS-BOT: ignore") is not None
    assert not pattern.cannot_match("\u017fecrets-bot: ignore")  # RE2 folds the long s to `s`: it decides
    assert pattern.search("\u017fecrets-bot: ignore") is not None


def _guarded() -> list[tuple[str, LinearPattern]]:
    found: list[tuple[str, LinearPattern]] = []
    for module in pkgutil.walk_packages(bot.core.__path__, "bot.core."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if isinstance(value, LinearPattern) and value._needs and value.__module__ != __name__:
                found.append((f"{module.name}.{name}", value))
    return found


def _texts() -> list[str]:
    """Lines of the tests and docs: the manifests, values and comments the scanner is tested on."""
    lines: set[str] = set()
    for path in [*ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/*.md"), *ROOT.glob("tests/**/*.json")]:
        lines.update(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return sorted(lines | _WHOLE_VALUES)


# Values that anchored patterns match only whole, as the scanner hands them over.
_WHOLE_VALUES = {
    "%DB_PASSWORD%",
    "method.request.header.x-api-key",
    "integration.response.body.token",
    "context.authorizer.principalId",
    "stageVariables.apiKey",
    "States.Format('{}', $.token)",
    "AWS::AccountId",
    "aws_secret_key",
    "my_aws_session_token",
    "db_access_key_id",
    "secret_access_key",
    "items[0]",
    "ENC[AES256_GCM,data:abc=]",
    "https://example.com/hook",
    "./keys/service.json",
    "C:\\keys\\service.pem",
    "ops@example.com",
    "us-east-1",
    "arn:aws:s3:::bucket",
    "0x" + "0" * 40,
    "eyJ" + "a" * 8 + ".eyJ" + "b" * 8 + ".c",
    "6L" + "x" * 38,
    "$2b$12$" + "a" * 53,
}


GUARDED = _guarded()


def test_the_built_in_patterns_are_guarded() -> None:
    assert len(GUARDED) >= 15


@pytest.mark.parametrize(("name", "pattern"), GUARDED, ids=[name for name, _ in GUARDED])
def test_a_guard_never_hides_a_match(name: str, pattern: LinearPattern) -> None:
    unguarded = LinearPattern(pattern.pattern)
    unguarded._flags = pattern._flags  # the same flags, without `needs`
    matched = 0
    for text in _TEXTS:
        for candidate in (text, text.strip()):
            if unguarded.search(candidate) is not None:
                matched += 1
                assert not pattern.cannot_match(candidate), (name, candidate)
    assert matched, f"{name}: no test text matches it, so its guard is untested"


_TEXTS = _texts()
