"""Which files are manifests, decided from the name and the first bytes."""

from __future__ import annotations

import itertools
from pathlib import PurePosixPath

import pytest

from bot.core.config import ScanConfig
from bot.core.detect import choose, file_name, is_candidate_path
from bot.core.manifests.base import Format
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file

RULES = RuleSet.default()


@pytest.mark.parametrize(
    "path",
    [
        "serverless.yml",
        "api/serverless.yaml",
        "serverless.json",
        "serverless.prod.yml",
        "serverless.ts",
        "serverless.js",
        "template.yaml",
        "stacks/network.template",
        "infra/db.cfn.json",
        "local.settings.json",
        "functions/.env.yaml",
        "env.yaml",
        "prod.env.yaml",
        ".env.production.yml",
        "samconfig.toml",
        "samconfig.yaml",
    ],
)
def test_manifest_names_are_candidates(path: str) -> None:
    assert is_candidate_path(path)


@pytest.mark.parametrize(
    "path",
    ["package.json", "web/package-lock.json", "tsconfig.json", "src/app.py", "README.md", "Dockerfile"],
)
def test_other_files_are_not_candidates(path: str) -> None:
    assert not is_candidate_path(path)


def test_extra_patterns_make_any_file_a_candidate() -> None:
    assert not is_candidate_path("deploy/settings.conf")
    assert is_candidate_path("deploy/settings.conf", ["deploy/*.conf"])


@pytest.mark.parametrize(
    ("path", "head", "platform", "fmt"),
    [
        ("serverless.yml", "", "serverless", Format.YAML),
        ("serverless.json", "{}", "serverless", Format.JSON),
        ("sls/api.yml", "service: api\nprovider:\n  name: aws\n", "serverless", Format.YAML),
        ("sls/api.json", '{"service": "api", "provider": {"name": "aws"}}', "serverless", Format.JSON),
        ("serverless.ts", "export default {}", "serverless-code", Format.CODE),
        ("template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n", "cloudformation", Format.YAML),
        ("t.yml", "Transform: AWS::Serverless-2016-10-31\nResources: {}\n", "cloudformation", Format.YAML),
        ("stack.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", "cloudformation", Format.YAML),
        ("x.template", '{"AWSTemplateFormatVersion": "2010-09-09"}', "cloudformation", Format.JSON),
        ("x.template", "AWSTemplateFormatVersion: '2010-09-09'\n", "cloudformation", Format.YAML),
        ("local.settings.json", "{}", "azure-functions", Format.JSON),
        (".env.yaml", "A: b\n", "gcp-env-yaml", Format.YAML),
        ("samconfig.toml", "version = 0.1\n", "samconfig", Format.TOML),
    ],
)
def test_platform_and_format_come_from_name_and_first_bytes(
    path: str, head: str, platform: str, fmt: Format
) -> None:
    choice = choose(path, head.encode())
    assert choice is not None
    assert (choice.platform.id, choice.format) == (platform, fmt)


@pytest.mark.parametrize(
    ("path", "head"),
    [
        ("template.yaml", "name: cookiecutter-template\nfields: []\n"),
        ("docker-compose.yml", "services:\n  web:\n    image: nginx\n"),
        (".github/workflows/ci.yml", "on: push\njobs: {}\n"),
        ("config.json", '{"service": "x"}'),
        ("data.yaml", "\x00\x01binary"),
    ],
)
def test_generic_names_without_markers_are_not_manifests(path: str, head: str) -> None:
    assert choose(path, head.encode()) is None


@pytest.mark.parametrize(
    ("path", "head", "platform"),
    [
        (".env.yaml", "A: b\nKEY: |\n  long\n", "gcp-env-yaml"),  # gcloud's own name, flat
        ("functions/env.yml", "A: b\n", "gcp-env-yaml"),
        (".env.yaml", "A=b\n", "gcp-env-yaml"),  # dotenv lines: still flat
        (".env.yaml", "db:\n  password: x\n", "env-yaml"),  # nested: gcloud reads only flat maps
        ("env.prod.yml", "A: b\n", "env-yaml"),  # a generic name: a `${file()}` target as often
        (".env.staging.yaml", "A: b\n", "env-yaml"),
        ("prod.env.yaml", "A: b\n", "env-yaml"),
        ("env.prod.yml", "service: api\nprovider:\n  name: aws\n", "serverless"),  # content decides
        ("env.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", "cloudformation"),
    ],
)
def test_env_vars_files_are_classed_by_content_where_the_name_is_generic(
    path: str, head: str, platform: str
) -> None:
    choice = choose(path, head.encode())
    assert choice is not None and choice.platform.id == platform


def test_a_generic_env_file_gets_platform_neutral_advice_never_a_gcloud_command() -> None:
    token = "ghp_" + "A1b2C3d4" * 4 + "E5f6"
    for path in ("env.prod.yml", "config/.env.production.yaml"):
        result = scan_file(path, f"GITHUB_TOKEN: {token}\n".encode(), ruleset=RULES, config=ScanConfig())
        (finding,) = result.findings
        fix = finding.remediation
        assert result.platform == "env-yaml" and fix is not None
        assert fix.store_command is None and "gcloud" not in (fix.replacement or "")
        assert (fix.runtime_hint or "").startswith("Rotate the exposed value, then remove GITHUB_TOKEN")
        assert fix.replacement == "# GITHUB_TOKEN: removed; its new value is secret github-token"
    gcloud = scan_file(".env.yaml", f"GITHUB_TOKEN: {token}\n".encode(), ruleset=RULES, config=ScanConfig())
    fix = gcloud.findings[0].remediation
    assert fix is not None and "gcloud secrets create" in (fix.store_command or "")


def test_file_name_reads_a_path_as_pure_posix_path_does() -> None:
    """Every path of up to six characters of separators, dots and letters (a backslash is a separator)."""
    for size in range(7):
        for parts in itertools.product("/\\.aB", repeat=size):
            path = "".join(parts)
            assert file_name(path) == PurePosixPath(path.replace("\\", "/")).name.lower(), path
