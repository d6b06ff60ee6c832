"""`${file()}` targets: which repository paths a Serverless manifest names (hostile ones refused), and their
literals judged with the consuming manifest's fix."""

from __future__ import annotations

import random
import re

import pytest

from bot.core.config import ScanConfig
from bot.core.filetargets import (
    MAX_TARGETS,
    Consumer,
    FileTarget,
    follow,
    list_targets,
    matches,
    parsed_targets,
    resolve,
    scan_target,
)
from bot.core.findings import Notice, NoticeKind
from bot.core.manifests.base import Role
from bot.core.rules import RuleSet
from bot.core.scanner import Parsed, scan_file
from tests.core.platforms.support import GITHUB_TOKEN, PASSWORD, assert_no_value_leaks, serious
from tests.timing import cpu_seconds

RULES = RuleSet.default()
CONFIG = ScanConfig()
MANIFEST = """service: api
provider:
  name: aws
  stage: prod
  environment: ${file(./env.${opt:stage}.yml)}
custom:
  secrets: ${file(./secrets.json)}
  db: ${file(./secrets.json):db.password}
  shared: ${file(../shared/common.yml):token}
functions:
  f:
    handler: h.main
"""


def consumer(text: str = MANIFEST, path: str = "svc/serverless.yml") -> Consumer:
    found = list_targets(path, text.encode(), CONFIG)
    assert found is not None
    return found


def test_targets_are_paths_relative_to_the_manifest_directory_each_listed_once() -> None:
    found = consumer()
    assert [(t.path, t.pattern, t.role) for t in found.targets] == [
        ("svc/env.*.yml", True, Role.SHARED_ENV),
        ("svc/secrets.json", False, Role.OTHER),
        ("shared/common.yml", False, Role.OTHER),
    ]
    assert found.refused == ()
    assert (found.naming.service, found.naming.stage) == ("api", "prod")


@pytest.mark.parametrize(
    "written",
    [
        "../../etc/passwd",
        "../../../x.yml",
        "./a/../../../x.yml",
        "/etc/passwd",
        "~/secrets.yml",
        "C:\\secrets.yml",
        "..\\..\\x.yml",
        "${env:HOME}/secrets.yml",
        "./${opt:dir}/secrets.yml",
        "*.yml",
        "./conf/",
        ".",
        "..",
        "",
    ],
)
def test_hostile_or_unresolvable_targets_are_refused(written: str) -> None:
    outcome = resolve("svc/serverless.yml", written)
    assert isinstance(outcome, str) and "not followed" in outcome


def test_a_refused_reference_is_a_notice_on_the_manifest() -> None:
    found = consumer("service: a\nprovider:\n  name: aws\ncustom:\n  x: ${file(../../etc/passwd)}\n")
    assert found.targets == ()
    assert [(n.path, n.kind) for n in found.refused] == [("svc/serverless.yml", NoticeKind.FILE_TARGET)]
    assert "outside the repository" in found.refused[0].message


def test_a_name_from_deploy_time_variables_matches_only_files_of_that_directory() -> None:
    target = resolve("svc/serverless.yml", "'./env.${opt:stage, \"dev\"}.yml'")
    assert isinstance(target, FileTarget) and target.pattern and target.path == "svc/env.*.yml"
    assert matches(target, "svc/env.prod.yml") and matches(target, "svc/env.dev.yml")
    assert not matches(target, "svc/env..yml") and not matches(target, "svc/env.yml")
    assert not matches(target, "svc/sub/env.prod.yml") and not matches(target, "env.prod.yml")
    assert not matches(target, "svc/env.a/b.yml")


def test_a_name_with_variables_matches_as_each_variable_standing_for_one_character_or_more() -> None:
    # Compared with the pattern the matching replaced, `[^/]+` between the literal parts, on random names.
    chance = random.Random(16)
    for _ in range(5_000):
        name = "".join(chance.choice("ab.*") for _ in range(chance.randrange(1, 8)))
        path_name = "".join(chance.choice("ab.") for _ in range(chance.randrange(0, 9)))
        target = FileTarget(f"svc/{name}", name, pattern=True)
        expected = re.fullmatch("[^/]+".join(map(re.escape, name.split("*"))), path_name) is not None
        assert matches(target, f"svc/{path_name}") is expected, (name, path_name)


def test_a_name_with_many_variables_is_matched_in_linear_time() -> None:
    # `[^/]+` between the parts tried every split of a file name among the variables: eight `${opt:x}`
    # against a 64-letter name took 5.6 s. Growth in the file name's length is compared, not seconds.
    target = resolve("serverless.yml", "./" + "a${opt:x}" * 4 + "b.yml")
    assert isinstance(target, FileTarget) and target.path == "a*a*a*a*b.yml"

    def match(length: int) -> None:
        assert not matches(target, "a" * length + ".yml")

    small, large = (cpu_seconds(lambda length=length: match(length)) for length in (50, 200))
    assert large / max(small, 1e-4) < 10


def test_the_number_of_targets_is_bounded_and_the_rest_is_not_scanned_never_silently() -> None:
    lines = "".join(f"  t{i}: ${{file(./t{i}.yml)}}\n" for i in range(MAX_TARGETS + 5))
    found = consumer(f"service: a\nprovider:\n  name: aws\ncustom:\n{lines}")
    assert len(found.targets) == MAX_TARGETS
    assert len(found.refused) == 5 and {n.kind for n in found.refused} == {NoticeKind.NOT_SCANNED}


def test_other_platforms_and_manifests_without_file_references_have_no_targets() -> None:
    assert list_targets("svc/serverless.yml", b"service: a\nprovider:\n  name: aws\n", CONFIG) is None
    assert list_targets("template.yaml", b"Resources:\n  X: ${file(./a.yml)}\n", CONFIG) is None
    assert list_targets("svc/serverless.yml", b"service: [unclosed ${file(./a.yml)}", CONFIG) is None


def test_the_scans_own_parse_gives_the_same_targets_as_reading_the_manifest_again() -> None:
    parsed: list[Parsed] = []
    scan_file("svc/serverless.yml", MANIFEST.encode(), ruleset=RULES, config=CONFIG, parsed=parsed)
    assert len(parsed) == 1
    assert parsed_targets("svc/serverless.yml", *parsed[0]) == consumer()
    template: list[Parsed] = []
    scan_file(
        "template.yaml", b"Resources:\n  X: ${file(./a.yml)}\n", ruleset=RULES, config=CONFIG, parsed=template
    )
    assert [parsed_targets("template.yaml", *item) for item in template] in ([], [None])


def test_a_target_gets_the_consumers_reference_and_naming() -> None:
    found = consumer()
    secrets = found.targets[1]
    text = f'{{\n  "db": {{"password": "{PASSWORD}"}},\n  "GITHUB_TOKEN": "{GITHUB_TOKEN}",\n  "n": 1\n}}\n'
    result = scan_target(found, secrets, "svc/secrets.json", text.encode(), ruleset=RULES, config=CONFIG)
    assert_no_value_leaks(result)
    assert result.platform == "serverless"
    by_line = {f.line: f for f in serious(result)}
    assert set(by_line) == {2, 3}
    token = by_line[3]
    assert token.remediation is not None
    assert token.remediation.replacement == '  "GITHUB_TOKEN": "${ssm:/api/prod/github-token}",'
    assert "aws ssm put-parameter --name /api/prod/github-token" in (token.remediation.store_command or "")
    assert "read by svc/serverless.yml through ${file()}" in token.message
    assert "gcloud" not in repr(result)


def test_an_env_file_consumed_as_the_environment_gets_the_lambda_fixes() -> None:
    found = consumer()
    env = found.targets[0]
    text = f"GITHUB_TOKEN: {GITHUB_TOKEN}\nAWS_ACCESS_KEY_ID: AKIA{'Q2W3E4R5T6Y7U8I9'}\n"
    result = scan_target(found, env, "svc/env.prod.yml", text.encode(), ruleset=RULES, config=CONFIG)
    fixes = {f.rule: f.remediation for f in serious(result)}
    assert fixes["github-pat"] is not None and "gcloud" not in (fixes["github-pat"].store_command or "")
    assert fixes["github-pat"].replacement == "GITHUB_TOKEN: ${ssm:/api/prod/github-token}"
    key_fix = fixes["aws-access-key-id"]
    assert (
        key_fix is not None
        and key_fix.replacement == ""
        and "update-access-key" in (key_fix.store_command or "")
    )


def test_follow_reads_each_target_once_and_says_what_it_could_not_read() -> None:
    found = consumer()
    files = {
        "svc/env.prod.yml": f"GITHUB_TOKEN: {GITHUB_TOKEN}\n".encode(),
        "svc/env.dev.yml": b"STAGE: dev\n",
        "svc/serverless.yml": MANIFEST.encode(),
    }
    reads: list[str] = []

    def read(path: str) -> bytes | Notice | None:
        reads.append(path)
        if path == "shared/common.yml":
            return Notice(path, NoticeKind.TOO_LARGE, "too large")
        return files.get(path)

    results, notices = follow(
        found, read, lambda target: [*files, "svc/sub/env.x.yml"], ruleset=RULES, config=CONFIG
    )
    assert reads == ["svc/env.dev.yml", "svc/env.prod.yml", "svc/secrets.json", "shared/common.yml"]
    assert [r.path for r in results] == ["svc/env.dev.yml", "svc/env.prod.yml", "shared/common.yml"]
    assert [f.rule for f in serious(results[1])] == ["github-pat"]
    assert not results[2].complete  # a target too large to read keeps the scan from passing
    assert [(n.path, n.kind) for n in notices] == [("svc/serverless.yml", NoticeKind.FILE_TARGET)]
    assert "svc/secrets.json is not in the repository" in notices[0].message


def test_a_pattern_that_matches_nothing_is_said() -> None:
    found = consumer()
    _, notices = follow(found, lambda path: None, lambda target: [], ruleset=RULES, config=CONFIG)
    assert any("no file matches svc/env.*.yml" in n.message for n in notices)


def test_excluded_paths_are_not_read() -> None:
    found = consumer()
    config = ScanConfig(exclude=("svc/secrets.json",))
    reads: list[str] = []

    def read(path: str) -> None:
        reads.append(path)

    follow(found, read, lambda target: [], ruleset=RULES, config=config)
    assert "svc/secrets.json" not in reads and "shared/common.yml" in reads
