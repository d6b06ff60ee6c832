"""`secrets-bot scan --verify`: outcomes in every format, exit codes with `--fail-on critical`, the config's
`verify: false`, VERIFY_HISTORY=off for `--history`, and no value in any output."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.verify.verifier
from bot.cli import EXIT_CLEAN, EXIT_FINDINGS, main
from bot.verify.verifier import Verifier
from tests.test_history import Repo, quiet_git  # noqa: F401 (autouse here too: git without the user's config)
from tests.verify.fakeproviders import FakeProvider, serving
from tests.verify.values import credential

LIVE = credential("npm-token")
REVOKED = credential("npm-token")


def manifest(*values: str) -> str:
    lines = ["service: demo", "provider:", "  name: aws", "  environment:"]
    return "\n".join([*lines, *(f"    NPM_{index}: {value}" for index, value in enumerate(values))]) + "\n"


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    """The npm registry's whoami on loopback, injected where the CLI builds its verifier."""
    with serving(FakeProvider("npm", live={LIVE})) as fake:
        monkeypatch.setattr(
            bot.verify.verifier,
            "Verifier",
            functools.partial(Verifier, endpoints_for_tests={"registry.npmjs.org": fake.origin}),
        )
        monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", "ab" * 32)
        yield fake


def scan(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["scan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(root: Path, text: str, config: str | None = None) -> Path:
    (root / "serverless.yml").write_text(text)
    if config is not None:
        (root / ".github").mkdir()
        (root / ".github" / "secrets-bot.yml").write_text(config)
    return root


def by_value_order(document: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(f["severity"], f["verified"]) for f in document["findings"] if f["rule"] == "npm-token"]


def test_json_says_active_and_inactive_with_the_time(
    tmp_path: Path, npm: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(tmp_path, manifest(LIVE, REVOKED))
    code, out, _ = scan([str(root), "--verify", "--format", "json"], capsys)
    document = json.loads(out)
    assert code == EXIT_FINDINGS
    assert by_value_order(document) == [("critical", "active"), ("high", "inactive")]
    assert all(f["verified_at"].endswith("Z") for f in document["findings"] if f["rule"] == "npm-token")
    assert LIVE not in out and REVOKED not in out
    assert len(npm.requests) == 2


@pytest.mark.parametrize(("values", "expected"), [((LIVE,), EXIT_FINDINGS), ((REVOKED,), EXIT_CLEAN)])
def test_fail_on_critical_fails_only_on_a_live_key(
    tmp_path: Path,
    npm: FakeProvider,
    capsys: pytest.CaptureFixture[str],
    values: tuple[str, ...],
    expected: int,
) -> None:
    root = write(tmp_path, manifest(*values))
    code, _, _ = scan([str(root), "--verify", "--fail-on", "critical"], capsys)
    assert code == expected


def test_text_and_sarif_say_rotate_now(
    tmp_path: Path, npm: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(tmp_path, manifest(LIVE))
    _, text, _ = scan([str(root), "--verify"], capsys)
    assert "CRITICAL" in text and "Verified active at" in text and "rotate now" in text
    _, sarif, _ = scan([str(root), "--verify", "--format", "sarif"], capsys)
    [result] = [r for r in json.loads(sarif)["runs"][0]["results"] if r["ruleId"] == "npm-token"]
    assert result["level"] == "error"
    assert result["properties"]["verified"] == "active" and result["properties"]["security-severity"] == "9.5"
    assert "rotate now" in result["message"]["text"]
    assert LIVE not in text + sarif


def test_without_the_flag_nothing_is_asked(
    tmp_path: Path, npm: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(tmp_path, manifest(LIVE))
    _, out, _ = scan([str(root), "--format", "json"], capsys)
    assert npm.requests == []
    assert {f["verified"] for f in json.loads(out)["findings"]} == {None}


def test_the_config_verify_false_wins_over_the_flag(
    tmp_path: Path, npm: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(tmp_path, manifest(LIVE), config="verify: false\n")
    _, _, err = scan([str(root), "--verify"], capsys)
    assert npm.requests == []
    assert "verify: false" in err


@pytest.mark.parametrize("history_too", ["on", "off"])
def test_values_only_in_history_follow_verify_history(
    tmp_path: Path,
    npm: FakeProvider,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    history_too: str,
) -> None:
    monkeypatch.setenv("VERIFY_HISTORY", history_too)
    repo = Repo(tmp_path / "repo")
    repo.commit("leak", {"serverless.yml": manifest(LIVE)})
    repo.commit("remove", {"serverless.yml": manifest()})
    _, out, _ = scan([str(repo.root), "--history", "--verify", "--format", "json"], capsys)
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] == "npm-token"]
    assert finding["in_head"] is False
    assert finding["verified"] == ("active" if history_too == "on" else None)
    assert len(npm.requests) == (1 if history_too == "on" else 0)


@pytest.mark.parametrize("setting", ["false", "no", "0"])
def test_verify_history_other_than_on_or_off_is_refused(
    tmp_path: Path,
    npm: FakeProvider,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
) -> None:
    """A `false` meant as off must never send history's values: the server refuses it the same way."""
    monkeypatch.setenv("VERIFY_HISTORY", setting)
    root = write(tmp_path, manifest(LIVE))
    code, _, err = scan([str(root), "--verify"], capsys)
    assert code not in (EXIT_CLEAN, EXIT_FINDINGS)
    assert "VERIFY_HISTORY must be on or off" in err
    assert npm.requests == []
