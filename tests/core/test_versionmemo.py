"""Reference analyses remembered across the versions of a history scan (`bot.core.versionmemo`): the same
analysis from memory as without it, a bounded memory, no value's text held in it, and nothing remembered
outside a history scan. Fake secrets are built here."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from bot.core import versionmemo
from bot.core.config import ScanConfig
from bot.core.perfile import one_file
from bot.core.references import Analysis, _analyze, analyze
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.core.versionmemo import VersionMemory, across_versions, current

_SECRET = "Zq8" + "xW2vN7pL4kR9tY3mB6cF1hJ5"  # made up, split so that no scanner flags this file
TEXTS = [
    "",
    "plain value",
    _SECRET,
    "${ssm:/prod/db-password}",
    f"${{env:DB_PASSWORD, '{_SECRET}'}}",  # a literal fallback: never remembered
    f"${{DB_PASSWORD:-{_SECRET}}}",  # a shell default: a literal fallback too
    f"prefix-{_SECRET}-${{self:custom.stage}}",
    "${self:custom.${opt:stage, 'dev'}.key}",
    "{{resolve:secretsmanager:prod/api:SecretString:key}}",
    "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]",
    "$context.authorizer.token and process.env.API_KEY",
    "%MySetting%",
    "@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/x)",
    "${{ secrets.API_TOKEN }}",
    "x" * (versionmemo.MAX_TEXT + 1),
]


def _versions(texts: list[str], rounds: int) -> list[list[Analysis]]:
    """Each round analyses every text in a file of its own, as successive versions of a file would."""
    answers = []
    for _ in range(rounds):
        with one_file():
            answers.append([analyze(text) for text in texts])
    return answers


def test_a_remembered_analysis_equals_a_fresh_one(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = [_analyze(text) for text in TEXTS]
    analysed: list[str] = []

    def counted(text: str) -> Analysis:
        analysed.append(text)
        return _analyze(text)

    monkeypatch.setattr("bot.core.references._analyze", counted)
    memory = VersionMemory()
    with across_versions(memory):
        first, again = _versions(TEXTS, 2)
    assert first == again == fresh
    assert len(analysed) == len(TEXTS) + 4  # the second version's answers came from memory, but four
    held, _, _ = memory.held()
    assert held == len(TEXTS) - 4  # not the three with literal fallbacks, nor the text over MAX_TEXT


def test_answers_stay_the_same_after_the_memory_is_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versionmemo, "MAX_ENTRIES", 3)
    memory = VersionMemory()
    with across_versions(memory):
        rounds = _versions(TEXTS, 3)
    assert rounds == [[_analyze(text) for text in TEXTS]] * 3
    assert memory.held()[0] <= 3


def test_the_memory_is_bounded_by_answers_and_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versionmemo, "MAX_ENTRIES", 50)
    memory = VersionMemory()
    with across_versions(memory), one_file():
        for number in range(500):
            analyze(f"value {number}")
            assert memory.held()[0] <= 50
    monkeypatch.setattr(versionmemo, "MAX_BYTES", 16 << 10)
    memory = VersionMemory()
    with across_versions(memory), one_file():
        for number in range(200):
            analyze(f"${{ssm:/prod/{number}/{'p' * 1000}}}")
            assert 0 < memory.held()[1] <= 16 << 10
    assert memory.held()[0] < 200


def test_no_text_of_a_value_is_held_in_clear() -> None:
    """Keys are 16-byte keyed digests; answers hold spans and reference names, never literal text."""
    memory = VersionMemory()
    with across_versions(memory):
        _versions(TEXTS, 1)
    _, _, keys = memory.held()
    assert all(isinstance(hashed, bytes) and len(hashed) == 16 for _, hashed in keys)
    held = repr(memory._answers)
    assert _SECRET not in held and _SECRET.encode() not in b"".join(hashed for _, hashed in keys)
    assert "plain value" not in held and "/prod/db-password" in held  # a reference's name is no value


def test_nothing_is_remembered_outside_a_history_scan() -> None:
    assert current() is None
    memory = VersionMemory()
    with across_versions(memory):
        assert current() is memory
    assert current() is None
    with one_file():
        analyze("${ssm:/prod/token}")
    assert memory.held()[0] == 0


def test_a_file_scanned_with_the_memory_has_the_same_result() -> None:
    config = ScanConfig(fingerprint_key=b"k" * 32)
    rules = RuleSet.default()
    text = (
        "service: app\nprovider:\n  name: aws\n  environment:\n"
        f"    API_KEY: ${{env:API_KEY, '{_SECRET}'}}\n    DB_PASSWORD: pre{_SECRET}${{self:custom.x}}\n"
        "    STAGE: ${opt:stage, 'dev'}\n"
    )
    versions = [text, text + "    REGION: eu-west-1\n", text.replace("pre", "pro")]
    plain = [scan_file("serverless.yml", v.encode(), ruleset=rules, config=config) for v in versions]
    with across_versions(VersionMemory()):
        remembered = [scan_file("serverless.yml", v.encode(), ruleset=rules, config=config) for v in versions]
        again = [scan_file("serverless.yml", v.encode(), ruleset=rules, config=config) for v in versions]
    assert remembered == again == plain
    assert any(result.findings for result in plain)


@pytest.mark.parametrize(
    ("template", "count"),
    [
        ("value number {}", 2000),
        ("${{ssm:/prod/app/{}/key}}", 2000),
        # nested variables: each level holds its own copy of the inner text (about 130 KB an answer)
        ("${{a:" * 31 + "x{}" + "x" * 3000 + "}}" * 31, 40),
        ("${{env:A, " * 31 + "${{env:Z}}" + "y{}" + "y" * 3000 + "}}" * 31, 40),
        ("${{file(" * 30 + "p{}" + "p" * 3000 + ")}}" * 30, 40),
    ],
)
def test_the_byte_estimate_covers_what_an_answer_holds(template: str, count: int) -> None:
    """Measured: what the memory holds per answer stays under the estimate `MAX_BYTES` is counted in
    (about 180 bytes for a literal against 200, 560 for a reference against 800)."""
    texts = [template.format(number) for number in range(count)]
    memory = VersionMemory()
    with across_versions(memory):
        with one_file():
            analyze("warm")
        gc.collect()
        tracemalloc.start()
        try:
            for text in texts:
                with one_file():
                    analyze(text)
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    count, estimated, _ = memory.held()
    assert count == len(texts) + 1
    assert held <= estimated
