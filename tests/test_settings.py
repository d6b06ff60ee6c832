"""Settings from the environment and `.env`: Probot names, clear errors by name, secrets never shown."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from bot.dotenv import parse_dotenv
from bot.settings import Settings, SettingsError

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow"
    + "Q" * 40
    + "\nAbCd"
    + "z" * 30
    + "\n-----END RSA PRIVATE KEY-----\n"
)
WEBHOOK_SECRET = "hook-" + "9f8e7d6c" * 3
APP = {"APP_ID": "123456", "PRIVATE_KEY": PEM.replace("\n", "\\n"), "WEBHOOK_SECRET": WEBHOOK_SECRET}


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(env, env_file=tmp_path / ".env")


def test_defaults_without_an_app_are_not_configured(tmp_path: Path) -> None:
    loaded = settings(tmp_path)
    assert not loaded.is_configured
    assert (loaded.port, loaded.host, loaded.webhook_path) == (3000, "127.0.0.1", "/api/github/webhooks")
    assert loaded.github_api_url == "https://api.github.com"
    assert loaded.sqlite_path == Path(".secrets-bot/queue.db")
    assert (loaded.uses_redis, loaded.serve_workers) == (False, 2)


def test_configured_app_with_an_escaped_private_key(tmp_path: Path) -> None:
    loaded = settings(tmp_path, **APP)
    assert loaded.is_configured
    assert loaded.app_id == 123456
    assert loaded.private_key == PEM
    assert loaded.webhook_secret == WEBHOOK_SECRET


def test_private_key_from_a_file_or_base64(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(PEM)
    from_file = settings(tmp_path, APP_ID="1", PRIVATE_KEY_PATH=str(key_file), WEBHOOK_SECRET=WEBHOOK_SECRET)
    encoded = base64.b64encode(PEM.encode()).decode()
    from_base64 = settings(tmp_path, APP_ID="1", PRIVATE_KEY=encoded, WEBHOOK_SECRET=WEBHOOK_SECRET)
    assert from_file.private_key == from_base64.private_key == PEM


def test_repr_never_shows_secrets(tmp_path: Path) -> None:
    loaded = settings(
        tmp_path,
        **APP,
        QUEUE_URL="redis://:redis-pass-123@localhost:6379/2",
        GITHUB_CLIENT_SECRET="oauth-secret-9",
    )
    shown = repr(loaded) + str(loaded)
    for secret in (WEBHOOK_SECRET, "MIIEow", "redis-pass-123", "oauth-secret-9"):
        assert secret not in shown
    assert loaded.queue_display == "redis://:***@localhost:6379/2"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"APP_ID": "abc"}, "APP_ID"),
        ({"APP_ID": "0"}, "APP_ID"),
        ({"APP_ID": "1", "WEBHOOK_SECRET": "s"}, "PRIVATE_KEY"),
        ({"APP_ID": "1", "PRIVATE_KEY": "not-a-key-" + "x" * 20, "WEBHOOK_SECRET": "s"}, "PRIVATE_KEY"),
        (
            {"APP_ID": "1", "PRIVATE_KEY_PATH": "/nonexistent/key.pem", "WEBHOOK_SECRET": "s"},
            "PRIVATE_KEY_PATH",
        ),
        ({"APP_ID": "1", "PRIVATE_KEY": PEM}, "WEBHOOK_SECRET"),
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"WEBHOOK_PATH": "api/hooks"}, "WEBHOOK_PATH"),
        ({"QUEUE_URL": "postgres://db/queue"}, "QUEUE_URL"),
        ({"QUEUE_URL": "redis://localhost:6379/x"}, "QUEUE_URL"),
        ({"QUEUE_URL": "redis://localhost:port/1"}, "QUEUE_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"GITHUB_API_URL": "ftp://ghe.example.com"}, "GITHUB_API_URL"),
        ({"WORKERS": "-1"}, "WORKERS"),
        ({"JOB_RETRY_DELAY": "soon"}, "JOB_RETRY_DELAY"),
    ],
)
def test_malformed_setting_names_the_variable_not_the_value(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError) as error:
        settings(tmp_path, **env)
    message = str(error.value)
    assert message.startswith("invalid settings: " + variable)
    for value in env.values():
        if len(value) > 4:
            assert value not in message


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as error:
        settings(tmp_path, PORT="x", LOG_LEVEL="x")
    assert [problem.split()[0] for problem in error.value.problems] == ["PORT", "LOG_LEVEL"]


def test_github_enterprise_server(tmp_path: Path) -> None:
    assert settings(tmp_path, GHE_HOST="ghe.example.com").github_api_url == "https://ghe.example.com/api/v3"
    explicit = settings(tmp_path, GITHUB_API_URL="https://ghe.example.com/api/v3/", GHE_HOST="other")
    assert explicit.github_api_url == "https://ghe.example.com/api/v3"


def test_redis_queue_runs_no_workers_in_serve_by_default(tmp_path: Path) -> None:
    redis = settings(tmp_path, QUEUE_URL="redis://127.0.0.1:6379/0")
    assert (redis.uses_redis, redis.serve_workers) == (True, 0)
    assert settings(tmp_path, QUEUE_URL="redis://127.0.0.1:6379/0", WORKERS="3").serve_workers == 3


def test_sqlite_queue_path(tmp_path: Path) -> None:
    assert settings(tmp_path, QUEUE_URL="sqlite:////var/lib/bot/q.db").sqlite_path == Path(
        "/var/lib/bot/q.db"
    )
    assert settings(tmp_path, QUEUE_URL="sqlite:///data/q.db").sqlite_path == Path("data/q.db")


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "# written by the setup page\n"
        "APP_ID=42\n"
        f'PRIVATE_KEY="{PEM.strip()}"\n'
        f"export WEBHOOK_SECRET='{WEBHOOK_SECRET}'\n"
        "PORT=4000 # local\n"
    )
    loaded = settings(tmp_path, PORT="5000")
    assert (loaded.app_id, loaded.port, loaded.webhook_secret) == (42, 5000, WEBHOOK_SECRET)
    assert loaded.private_key == PEM


def test_unreadable_dotenv_is_an_error_without_its_content(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("APP_ID=1\nthis line has " + WEBHOOK_SECRET + "\n")
    with pytest.raises(SettingsError, match="line 2 is not KEY=value") as error:
        settings(tmp_path)
    assert WEBHOOK_SECRET not in str(error.value)


def test_parse_dotenv_quoting() -> None:
    parsed = parse_dotenv(
        'A="line one\\nline \\"two\\""\n'
        "B='kept \\n literally'\n"
        'C="spans\nlines"\n'
        "D=\n"
        "E=value # comment\n"
        "F='#not a comment'\n"
    )
    assert parsed == {
        "A": 'line one\nline "two"',
        "B": "kept \\n literally",
        "C": "spans\nlines",
        "D": "",
        "E": "value",
        "F": "#not a comment",
    }


def test_parse_dotenv_unterminated_quote() -> None:
    with pytest.raises(ValueError, match="line 1: unterminated"):
        parse_dotenv('A="never closed\nB=2\n')


def test_operations_settings(tmp_path: Path) -> None:
    loaded = settings(tmp_path, SHUTDOWN_TIMEOUT="7.5", METRICS_PORT="9100", APP_MANIFEST="/etc/bot/app.yml")
    assert (loaded.shutdown_timeout, loaded.metrics_port) == (7.5, 9100)
    assert loaded.app_manifest == Path("/etc/bot/app.yml")
    defaults = settings(tmp_path)
    assert (defaults.shutdown_timeout, defaults.metrics_port, defaults.app_manifest) == (
        20.0,
        None,
        Path("app.yml"),
    )
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, SHUTDOWN_TIMEOUT="soon", METRICS_PORT="0")
    assert caught.value.problems == (
        "SHUTDOWN_TIMEOUT must be a number 0.0..3600.0",
        "METRICS_PORT must be an integer 1..65535",
    )


def test_baseline_settings(tmp_path: Path) -> None:
    default = settings(tmp_path)
    assert (default.baseline_forks, default.baseline_rate_floor) == (False, 0.2)
    chosen = settings(tmp_path, BASELINE_FORKS="ON", BASELINE_RATE_FLOOR="0.5")
    assert (chosen.baseline_forks, chosen.baseline_rate_floor) == (True, 0.5)
    with pytest.raises(SettingsError, match="BASELINE_FORKS must be on or off"):
        settings(tmp_path, BASELINE_FORKS="yes")
    with pytest.raises(SettingsError, match="BASELINE_RATE_FLOOR"):
        settings(tmp_path, BASELINE_RATE_FLOOR="1.5")


def test_overview_settings(tmp_path: Path) -> None:
    default = settings(tmp_path)
    assert (default.overview, default.github_client_id, default.github_client_secret, default.github_url) == (
        True,
        None,
        None,
        None,
    )
    chosen = settings(
        tmp_path,
        OVERVIEW="off",
        GITHUB_CLIENT_ID="Iv1.abc",
        GITHUB_CLIENT_SECRET="s3cret",
        GITHUB_URL="https://ghe.example.com/",
    )
    assert (chosen.overview, chosen.github_client_id, chosen.github_client_secret, chosen.github_url) == (
        False,
        "Iv1.abc",
        "s3cret",
        "https://ghe.example.com",
    )
    with pytest.raises(SettingsError, match="OVERVIEW must be on or off"):
        settings(tmp_path, OVERVIEW="maybe")
    with pytest.raises(SettingsError, match="GITHUB_URL must be an http"):
        settings(tmp_path, GITHUB_URL="ghe.example.com")
