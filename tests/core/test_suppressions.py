from __future__ import annotations

import pytest

from bot.core.config import Allowlist, ScanConfig
from bot.core.suppressions import (
    glob_to_regex,
    is_allowlisted,
    is_path_ignored,
    is_suppressed_inline,
    matches_glob,
)

FAKE_TOKEN = "ghp_" + "A1b2" * 9


def lines_of(text: str) -> list[str]:
    return text.splitlines()


class TestInlineSuppression:
    @pytest.mark.parametrize(
        "text",
        [
            f"  GITHUB_TOKEN: {FAKE_TOKEN}  # secrets-bot: ignore",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} # secrets-bot: ignore[github-pat]",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} # secrets-bot: ignore[slack-token, github-pat]",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} #secrets-bot:ignore",
            f'  "GITHUB_TOKEN": "{FAKE_TOKEN}", // secrets-bot: ignore',
        ],
    )
    def test_trailing_comment_on_the_finding_line(self, text: str) -> None:
        assert is_suppressed_inline(["provider:", text], 2, "github-pat")

    def test_comment_on_the_line_above(self) -> None:
        text = f"environment:\n  # secrets-bot: ignore[github-pat]\n  GITHUB_TOKEN: {FAKE_TOKEN}\n"
        assert is_suppressed_inline(lines_of(text), 3, "github-pat")

    def test_other_rule_ids_are_not_suppressed(self) -> None:
        text = f"environment:\n  GITHUB_TOKEN: {FAKE_TOKEN}  # secrets-bot: ignore[slack-token]\n"
        assert not is_suppressed_inline(lines_of(text), 2, "github-pat")

    def test_a_trailing_comment_on_the_line_above_belongs_to_that_line(self) -> None:
        text = f"  OTHER: x  # secrets-bot: ignore\n  GITHUB_TOKEN: {FAKE_TOKEN}\n"
        assert not is_suppressed_inline(lines_of(text), 2, "github-pat")

    def test_two_lines_above_does_not_count(self) -> None:
        text = f"# secrets-bot: ignore\nenv:\n  GITHUB_TOKEN: {FAKE_TOKEN}\n"
        assert not is_suppressed_inline(lines_of(text), 3, "github-pat")

    def test_no_comment_means_not_suppressed(self) -> None:
        assert not is_suppressed_inline([f"TOKEN: {FAKE_TOKEN}  # deploy key"], 1, "github-pat")

    @pytest.mark.parametrize("line", [0, 5, -1])
    def test_out_of_range_lines_are_not_suppressed(self, line: int) -> None:
        assert not is_suppressed_inline(["# secrets-bot: ignore"], line, "github-pat")

    def test_first_line_has_no_line_above(self) -> None:
        assert not is_suppressed_inline([f"TOKEN: {FAKE_TOKEN}"], 1, "github-pat")


class TestAllowlist:
    def test_fingerprint(self) -> None:
        config = ScanConfig(allowlist=Allowlist(fingerprints=frozenset({"ab" * 16})))
        assert is_allowlisted(value=FAKE_TOKEN, fingerprint="ab" * 16, config=config)
        assert not is_allowlisted(value=FAKE_TOKEN, fingerprint="cd" * 16, config=config)

    def test_value_pattern_matches_anywhere(self) -> None:
        config = ScanConfig(allowlist=Allowlist(value_patterns=("^test-", "EXAMPLE")))
        assert is_allowlisted(value="test-" + "x9" * 8, fingerprint="0" * 32, config=config)
        assert is_allowlisted(value="AKIA" + "EXAMPLE" + "1234", fingerprint="0" * 32, config=config)
        assert not is_allowlisted(value=FAKE_TOKEN, fingerprint="0" * 32, config=config)

    def test_backtracking_pattern_cannot_hang(self) -> None:
        """`(a+)+$` takes exponential time in a backtracking engine; RE2 answers in linear time."""
        config = ScanConfig(allowlist=Allowlist(value_patterns=("(a+)+$",)))
        assert not is_allowlisted(value="a" * 50_000 + "!", fingerprint="0" * 32, config=config)

    def test_pattern_rejected_by_re2_is_skipped(self) -> None:
        config = ScanConfig(allowlist=Allowlist(value_patterns=(r"(a)\1", "^keep")))
        assert is_allowlisted(value="keep-me", fingerprint="0" * 32, config=config)
        assert not is_allowlisted(value="aa", fingerprint="0" * 32, config=config)


class TestGlobs:
    @pytest.mark.parametrize(
        ("path", "pattern"),
        [
            ("serverless.yml", "serverless.yml"),
            ("services/api/serverless.yml", "serverless.yml"),
            ("services/api/template.yaml", "*.yaml"),
            ("services/api/template.yaml", "services/**"),
            ("services/api/template.yaml", "services"),
            ("services/api/template.yaml", "services/"),
            ("services/api/template.yaml", "./services/*/template.yaml"),
            ("services/api/template.yaml", "**/template.yaml"),
            ("template.yaml", "**/template.yaml"),
            ("a/b/c/d.json", "a/**/d.json"),
            ("a/d.json", "a/**/d.json"),
            ("env/prod.env.yaml", "env/prod.[de]nv.yaml"),
            ("env/prod.env.yaml", "env/pro?.env.yaml"),
            ("examples/x.yml", "[!s]*"),
        ],
    )
    def test_matches(self, path: str, pattern: str) -> None:
        assert matches_glob(path, pattern)

    @pytest.mark.parametrize(
        ("path", "pattern"),
        [
            ("services/api/serverless.yml", "services/*.yml"),
            ("services/api/serverless.yml", "api/serverless.yml"),
            ("serverless.yml", "*.yaml"),
            ("a/b/d.json", "a/*/c/d.json"),
            ("servicesx/a.yml", "services"),
            ("services/a.yml", "s[!e]rvices/a.yml"),
            ("anything", ""),
        ],
    )
    def test_does_not_match(self, path: str, pattern: str) -> None:
        assert not matches_glob(path, pattern)

    def test_regex_special_characters_are_literal(self) -> None:
        assert matches_glob("a+b (1)/x.yml", "a+b (1)/*.yml")
        assert not matches_glob("aab (1)/x.yml", "a+b (1)/*.yml")
        assert glob_to_regex("a.b") == r"a\.b"

    def test_many_stars_cannot_hang(self) -> None:
        assert not matches_glob("a" * 3000 + "/c", "*a*a*a*a*a*a*a*a*a*a*a*b/c")


class TestPathIgnored:
    def test_exclude(self) -> None:
        config = ScanConfig(exclude=("examples/**",))
        assert is_path_ignored("examples/serverless.yml", config)
        assert not is_path_ignored("serverless.yml", config)

    def test_include_limits_what_is_scanned(self) -> None:
        config = ScanConfig(include=("services/**",))
        assert not is_path_ignored("services/a/serverless.yml", config)
        assert is_path_ignored("tools/serverless.yml", config)

    def test_allowlisted_paths(self) -> None:
        config = ScanConfig(allowlist=Allowlist(paths=("fixtures",)))
        assert is_path_ignored("tests/fixtures/serverless.yml", config)

    def test_exclude_wins_over_include(self) -> None:
        config = ScanConfig(include=("services/**",), exclude=("**/legacy/**",))
        assert is_path_ignored("services/legacy/serverless.yml", config)

    def test_defaults_ignore_nothing(self) -> None:
        assert not is_path_ignored("deep/path/serverless.yml", ScanConfig())
