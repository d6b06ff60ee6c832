"""Where fingerprint keys come from: FINGERPRINT_KEY, the App's private key, the CLI's key file."""

from __future__ import annotations

import base64
import json
import logging
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core.findings import legacy_fingerprint
from bot.fingerprint_keys import (
    BadKey,
    derived_from_private_key,
    load_or_create_key_file,
    parse_key,
    user_key_path,
)
from bot.jobs.worker import _fingerprint_key
from bot.settings import Settings, SettingsError
from tests.test_settings import APP, PEM

KEY = bytes(range(32))
PASSWORD = "Welcome1"
MANIFEST = f"service: api\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: {PASSWORD}\n"


class TestParsing:
    @pytest.mark.parametrize(
        "text", [KEY.hex(), KEY.hex().upper(), base64.b64encode(KEY).decode(), f" {KEY.hex()}\n"]
    )
    def test_hex_or_base64_of_32_bytes(self, text: str) -> None:
        assert parse_key(text) == KEY

    @pytest.mark.parametrize("text", ["", "abcd", KEY.hex()[:-2], "not a key at all!", "zz" * 31 + "!"])
    def test_short_or_malformed_keys_are_refused_without_quoting_them(self, text: str) -> None:
        with pytest.raises(BadKey) as raised:
            parse_key(text)
        assert text.strip() not in str(raised.value) or not text.strip()


class TestServerSettings:
    def test_fingerprint_key_is_read_and_never_shown(self, tmp_path: Path) -> None:
        loaded = Settings.from_env({**APP, "FINGERPRINT_KEY": KEY.hex()}, env_file=tmp_path / ".env")
        assert loaded.fingerprint_key == KEY and loaded.scan_key == KEY
        assert KEY.hex() not in repr(loaded) and repr(KEY) not in repr(loaded)

    def test_a_malformed_key_refuses_to_start_naming_the_variable_only(self, tmp_path: Path) -> None:
        bad = "0123456789abcdef"
        with pytest.raises(SettingsError) as raised:
            Settings.from_env({**APP, "FINGERPRINT_KEY": bad}, env_file=tmp_path / ".env")
        assert any(problem.startswith("FINGERPRINT_KEY ") for problem in raised.value.problems)
        assert bad not in str(raised.value)

    def test_an_install_without_the_setting_keys_with_its_private_key(self, tmp_path: Path) -> None:
        inline = Settings.from_env(APP, env_file=tmp_path / ".env")
        key_file = tmp_path / "app.pem"
        key_file.write_text(PEM.replace("\n", "\r\n"), encoding="utf-8")
        from_file = Settings.from_env(
            {"APP_ID": "1", "PRIVATE_KEY_PATH": str(key_file), "WEBHOOK_SECRET": "w" * 20},
            env_file=tmp_path / ".env",
        )
        assert inline.fingerprint_key is None
        assert inline.scan_key == from_file.scan_key == derived_from_private_key(PEM)
        assert inline.scan_key is not None and len(inline.scan_key) == 32
        other = PEM.replace("Q" * 40, "R" * 40)
        assert derived_from_private_key(other) != inline.scan_key
        assert Settings.from_env({}, env_file=tmp_path / ".env").scan_key is None  # no App: no key

    def test_workers_refuse_to_scan_without_a_key(self) -> None:
        with pytest.raises(RuntimeError, match="FINGERPRINT_KEY"):
            _fingerprint_key(Settings())

    def test_workers_warn_when_the_key_is_derived_and_never_log_it(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        derived = Settings(app_id=1, private_key=PEM, webhook_secret="w" * 20)
        with caplog.at_level(logging.WARNING):
            key = _fingerprint_key(derived)
        assert key == derived_from_private_key(PEM)
        assert "FINGERPRINT_KEY is not set" in caplog.text
        assert key.hex() not in caplog.text
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            assert _fingerprint_key(Settings(app_id=1, private_key=PEM, fingerprint_key=KEY)) == KEY
        assert caplog.text == ""


class TestKeyFile:
    def test_created_private_on_first_use_and_stable_after(self, tmp_path: Path) -> None:
        path = user_key_path({"XDG_CONFIG_HOME": str(tmp_path / "cfg")})
        assert path == tmp_path / "cfg" / "secrets-bot" / "fingerprint.key"
        first = load_or_create_key_file(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert load_or_create_key_file(path) == first and len(first) == 32
        assert [p.name for p in path.parent.iterdir()] == ["fingerprint.key"]  # no temporary left behind

    def test_home_config_is_the_default(self) -> None:
        assert user_key_path({"HOME": "/home/dev"}) == Path("/home/dev/.config/secrets-bot/fingerprint.key")

    def test_two_first_runs_agree_on_one_key(self, tmp_path: Path) -> None:
        path = tmp_path / "secrets-bot" / "fingerprint.key"
        keys: list[bytes] = []
        threads = [
            threading.Thread(target=lambda: keys.append(load_or_create_key_file(path))) for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8 and len(set(keys)) == 1


def scan(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code = main(["scan", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else {}), captured.err


def prints(document: dict[str, Any]) -> list[str]:
    return [finding["fingerprint"] for finding in document["findings"]]


class TestCli:
    @pytest.fixture
    def repo(self, tmp_path: Path) -> Path:
        (tmp_path / "repo").mkdir()
        (tmp_path / "repo" / "serverless.yml").write_text(MANIFEST, encoding="utf-8")
        return tmp_path / "repo"

    def test_stable_across_runs_with_the_users_key_file(
        self, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
        _, first, _ = scan([str(repo)], capsys)
        key_file = tmp_path / "cfg" / "secrets-bot" / "fingerprint.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        _, second, _ = scan([str(repo)], capsys)
        assert prints(first) == prints(second) and prints(first)[0].startswith("v2-")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "another-user"))
        _, elsewhere, _ = scan([str(repo)], capsys)
        assert prints(elsewhere) != prints(first)  # another machine's key: another fingerprint

    def test_a_shared_key_gives_a_team_the_same_fingerprints(
        self, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        shared = tmp_path / "team.key"
        shared.write_text(KEY.hex() + "\n", encoding="ascii")
        _, from_file, _ = scan([str(repo), "--fingerprint-key-file", str(shared)], capsys)
        monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", base64.b64encode(KEY).decode())
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "unused"))
        _, from_env, _ = scan([str(repo)], capsys)
        assert prints(from_file) == prints(from_env)
        assert not (tmp_path / "unused").exists()  # an explicit key creates no key file
        server = Settings(app_id=1, private_key=PEM, fingerprint_key=KEY)
        assert server.scan_key == KEY  # the bot with the same FINGERPRINT_KEY agrees with the team

    def test_a_bad_key_is_a_usage_error_that_does_not_show_it(
        self, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("SECRETS_BOT_FINGERPRINT_KEY", "tooshort-but-secret")
        code, _, err = scan([str(repo)], capsys)
        assert code == 2 and "SECRETS_BOT_FINGERPRINT_KEY" in err and "tooshort-but-secret" not in err

    def test_a_legacy_allowlist_entry_still_works_and_is_reported(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, before, _ = scan([str(repo)], capsys)
        [finding] = [f for f in before["findings"] if f["rule"] == "generic-password"]
        old = legacy_fingerprint(
            path="serverless.yml", key=finding["key"], rule=finding["rule"], value=PASSWORD
        )
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text(f"allowlist:\n  fingerprints: ['{old}']\n")
        code = main(["scan", str(repo)])
        err = capsys.readouterr().err
        assert code == 0
        assert old in err and finding["fingerprint"] in err and "legacy" in err
