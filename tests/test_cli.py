from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from bot import __version__
from bot.cli import main
from bot.core.configfile import CONFIG_MAX_BYTES
from tests.reports.sample import FINDING_KEYS
from tests.test_files import refuse_to_list

ALNUM = string.ascii_letters + string.digits
# Fake, randomly built values (never a literal in the repository). Seeded, so failures reproduce.
_RNG = random.Random(20240611)
TOKEN = "ghp_" + "".join(_RNG.choices(ALNUM, k=36))
PASSWORD = "hunter2hunter2"
SARIF_SCHEMA = Path(__file__).parent / "reports" / "sarif-schema-2.1.0.json"


def serverless(env: dict[str, str], service: str = "hello-world") -> str:
    lines = [f"service: {service}", "provider:", "  name: aws", "  runtime: python3.12", "functions:"]
    lines += ["  hello:", "    handler: handler.hello", "    environment:"]
    lines += [f"      {key}: {value}" for key, value in env.items()]
    return "\n".join(lines) + "\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scan_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(["scan", *argv, "--format", "json"], capsys)
    return code, json.loads(out), err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small repository: one leaking service, one clean service, some files that are not manifests."""
    (tmp_path / "services" / "api").mkdir(parents=True)
    (tmp_path / "services" / "api" / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    (tmp_path / "services" / "web").mkdir(parents=True)
    (tmp_path / "services" / "web" / "serverless.yml").write_text(
        serverless({"GITHUB_API_KEY": "${ssm:/web/github-api-key}"}, service="web")
    )
    (tmp_path / "services" / "api" / "handler.py").write_text(f"TOKEN = '{TOKEN}'\n")
    (tmp_path / "node_modules" / "dep").mkdir(parents=True)
    (tmp_path / "node_modules" / "dep" / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    return tmp_path


class TestExitCodes:
    def test_findings_at_or_above_the_threshold_exit_1(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 1
        assert document["files_scanned"] == 2
        assert [(f["path"], f["rule"], f["line"]) for f in document["findings"]] == [
            ("services/api/serverless.yml", "github-pat", 9)
        ]

    def test_clean_tree_exits_0(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, document, _ = scan_json([str(repo / "services" / "web")], capsys)
        assert code == 0
        assert document == {"files_scanned": 1, "files_unreadable": 0, "findings": [], "notices": []}

    def test_fail_on_never(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(["scan", str(repo), "--fail-on", "never"], capsys)[0] == 0

    def test_fail_on_high_ignores_medium_findings(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "serverless.yml").write_text(serverless({"DB_PASSWORD": PASSWORD}))
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert code == 1
        assert [f["severity"] for f in document["findings"]] == ["medium"]
        assert run(["scan", str(tmp_path), "--fail-on", "high"], capsys)[0] == 0
        assert run(["scan", str(tmp_path), "--fail-on", "low"], capsys)[0] == 1

    def test_fail_on_comes_from_the_config_file(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("fail_on: never\n")
        assert run(["scan", str(repo)], capsys)[0] == 0
        assert run(["scan", str(repo), "--fail-on", "high"], capsys)[0] == 1

    def test_missing_path_exits_2_is_counted_and_the_rest_is_still_scanned(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(["scan", str(repo), str(repo / "nope.yml")], capsys)
        assert code == 2  # even though findings alone would give 1
        assert out.startswith("services/api/serverless.yml\n")
        assert out.endswith(
            "1 finding (1 high, 0 medium, 0 low) in 1 of 2 files scanned. "
            "1 path could not be read (see the notices).\n"
        )
        assert err == "notice: nope.yml: unreadable: cannot read file (No such file or directory)\n"

    def test_missing_path_alone_is_never_clean(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, document, _ = scan_json([str(tmp_path / "nope")], capsys)
        assert code == 2
        assert (document["files_scanned"], document["files_unreadable"]) == (0, 1)
        assert [n["kind"] for n in document["notices"]] == ["unreadable"]

    def test_a_directory_that_cannot_be_listed_exits_2(
        self, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        refuse_to_list(monkeypatch, "web")
        code, out, err = run(["scan", str(repo)], capsys)
        assert code == 2
        assert "in 1 of 1 file scanned. 1 path could not be read (see the notices)." in out
        assert err == "notice: services/web: unreadable: cannot list directory (Permission denied)\n"

    @pytest.mark.parametrize(
        "argv",
        [[], ["scan"], ["scan", ".", "--format", "xml"], ["scan", ".", "--fail-on", "urgent"], ["bogus"]],
    )
    def test_usage_errors_exit_2(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(argv, capsys)
        assert code == 2
        assert "usage: secrets-bot" in err

    def test_help_exits_0(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(["scan", "--help"], capsys)
        assert code == 0
        assert "--fail-on" in out

    @pytest.mark.parametrize("argv", [["--help"], ["-h", "scan"], ["bogus"], []])
    def test_help_and_errors_outside_a_command_list_every_command(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Only the named command's parser is built (start-up time); without one, all of them are."""
        _, out, err = run(argv, capsys)
        for command in ("scan", "serve", "worker", "pre-receive", "version"):
            assert command in out + err


class TestFormats:
    def test_json_finding_has_exactly_the_documented_keys(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, document, _ = scan_json([str(repo)], capsys)
        [finding] = document["findings"]
        assert set(finding) == FINDING_KEYS
        assert set(finding["remediation"]) == {"replacement", "store_command", "docs", "runtime_hint"}
        assert (
            finding["remediation"]["replacement"]
            == "      GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}"
        )
        assert "$GITHUB_API_KEY" in finding["remediation"]["store_command"]

    def test_sarif_is_schema_valid(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(["scan", str(repo), "--format", "sarif"], capsys)
        assert code == 1
        document = json.loads(out)
        validator = Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
        assert [error.message for error in validator.iter_errors(document)] == []
        [result] = document["runs"][0]["results"]
        assert result["ruleId"] == "github-pat"
        assert (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "services/api/serverless.yml"
        )
        rule_ids = {rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]}
        assert {"github-pat", "generic-password", "aws-access-key-id"} <= rule_ids

    def test_text_groups_by_file_and_never_shows_the_secret(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(["scan", str(repo)], capsys)
        assert code == 1
        assert out.startswith("services/api/serverless.yml\n")
        assert "  9:" in out
        assert "GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}" in out
        assert "aws ssm put-parameter" in out
        assert "1 finding (1 high, 0 medium, 0 low) in 1 of 2 files scanned." in out
        assert "\x1b[" not in out  # not a terminal
        assert TOKEN not in out + err

    def test_output_file(self, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        target = tmp_path / "report.sarif"
        code, out, _ = run(["scan", str(repo), "--format", "sarif", "--output", str(target)], capsys)
        assert code == 1
        assert out == ""
        assert json.loads(target.read_text())["version"] == "2.1.0"

    def test_unwritable_output_exits_2(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(["scan", str(repo), "--output", str(repo / "missing-dir" / "r.txt")], capsys)
        assert code == 2
        assert "cannot write" in err

    def test_parallel_scan_gives_the_same_report(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        for index in range(6):
            (repo / f"svc{index}").mkdir()
            (repo / f"svc{index}" / "serverless.yml").write_text(
                serverless({"DB_PASSWORD": f"{PASSWORD}{index}"})
            )
        (repo / "svc0" / "gone.yml").symlink_to(repo / "nowhere.yml")
        serial = run(["scan", str(repo), "--format", "json", "--jobs", "1"], capsys)
        parallel = run(["scan", str(repo), "--format", "json", "--jobs", "2"], capsys)
        assert serial == parallel
        assert len(json.loads(serial[1])["findings"]) == 7

    def test_file_argument_path_is_kept(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, document, _ = scan_json([str(repo / "services" / "api" / "serverless.yml")], capsys)
        assert code == 1
        assert document["findings"][0]["path"].endswith("serverless.yml")


class TestBadInput:
    def test_empty_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "serverless.yml").write_bytes(b"")
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert (code, document["files_scanned"], document["findings"]) == (0, 1, [])

    def test_binary_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (tmp_path / "serverless.yml").write_bytes(bytes(range(256)) * 40)
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert code == 2  # not scanned, so never a clean result
        assert [n["kind"] for n in document["notices"]] == ["binary"]

    def test_ten_megabyte_file_gets_a_notice_and_the_rest_is_scanned(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (repo / "template.yaml").write_bytes(b"Resources:\n" + b"#" * 10_000_000 + b"\n")
        code, out, err = run(["scan", str(repo)], capsys)
        assert code == 2  # the findings are reported, but a file went unscanned: fail closed
        assert "notice: template.yaml: too-large: file is 10000012 bytes, over the 2000000-byte limit" in err
        assert "1 of 2 files scanned" in out
        assert "1 file not scanned in full (see the notices)." in out

    def test_max_file_size_from_the_config(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("max_file_size: 100\n")
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 2
        assert [n["kind"] for n in document["notices"]] == ["too-large", "too-large"]

    def test_incomplete_neutral_lets_unscanned_files_pass(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("max_file_size: 100\nincomplete: neutral\n")
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 0
        assert [n["kind"] for n in document["notices"]] == ["too-large", "too-large"]

    def test_unreadable_file_gets_a_notice_and_the_rest_is_scanned(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # A dangling symlink fails to open even for root (chmod 000 does not stop root).
        (repo / "services" / "serverless.yml").symlink_to(repo / "services" / "deleted.yml")
        code, out, err = run(["scan", str(repo)], capsys)
        assert code == 2
        assert (
            "notice: services/serverless.yml: unreadable: cannot read file (No such file or directory)" in err
        )
        assert "services/api/serverless.yml" in out

    def test_unreadable_file_in_json(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / "services" / "serverless.yml").symlink_to(repo / "services" / "deleted.yml")
        code, document, err = scan_json([str(repo)], capsys)
        assert code == 2
        assert err == ""
        assert document["notices"][0]["kind"] == "unreadable"
        assert (document["files_scanned"], document["files_unreadable"]) == (2, 1)

    def test_symlink_out_of_the_tree_is_a_notice_and_not_read(
        self, repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
    ) -> None:
        outside = tmp_path_factory.mktemp("outside") / "serverless.yml"
        outside.write_text(serverless({"DB_PASSWORD": PASSWORD}))
        (repo / "serverless.yml").symlink_to(outside)
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 2  # a manifest was left unread: never a clean or an ordinary result
        assert document["notices"] == [
            {
                "path": "serverless.yml",
                "kind": "unreadable",
                "message": "symlink points outside the scanned directory; not followed",
                "line": None,
            }
        ]
        assert [f["path"] for f in document["findings"]] == ["services/api/serverless.yml"]

    def test_broken_yaml_still_reports_its_secret(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}) + "  bad: [unclosed\n")
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert code == 1
        assert [f["rule"] for f in document["findings"]] == ["github-pat"]
        assert [n["kind"] for n in document["notices"]] == ["parse-error"]


class TestConfig:
    def test_broken_config_exits_2_naming_the_field_and_defaults_apply(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("fail_on: urgent\n")
        code, out, err = run(["scan", str(repo)], capsys)
        assert code == 2
        assert "fail_on: must be one of critical, high, medium, low, never (got 'urgent')" in err
        assert "services/api/serverless.yml" in out  # the scan still ran, with defaults

    def test_broken_config_in_json_is_a_notice(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        config = repo / "cfg.yml"
        config.write_text(
            "rules:\n  custom:\n    - {id: x, description: d, severity: low, regex: '(a)\\1'}\n"
        )
        code, document, _ = scan_json([str(repo), "--config", str(config)], capsys)
        assert code == 2
        [notice] = document["notices"]
        assert notice["kind"] == "config-error"
        assert notice["message"].startswith("rules.custom[0].regex: ")

    def test_missing_config_file_exits_2(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(["scan", str(repo), "--config", str(repo / "nope.yml")], capsys)
        assert code == 2
        assert "cannot read config" in err

    def test_exclude_from_config(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("paths:\n  exclude: [services/api, .github]\n")
        code, document, _ = scan_json([str(repo)], capsys)
        assert (code, document["files_scanned"], document["findings"]) == (0, 1, [])

    def test_allowlist_by_fingerprint(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, document, _ = scan_json([str(repo)], capsys)
        fingerprint = document["findings"][0]["fingerprint"]
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text(f"allowlist:\n  fingerprints: ['{fingerprint}']\n")
        code, document, _ = scan_json([str(repo)], capsys)
        assert (code, document["findings"]) == (0, [])

    def test_inline_suppression(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        text = serverless(
            {"GITHUB_API_KEY": f"{TOKEN}  # secrets-bot: ignore[github-pat]", "DB_PASSWORD": PASSWORD}
        )
        (tmp_path / "serverless.yml").write_text(text)
        _, document, _ = scan_json([str(tmp_path)], capsys)
        assert [f["rule"] for f in document["findings"]] == ["generic-password"]

    def test_custom_rule_that_would_backtrack_finishes(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / ".github").mkdir()
        (tmp_path / ".github" / "secrets-bot.yml").write_text(
            "rules:\n  custom:\n    - id: acme-key\n      description: ACME key\n      severity: high\n"
            "      regex: '(?P<secret>(a+)+acme[0-9]{6})'\n      keywords: [acme]\n"
        )
        (tmp_path / "serverless.yml").write_text(serverless({"ACME": "a" * 30_000 + "acme!"}))
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert (code, document["findings"]) == (0, [])


def test_canary_never_appears_in_any_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A fake secret in every manifest format we read: no report format may repeat it."""
    canary = "Zq" + "".join(random.Random(99).choices(ALNUM, k=34))
    token = "ghp_" + canary
    (tmp_path / "serverless.yml").write_text(
        serverless({"GITHUB_API_KEY": token, "DB_PASSWORD": canary, "URL": f"postgres://app:{canary}@db/x"})
    )
    (tmp_path / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Environment:\n        Variables:\n"
        f"          API_TOKEN: {token}\n          DB_PASSWORD: {canary}\n"
    )
    (tmp_path / "local.settings.json").write_text(
        json.dumps({"IsEncrypted": False, "Values": {"API_TOKEN": token, "DB_PASSWORD": canary}}, indent=2)
    )
    (tmp_path / ".env.yaml").write_text(f"API_TOKEN: {token}\nDB_PASSWORD: {canary}\n")
    (tmp_path / "samconfig.toml").write_text(
        "version = 0.1\n[default.deploy.parameters]\n"
        f'parameter_overrides = "DbPassword={canary} Token={token}"\n'
    )
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "serverless.yml").write_text(f"service: x\nprovider: [\n  token: {token}\n")
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "serverless.yml").write_text(
        "service: refs\nprovider:\n  name: aws\n  environment:\n    API_KEY: ${self:custom.apiKey}\n"
        f"    FALLBACK: ${{env:FALLBACK, '{canary}'}}\ncustom:\n  apiKey: {canary}\n"
        f"  url: postgres://app:{canary}@db.example.com/x\n"
        f'  pem: "-----BEGIN PRIVATE KEY-----\\n{canary * 3}\\n-----END PRIVATE KEY-----"\n'
    )
    (tmp_path / "refs" / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties:\n      Environment:\n        Variables:\n"
        f"          DB_URL: !Sub 'postgres://app:{canary}@${{Db.Endpoint.Address}}/x'\n"
    )
    for fmt in ("text", "json", "sarif"):
        code, out, err = run(["scan", str(tmp_path), "--format", fmt], capsys)
        assert code == 1
        assert canary not in out, fmt
        assert canary not in err, fmt
    _, document, _ = scan_json([str(tmp_path)], capsys)
    assert {f["path"] for f in document["findings"]} >= {
        "serverless.yml",
        "template.yaml",
        "local.settings.json",
        ".env.yaml",
        "samconfig.toml",
        "broken/serverless.yml",
        "refs/serverless.yml",
        "refs/template.yaml",
    }
    assert len([f for f in document["findings"] if f["path"] == "refs/serverless.yml"]) == 4


def test_canary_with_two_secrets_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    canary = "Zq" + "".join(random.Random(98).choices(ALNUM, k=34))
    token = "ghp_" + canary[::-1]
    values = {"API_TOKEN": token, "DB_PASSWORD": canary}
    (tmp_path / "local.settings.json").write_text(json.dumps({"IsEncrypted": False, "Values": values}))
    (tmp_path / "serverless.yml").write_text(
        "service: flow\nprovider:\n  name: aws\n"
        f"  environment: {{API_TOKEN: {token}, DB_PASSWORD: {canary}}}\n"
    )
    for fmt in ("text", "json", "sarif"):
        code, out, err = run(["scan", str(tmp_path), "--format", fmt], capsys)
        assert code == 1
        assert canary not in out + err, fmt


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["version"], capsys) == (0, f"secrets-bot {__version__}\n", "")


def test_console_script_end_to_end_without_the_web_stack(repo: Path) -> None:
    script = Path(sys.executable).with_name("secrets-bot")
    process = subprocess.run(
        [str(script), "scan", str(repo), "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 1, process.stderr
    assert json.loads(process.stdout)["findings"][0]["rule"] == "github-pat"
    probe = (
        "import sys; from bot.cli import main; main(['scan', sys.argv[1], '--format', 'json']); "
        "heavy = {'fastapi', 'github', 'huey', 'httpx', 'jwt', 'uvicorn'} & set(sys.modules); "
        "sys.stderr.write(repr(sorted(heavy)))"
    )
    process = subprocess.run(
        [sys.executable, "-c", probe, str(repo)], capture_output=True, text=True, timeout=60
    )
    assert process.stderr == "[]"


class TestServeAndWorker:
    """The entry points hand Settings from the environment to the app's runners (replaced here)."""

    @pytest.fixture(autouse=True)
    def clean_environment(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(tmp_path)  # no .env file
        for name in ("PORT", "WORKERS", "APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "QUEUE_URL", "LOG_LEVEL"):
            monkeypatch.delenv(name, raising=False)

    def test_serve(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        calls: list[tuple[Any, int | None]] = []
        monkeypatch.setattr(
            "bot.web.server.run", lambda settings, *, workers: calls.append((settings, workers))
        )
        monkeypatch.setenv("PORT", "8123")
        assert run(["serve", "--workers", "0"], capsys)[0] == 0
        [(settings, workers)] = calls
        assert (settings.port, workers) == (8123, 0)

    def test_worker(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        calls: list[tuple[Any, int]] = []
        monkeypatch.setattr(
            "bot.jobs.worker.run", lambda settings, concurrency: calls.append((settings, concurrency))
        )
        assert run(["worker", "--concurrency", "3"], capsys)[0] == 0
        assert [concurrency for _, concurrency in calls] == [3]

    def test_bad_settings_exit_2_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("PORT", "not-a-port")
        code, _, err = run(["serve"], capsys)
        assert code == 2
        assert err.startswith("secrets-bot: error: invalid settings: PORT")

    def test_worker_concurrency_must_be_positive(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(["worker", "--concurrency", "0"], capsys)
        assert code == 2
        assert "must be a positive integer (got '0')" in err


class TestNamedFiles:
    def test_a_named_file_no_platform_claims_is_scanned_as_generic_config(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "settings.yml").write_text(f"api:\n  github_token: {TOKEN}\n")
        (tmp_path / "deploy.sh").write_text(f"#!/bin/sh\nexport GITHUB_TOKEN={TOKEN}\n")
        code, document, _ = scan_json([str(tmp_path / "settings.yml"), str(tmp_path / "deploy.sh")], capsys)
        assert code == 1
        assert [(f["path"], f["line"], f["rule"]) for f in document["findings"]] == [
            ("deploy.sh", 2, "github-pat"),
            ("settings.yml", 2, "github-pat"),
        ]
        assert document["files_scanned"] == 2
        [notice] = document["notices"]  # the script was not parsed, and the report says so
        assert (notice["path"], notice["kind"]) == ("deploy.sh", "parse-error")
        assert notice["message"].endswith("the file was scanned line by line for secrets instead")

    def test_the_same_files_in_a_directory_walk_are_not_manifests(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "settings.yml").write_text(f"api:\n  github_token: {TOKEN}\n")
        code, document, _ = scan_json([str(tmp_path)], capsys)
        assert (code, document["findings"]) == (0, [])

    def test_a_named_file_whose_content_belies_its_name_is_reported_not_checked(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "function.json").write_text('{"note": "not an Azure function"}\n')
        code, document, _ = scan_json([str(tmp_path / "function.json")], capsys)
        assert code == 2  # asked for and not checked: never a clean exit
        assert document["files_scanned"] == 0
        [notice] = document["notices"]
        assert (notice["kind"], notice["path"]) == ("not-scanned", "function.json")
        assert "not checked" in notice["message"]


class TestConfigFileRule:
    """`.github/secrets-bot.yml` or `.yaml`, as for the bot (tests/jobs/test_config_file.py)."""

    def test_the_yaml_spelling_is_read(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yaml").write_text("fail_on: never\n")
        assert run(["scan", str(repo)], capsys)[0] == 0

    def test_when_both_exist_yml_is_used_and_the_scan_exits_2(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("fail_on: never\n")
        (repo / ".github" / "secrets-bot.yaml").write_text("fail_on: low\n")
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 2
        [notice] = document["notices"]
        assert notice == {
            "path": ".github/secrets-bot.yml",
            "kind": "config-error",
            "message": "both .github/secrets-bot.yml and .github/secrets-bot.yaml exist: "
            ".github/secrets-bot.yml is used, .github/secrets-bot.yaml is ignored; delete one",
            "line": None,
        }
        assert run(["scan", str(repo), "--fail-on", "never"], capsys)[0] == 2

    def test_the_bots_size_limit_applies(self, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("fail_on: never\n" + "#" * CONFIG_MAX_BYTES)
        code, document, _ = scan_json([str(repo)], capsys)
        assert code == 2
        assert [n["message"] for n in document["notices"]] == [
            f".github/secrets-bot.yml is over {CONFIG_MAX_BYTES:,} bytes; ignored"
        ]
        assert len(document["findings"]) == 1  # the defaults applied

    def test_the_config_is_found_at_the_repository_root_and_not_counted(
        self, repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (repo / ".git").mkdir()
        (repo / ".github").mkdir()
        (repo / ".github" / "secrets-bot.yml").write_text("fail_on: never\n")
        monkeypatch.chdir(repo / "services")
        code, document, _ = scan_json(["."], capsys)
        assert (code, document["files_scanned"]) == (0, 2)
        code, document, _ = scan_json([str(repo)], capsys)
        assert (code, document["files_scanned"]) == (0, 2)  # .github/secrets-bot.yml is read, not counted


class TestSarifLocations:
    @pytest.mark.parametrize(
        ("cwd", "argument"), [(".", "."), ("services", "."), ("services/api", "../.."), ("/", "ABS")]
    )
    def test_paths_are_relative_to_the_repository_root_wherever_the_scan_starts(
        self,
        repo: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        cwd: str,
        argument: str,
    ) -> None:
        (repo / ".git").mkdir()
        monkeypatch.chdir(repo / cwd)
        code, out, _ = run(
            ["scan", str(repo) if argument == "ABS" else argument, "--format", "sarif"], capsys
        )
        assert code == 1
        document = json.loads(out)
        validator = Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
        assert [error.message for error in validator.iter_errors(document)] == []
        [sarif_run] = document["runs"]
        assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}
        [result] = sarif_run["results"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": "services/api/serverless.yml",
            "uriBaseId": "%SRCROOT%",
        }

    def test_an_unreadable_path_marks_the_run_unsuccessful(
        self, repo: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, _ = run(["scan", str(repo), str(repo / "gone.yml"), "--format", "sarif"], capsys)
        assert code == 2
        [invocation] = json.loads(out)["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        [notification] = invocation["toolExecutionNotifications"]
        assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gone.yml"

    def test_paths_in_two_repositories_are_refused(
        self, repo: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
    ) -> None:
        other = tmp_path_factory.mktemp("other")
        code, out, err = run(["scan", str(repo), str(other), "--format", "sarif"], capsys)
        assert (code, out) == (2, "")
        assert "a SARIF report covers one repository" in err


def test_the_documented_workflow_uploads_the_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/github-actions.md: a workflow that parses, may upload, and runs the scan this CLI accepts."""
    from ruamel.yaml import YAML

    text = (Path(__file__).parents[1] / "docs" / "github-actions.md").read_text()
    blocks = [block.split("```")[0] for block in text.split("```yaml\n")[1:]]
    workflow = YAML(typ="safe").load(next(block for block in blocks if "upload-sarif@" in block))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    upload = next(
        step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    scan = next(step for step in steps if "secrets-bot scan" in step.get("run", ""))
    argv = scan["run"].split("||")[0].split()[1:]
    assert argv[argv.index("--output") + 1] == upload["with"]["sarif_file"]
    monkeypatch.chdir(tmp_path)  # the workflow's own command line, on a clean checkout
    assert run(argv, capsys) == (0, "", "")
    assert json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())["version"] == "2.1.0"
