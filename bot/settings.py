"""Process settings, read once in the entry point from the environment and a `.env` file.

Names follow Probot's so that an App registered for a Probot bot can be pointed at this one unchanged. Nothing
here runs at import time: `Settings.from_env()` is called by `secrets-bot serve` / `worker` and the result is
passed down. A bad value is reported by variable name only; secrets never reach a message or a `repr`.

`.env` is read with `bot.dotenv` (no python-dotenv dependency). Variables already in the environment win
over the file, as with python-dotenv's default.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from bot.dotenv import parse_dotenv
from bot.fingerprint_keys import BadKey, derived_from_private_key, parse_key

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_QUEUE_URL = "sqlite:///.secrets-bot/queue.db"
DEFAULT_DATABASE_URL = "sqlite:///.secrets-bot/findings.db"  # beside the queue: no service to start
DEFAULT_WEBHOOK_PATH = "/api/github/webhooks"
DEFAULT_SQLITE_WORKERS = 2
DEFAULT_SHUTDOWN_TIMEOUT = 20.0
DEFAULT_JOB_TIMEOUT = 120.0
DEFAULT_VERIFY_CACHE_SECONDS = 3600.0
DEFAULT_VERIFY_TIMEOUT = 5.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """One or more settings are missing or malformed; the message names variables, never values."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid settings: " + "; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class Settings:
    app_id: int | None = None
    private_key: str | None = field(default=None, repr=False)
    webhook_secret: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_API_URL
    host: str = "127.0.0.1"
    port: int = 3000
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    queue_url: str = field(default=DEFAULT_QUEUE_URL, repr=False)  # a Redis URL may carry a password
    log_level: str = "INFO"
    workers: int | None = None  # worker processes `serve` starts; None = the default for the queue kind
    webhook_proxy_url: str | None = None
    job_retries: int = 5
    job_retry_delay: float = 2.0
    shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT  # seconds running jobs get to finish on SIGTERM
    metrics_port: int | None = None  # `secrets-bot worker` serves /metrics here when set
    app_manifest: Path = Path("app.yml")  # the App manifest the setup page registers
    public_url: str | None = None  # where GitHub and browsers reach the bot; the setup page's callback base
    job_timeout: float = DEFAULT_JOB_TIMEOUT  # seconds one job may run before it is stopped and failed
    baseline_forks: bool = False  # BASELINE_FORKS=on: forks get a baseline scan at install too
    baseline_rate_floor: float = (
        0.2  # baseline jobs wait while less than this share of the rate limit is left
    )
    env_file: Path = Path(".env")
    # FINGERPRINT_KEY as set; None before setup and in installs older than the setting (see `scan_key`).
    fingerprint_key: bytes | None = field(default=None, repr=False)
    # The findings store: a SQLite file, or PostgreSQL shared by several instances (may carry a password).
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)
    # Validity checks with each value's provider (docs/verification.md): off unless VERIFY_SECRETS=on.
    verify_secrets: bool = False
    verify_history: bool = True  # VERIFY_HISTORY=off: values found only in older commits are never checked
    verify_cache_seconds: float = DEFAULT_VERIFY_CACHE_SECONDS  # how long an active/inactive answer is kept
    verify_timeout: float = DEFAULT_VERIFY_TIMEOUT  # seconds per request to a provider
    overview: bool = True  # OVERVIEW=off: no /overview page at all (404)
    # The App's OAuth client (the manifest conversion returns it): the overview's "Sign in with GitHub".
    github_client_id: str | None = None
    github_client_secret: str | None = field(default=None, repr=False)
    github_url: str | None = None  # GitHub's web origin (GHES: https://HOST); None: derived from the API URL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, env_file: Path | None = None) -> Settings:
        """Settings from `environ` (default: `os.environ`) over the `.env` file, or `SettingsError`."""
        dotenv_path = env_file if env_file is not None else Path(".env")
        values = dict(_read_dotenv(dotenv_path))
        values.update(os.environ if environ is None else environ)
        return _build(values, dotenv_path)

    @property
    def is_configured(self) -> bool:
        """An App is registered: webhooks can be verified and installation tokens minted."""
        return self.app_id is not None and bool(self.private_key) and bool(self.webhook_secret)

    @property
    def scan_key(self) -> bytes | None:
        """The key published fingerprints are keyed with: FINGERPRINT_KEY, else one derived from the private
        key (installs configured before FINGERPRINT_KEY existed), else None (no App yet: nothing to scan)."""
        if self.fingerprint_key is not None:
            return self.fingerprint_key
        return derived_from_private_key(self.private_key) if self.private_key else None

    @property
    def uses_redis(self) -> bool:
        return self.queue_url.startswith(("redis://", "rediss://"))

    @property
    def serve_workers(self) -> int:
        """Worker processes `serve` starts: by default some on SQLite, none on Redis (separate workers)."""
        if self.workers is not None:
            return self.workers
        return 0 if self.uses_redis else DEFAULT_SQLITE_WORKERS

    @property
    def sqlite_path(self) -> Path:
        """The queue file of a `sqlite:///PATH` URL (`sqlite:////abs` for an absolute path)."""
        return Path(self.queue_url.removeprefix("sqlite:///"))

    @property
    def queue_display(self) -> str:
        """The queue URL with any password masked, for logs and the setup page."""
        parts = urlsplit(self.queue_url)
        if parts.password is None:
            return self.queue_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))


def _read_dotenv(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError([f"{path}: cannot read the .env file ({type(error).__name__})"]) from None
    try:
        return parse_dotenv(text)
    except ValueError as error:
        raise SettingsError([f"{path}: {error}"]) from None


def _build(values: Mapping[str, str], env_file: Path) -> Settings:
    problems: list[str] = []
    reader = _Reader(values, problems)
    app_id = reader.integer("APP_ID", minimum=1)
    private_key = _private_key(reader)
    webhook_secret = reader.text("WEBHOOK_SECRET")
    if app_id is not None:
        _require_app_secrets(private_key, webhook_secret, problems)
    settings = Settings(
        app_id=app_id,
        private_key=private_key,
        webhook_secret=webhook_secret,
        github_api_url=_api_url(reader),
        host=reader.text("HOST") or "127.0.0.1",
        port=reader.integer("PORT", minimum=1, maximum=65535) or 3000,
        webhook_path=_webhook_path(reader),
        queue_url=_queue_url(reader),
        log_level=_log_level(reader),
        workers=reader.integer("WORKERS", minimum=0, maximum=64),
        webhook_proxy_url=reader.url("WEBHOOK_PROXY_URL"),
        job_retries=_default(reader.integer("JOB_RETRIES", minimum=0, maximum=20), 5),
        job_retry_delay=_default(reader.number("JOB_RETRY_DELAY", minimum=0.0, maximum=600.0), 2.0),
        shutdown_timeout=_default(
            reader.number("SHUTDOWN_TIMEOUT", minimum=0.0, maximum=3600.0), DEFAULT_SHUTDOWN_TIMEOUT
        ),
        metrics_port=reader.integer("METRICS_PORT", minimum=1, maximum=65535),
        app_manifest=Path(reader.text("APP_MANIFEST") or "app.yml"),
        public_url=_public_url(reader),
        job_timeout=_default(reader.number("JOB_TIMEOUT", minimum=1.0, maximum=3600.0), DEFAULT_JOB_TIMEOUT),
        env_file=env_file,
        fingerprint_key=_fingerprint_key(reader),
        database_url=_database_url(reader),
        baseline_forks=reader.switch("BASELINE_FORKS", default=False),
        baseline_rate_floor=_default(reader.number("BASELINE_RATE_FLOOR", minimum=0.0, maximum=0.9), 0.2),
        verify_secrets=reader.switch("VERIFY_SECRETS", default=False),
        verify_history=reader.switch("VERIFY_HISTORY", default=True),
        verify_cache_seconds=_default(
            reader.number("VERIFY_CACHE_SECONDS", minimum=0.0, maximum=7 * 86_400.0),
            DEFAULT_VERIFY_CACHE_SECONDS,
        ),
        verify_timeout=_default(
            reader.number("VERIFY_TIMEOUT", minimum=0.5, maximum=30.0), DEFAULT_VERIFY_TIMEOUT
        ),
        overview=reader.switch("OVERVIEW", default=True),
        github_client_id=reader.text("GITHUB_CLIENT_ID"),
        github_client_secret=reader.text("GITHUB_CLIENT_SECRET"),
        github_url=reader.url("GITHUB_URL"),
    )
    if problems:
        raise SettingsError(problems)
    return settings


_T = TypeVar("_T")


def _default(value: _T | None, fallback: _T) -> _T:
    return fallback if value is None else value


class _Reader:
    """Reads one variable at a time, recording a problem (by name only) instead of raising."""

    def __init__(self, values: Mapping[str, str], problems: list[str]) -> None:
        self._values = values
        self._problems = problems

    def text(self, name: str) -> str | None:
        value = self._values.get(name, "").strip()
        return value or None

    def problem(self, name: str, what: str) -> None:
        self._problems.append(f"{name} {what}")

    def integer(self, name: str, *, minimum: int, maximum: int | None = None) -> int | None:
        raw = self.text(name)
        if raw is None:
            return None
        if not raw.isdigit() or int(raw) < minimum or (maximum is not None and int(raw) > maximum):
            bound = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            self.problem(name, f"must be an integer {bound}")
            return None
        return int(raw)

    def number(self, name: str, *, minimum: float, maximum: float) -> float | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not minimum <= value <= maximum:
            self.problem(name, f"must be a number {minimum}..{maximum}")
            return None
        return value

    def switch(self, name: str, *, default: bool) -> bool:
        raw = self.text(name)
        if raw is None:
            return default
        if raw.lower() not in ("on", "off"):
            self.problem(name, "must be on or off")
            return default
        return raw.lower() == "on"

    def url(self, name: str) -> str | None:
        raw = self.text(name)
        if raw is None:
            return None
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.problem(name, "must be an http(s) URL")
            return None
        return raw.rstrip("/")


def _private_key(reader: _Reader) -> str | None:
    inline = reader.text("PRIVATE_KEY")
    path = reader.text("PRIVATE_KEY_PATH")
    if inline is not None:
        return _pem_or_none(_decode_inline_key(inline), "PRIVATE_KEY", reader)
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reader.problem("PRIVATE_KEY_PATH", f"names a file that cannot be read ({type(error).__name__})")
        return None
    return _pem_or_none(text, "PRIVATE_KEY_PATH", reader)


def _decode_inline_key(value: str) -> str:
    """Probot accepts the PEM with literal `\\n`s, or base64 of the PEM (handy in CI secrets)."""
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n")
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return value


def _pem_or_none(text: str, name: str, reader: _Reader) -> str | None:
    stripped = text.strip()
    if not (stripped.startswith("-----BEGIN") and "PRIVATE KEY-----" in stripped):
        reader.problem(name, "is not a PEM private key")
        return None
    return stripped + "\n"


def _require_app_secrets(private_key: str | None, webhook_secret: str | None, problems: list[str]) -> None:
    if private_key is None and not any(p.startswith("PRIVATE_KEY") for p in problems):
        problems.append("PRIVATE_KEY or PRIVATE_KEY_PATH is required when APP_ID is set")
    if webhook_secret is None:
        problems.append("WEBHOOK_SECRET is required when APP_ID is set")


def _fingerprint_key(reader: _Reader) -> bytes | None:
    raw = reader.text("FINGERPRINT_KEY")
    if raw is None:
        return None
    try:
        return parse_key(raw)
    except BadKey as error:
        reader.problem("FINGERPRINT_KEY", str(error))
        return None


def _api_url(reader: _Reader) -> str:
    explicit = reader.url("GITHUB_API_URL")
    if explicit is not None:
        return explicit
    host = reader.text("GHE_HOST")
    if host is None:
        return DEFAULT_API_URL
    protocol = (reader.text("GHE_PROTOCOL") or "https").lower()
    if protocol not in ("http", "https") or "/" in host or not host:
        reader.problem("GHE_HOST", "must be a host name (and GHE_PROTOCOL http or https)")
        return DEFAULT_API_URL
    return f"{protocol}://{host}/api/v3"


def _webhook_path(reader: _Reader) -> str:
    path = reader.text("WEBHOOK_PATH") or DEFAULT_WEBHOOK_PATH
    if not path.startswith("/") or " " in path:
        reader.problem("WEBHOOK_PATH", "must be an absolute URL path starting with /")
        return DEFAULT_WEBHOOK_PATH
    return path


def _database_url(reader: _Reader) -> str:
    url = reader.text("DATABASE_URL") or DEFAULT_DATABASE_URL
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    parts = urlsplit(url)
    if parts.scheme in ("postgresql", "postgres") and parts.hostname and parts.path.strip("/"):
        return url
    reader.problem(
        "DATABASE_URL", "must be sqlite:///PATH or postgresql://[user[:password]@]host[:port]/database"
    )
    return DEFAULT_DATABASE_URL


def _queue_url(reader: _Reader) -> str:
    url = reader.text("QUEUE_URL") or DEFAULT_QUEUE_URL
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    if url.startswith(("redis://", "rediss://")):
        parts = urlsplit(url)
        database = parts.path.lstrip("/")
        try:
            valid = (
                bool(parts.hostname) and (parts.port or 6379) > 0 and (database == "" or database.isdigit())
            )
        except ValueError:
            valid = False
        if valid:
            return url
    reader.problem("QUEUE_URL", "must be sqlite:///PATH or redis://HOST:PORT/DB")
    return DEFAULT_QUEUE_URL


def _public_url(reader: _Reader) -> str | None:
    url = reader.url("PUBLIC_URL")
    if url is not None and (urlsplit(url).path not in ("", "/") or urlsplit(url).query):
        reader.problem("PUBLIC_URL", "must be an origin such as https://bot.example.com (no path)")
        return None
    return url


def _log_level(reader: _Reader) -> str:
    level = (reader.text("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        reader.problem("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}")
        return "INFO"
    return level
