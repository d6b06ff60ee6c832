"""The switches: server settings (off by default, bad values named), the repository's `verify` field, the
worker building one verifier only when asked, and the check run's warning for a live key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.findings import Finding, Severity, Validity
from bot.core.repoconfig import load_repo_config
from bot.jobs.worker import _verifier
from bot.reports.check_run import CheckContext, render_check_run
from bot.settings import Settings, SettingsError
from bot.verify.limits import Outcome
from bot.verify.outcomes import with_outcome
from bot.verify.verifier import Verifier


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(env, env_file=tmp_path / ".env")


def test_verification_is_off_by_default_and_its_settings_read(tmp_path: Path) -> None:
    default = settings(tmp_path)
    assert (default.verify_secrets, default.verify_history) == (False, True)
    assert _verifier(default) is None
    on = settings(
        tmp_path, VERIFY_SECRETS="on", VERIFY_HISTORY="off", VERIFY_CACHE_SECONDS="60", VERIFY_TIMEOUT="2"
    )
    verifier = _verifier(on)
    assert isinstance(verifier, Verifier)
    assert (verifier.verify_history, verifier.cache_seconds, verifier.limits.timeout) == (False, 60.0, 2.0)
    verifier.close()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VERIFY_SECRETS", "yes"),
        ("VERIFY_HISTORY", "1"),
        ("VERIFY_CACHE_SECONDS", "-1"),
        ("VERIFY_TIMEOUT", "99"),
    ],
)
def test_a_bad_verification_setting_names_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        settings(tmp_path, **{name: value})


def test_the_repository_field_is_a_flag_defaulting_to_true() -> None:
    assert load_repo_config("")[0].verify is True
    assert load_repo_config("verify: false\n")[0].verify is False
    config, problems = load_repo_config("verify: sometimes\n")
    assert config.verify is True and problems == ["verify: must be true or false (got 'sometimes')"]


def test_fail_on_critical_is_accepted() -> None:
    config, problems = load_repo_config("fail_on: critical\n")
    assert (config.fail_on, problems) == ("critical", [])


def _finding(line: int) -> Finding:
    return Finding(
        "serverless.yml",
        line,
        5,
        line,
        "provider.environment.TOKEN",
        "github-pat",
        Severity.HIGH,
        "GitHub personal access token",
        "ghp_********abcd",
        f"v2-{line:032x}",
    )


def test_the_check_run_opens_with_a_warning_for_a_live_key_and_says_when() -> None:
    when = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    live = with_outcome(_finding(5), Outcome(Validity.ACTIVE, when, "github"))
    revoked = with_outcome(_finding(6), Outcome(Validity.INACTIVE, when, "github"))
    conclusion, output = render_check_run([live, revoked], [], CheckContext(fail_on="critical"))
    assert conclusion == "failure"
    assert output.summary.startswith(
        "> [!WARNING]\n> **1 secret verified active with its provider: rotate it"
    )
    assert "Verified active at 2026-12-07 08:30:00 UTC: rotate now." in output.summary
    assert "Verified inactive at 2026-12-07 08:30:00 UTC" in output.summary
    conclusion, _ = render_check_run([revoked], [], CheckContext(fail_on="critical"))
    assert conclusion != "failure"  # reported, not failing: only a live key fails at fail_on: critical


def test_no_rule_can_claim_critical() -> None:
    """Only a provider's answer makes a finding critical: a custom rule asking for it is refused."""
    rule = {"id": "acme-key", "description": "d", "severity": "critical", "regex": "acme_[a-z]{20}"}
    config, problems = load_repo_config(f"rules:\n  custom:\n    - {rule}\n".replace("'", '"'))
    assert config.custom_rules == ()
    assert any("severity" in problem for problem in problems)
