from __future__ import annotations

import pytest

from bot.core.config import Allowlist, ScanConfig
from bot.core.suppressions import (
    Comments,
    glob_to_regex,
    ignore_comment_line,
    is_allowlisted,
    is_path_ignored,
    matches_glob,
)
from tests.core.test_scanner_cases import GITHUB, PASSWORD, scan, serious

FAKE_TOKEN = "ghp_" + "A1b2" * 9


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def is_suppressed_inline(
    lines: list[str], line: int, rule_id: str, comments: Comments = Comments.HASH
) -> bool:
    return ignore_comment_line(lines, line, rule_id, comments) is not None


class TestInlineSuppression:
    @pytest.mark.parametrize(
        "text",
        [
            f"  GITHUB_TOKEN: {FAKE_TOKEN}  # secrets-bot: ignore",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} # secrets-bot: ignore[github-pat]",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} # secrets-bot: ignore[slack-token, github-pat]",
            f"  GITHUB_TOKEN: {FAKE_TOKEN} #secrets-bot:ignore",
        ],
    )
    def test_trailing_comment_on_the_finding_line(self, text: str) -> None:
        assert ignore_comment_line(["provider:", text], 2, "github-pat", Comments.HASH) == 2

    def test_a_jsonc_comment_after_the_value(self) -> None:
        text = f'  "GITHUB_TOKEN": "{FAKE_TOKEN}", // secrets-bot: ignore'
        assert ignore_comment_line(["{", text], 2, "github-pat", Comments.SLASH) == 2

    def test_comment_on_the_line_above(self) -> None:
        text = f"environment:\n  # secrets-bot: ignore[github-pat]\n  GITHUB_TOKEN: {FAKE_TOKEN}\n"
        assert ignore_comment_line(lines_of(text), 3, "github-pat", Comments.HASH) == 2

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


class TestOnlyARealCommentCounts:
    """The marker counts only inside the format's own comments, never inside a value."""

    @pytest.mark.parametrize(
        "text",
        [
            f'{{"a": "# secrets-bot: ignore", "token": "{FAKE_TOKEN}"}}',  # minified JSON, one line
            f'{{"a": "// secrets-bot: ignore", "token": "{FAKE_TOKEN}"}}',
            f'{{"a": "x\\" // secrets-bot: ignore", "token": "{FAKE_TOKEN}"}}',  # escaped quote stays inside
        ],
    )
    def test_a_marker_inside_a_json_string_is_part_of_the_value(self, text: str) -> None:
        assert not is_suppressed_inline([text], 1, "github-pat", Comments.SLASH)

    def test_a_hash_in_json_is_not_a_comment(self) -> None:
        line = f'"t": "{FAKE_TOKEN}" # secrets-bot: ignore'
        assert not is_suppressed_inline([line], 1, "github-pat", Comments.SLASH)

    @pytest.mark.parametrize(
        "text",
        [
            f"TOKEN: '{FAKE_TOKEN} # secrets-bot: ignore'",  # YAML single-quoted
            f'TOKEN: "{FAKE_TOKEN} # secrets-bot: ignore"',  # YAML double-quoted
            f'token = "{FAKE_TOKEN} # secrets-bot: ignore"',  # TOML / HCL
            f"TOKEN='{FAKE_TOKEN} # secrets-bot: ignore'",  # dotenv
            f"TOKEN: {FAKE_TOKEN}#secrets-bot: ignore",  # YAML: `#` right after text is not a comment
            f'- "it\\" # secrets-bot: ignore {FAKE_TOKEN}"',  # an escaped quote does not end the string
        ],
    )
    def test_a_marker_inside_a_quoted_value_does_not_count(self, text: str) -> None:
        assert not is_suppressed_inline([text], 1, "github-pat", Comments.HASH)

    @pytest.mark.parametrize(
        "text",
        [
            f"NOTE: it's {FAKE_TOKEN}  # secrets-bot: ignore",  # an apostrophe inside a plain value
            f"TOKEN: '{FAKE_TOKEN}'  # secrets-bot: ignore",
            f'token = "{FAKE_TOKEN}" # secrets-bot: ignore',
            f"TOKEN={FAKE_TOKEN} # secrets-bot: ignore",
        ],
    )
    def test_a_real_hash_comment_counts(self, text: str) -> None:
        assert is_suppressed_inline([text], 1, "github-pat", Comments.HASH)

    def test_javascript_strings_of_every_quote(self) -> None:
        inside = f"const t = `{FAKE_TOKEN} // secrets-bot: ignore`;"
        after = f"const t = '{FAKE_TOKEN}'; // secrets-bot: ignore"
        assert not is_suppressed_inline([inside], 1, "github-pat", Comments.SLASH)
        assert is_suppressed_inline([after], 1, "github-pat", Comments.SLASH)

    def test_the_line_above_must_be_only_a_comment(self) -> None:
        lines = ['  "note": "// secrets-bot: ignore",', f'  "token": "{FAKE_TOKEN}"']
        assert not is_suppressed_inline(lines, 2, "github-pat", Comments.SLASH)
        lines = ["  // secrets-bot: ignore", f'  "token": "{FAKE_TOKEN}"']
        assert ignore_comment_line(lines, 2, "github-pat", Comments.SLASH) == 1


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


class TestScannedFiles:
    """Through `scan_file`: what an ignore marker hides in each format, and that it is kept apart."""

    def test_a_marker_in_a_string_of_minified_json_silences_nothing(self) -> None:
        text = (
            '{"service":"svc","provider":{"name":"aws","environment":{"NOTE":"# secrets-bot: ignore",'
            f'"GITHUB_TOKEN":"{GITHUB}","DB_PASSWORD":"{PASSWORD}"}}}}}}'
        )
        result = scan("serverless.json", text)
        assert {"generic-password", "github-pat"} <= {f.rule for f in result.findings}
        assert result.suppressed == ()

    def test_a_jsonc_comment_suppresses_and_the_finding_is_kept_apart(self) -> None:
        text = (
            '{\n  "service": "svc",\n  "provider": {\n    "name": "aws",\n    "environment": {\n'
            f'      "GITHUB_TOKEN": "{GITHUB}" // secrets-bot: ignore\n    }}\n  }}\n}}\n'
        )
        result = scan("serverless.json", text)
        assert serious(result) == {}
        waived = {item.finding.rule: (item.finding.line, item.comment_line) for item in result.suppressed}
        assert waived["github-pat"] == (6, 6)
        assert GITHUB not in repr(result.suppressed)

    @pytest.mark.parametrize(
        ("path", "text"),
        [
            ("netlify.toml", f'[build.environment]\n  GITHUB_TOKEN = "{GITHUB}" # secrets-bot: ignore\n'),
            ("main.tf", f'locals {{\n  github_token = "{GITHUB}" # secrets-bot: ignore\n}}\n'),
            ("functions/.env", f"GITHUB_TOKEN={GITHUB} # secrets-bot: ignore\n"),
            (
                "serverless.yml",
                "service: svc\nprovider:\n  name: aws\n  environment:\n"
                f"    # secrets-bot: ignore\n    GITHUB_TOKEN: {GITHUB}\n",
            ),
        ],
    )
    def test_a_real_comment_suppresses_in_each_hash_format(self, path: str, text: str) -> None:
        result = scan(path, text)
        assert "github-pat" not in serious(result).values()
        assert "github-pat" in {item.finding.rule for item in result.suppressed}

    @pytest.mark.parametrize(
        ("path", "text"),
        [
            ("netlify.toml", f'[build.environment]\n  GITHUB_TOKEN = "{GITHUB} # secrets-bot: ignore"\n'),
            ("main.tf", f'locals {{\n  github_token = "{GITHUB} # secrets-bot: ignore"\n}}\n'),
            ("functions/.env", f'GITHUB_TOKEN="{GITHUB} # secrets-bot: ignore"\n'),
            (
                "serverless.yml",
                f"service: svc\nprovider:\n  name: aws\n  environment:\n"
                f"    GITHUB_TOKEN: '{GITHUB} # secrets-bot: ignore'\n",
            ),
        ],
    )
    def test_a_marker_inside_a_quoted_value_suppresses_nothing(self, path: str, text: str) -> None:
        result = scan(path, text)
        assert "github-pat" in serious(result).values()
        assert result.suppressed == ()
