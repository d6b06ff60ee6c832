"""Which files are manifests, decided from the name and the first bytes."""

from __future__ import annotations

import pytest

from bot.core.detect import choose, is_candidate_path
from bot.core.manifests.base import Format


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
