from __future__ import annotations

from bot.core.findings import Notice, NoticeKind, Remediation, ScanResult
from bot.reports.text import render_notices_text, render_text
from tests.reports.sample import PASSWORD, SSM_FIX, TOKEN, make_finding, sample_results


def test_grouped_by_file_in_path_order() -> None:
    text = render_text(sample_results(), color=False)
    first = text.index("services/api/serverless.yml\n")
    second = text.index("template with space.yaml\n")
    assert first < second
    assert text.count("services/api/serverless.yml\n") == 1
    assert text.index("12:21") < text.index("30:21")


def test_frame_shows_line_key_and_redacted_value_but_never_the_value() -> None:
    results = sample_results()
    text = render_text(results, color=False)
    token_finding = results[0].findings[0]
    assert f"      30 | GITHUB_API_KEY: {token_finding.redacted}" in text
    assert TOKEN not in text
    assert PASSWORD not in text


def test_frame_without_a_key_shows_the_preview_alone() -> None:
    finding = make_finding(key="", line=3)
    text = render_text([ScanResult("serverless.yml", "serverless", findings=(finding,))], color=False)
    assert f"       3 | {finding.redacted}\n" in text


def test_fix_store_command_runtime_hint_and_docs_follow_the_finding() -> None:
    text = render_text(sample_results(), color=False)
    assert f"     fix | {SSM_FIX.replacement.strip()}" in text
    assert f"   store | {SSM_FIX.store_command}" in text
    assert f" runtime | {SSM_FIX.runtime_hint}" in text
    assert f"    docs | {SSM_FIX.docs}" in text


def test_a_fix_that_deletes_the_line_says_so() -> None:
    deletion = Remediation(replacement="", store_command=None, docs="https://example.invalid/docs")
    finding = make_finding(key="Parameters.DbPassword.Default", remediation=deletion)
    text = render_text([ScanResult("template.yaml", "cloudformation", findings=(finding,))], color=False)
    assert "     fix | delete this line" in text


def test_summary_counts_by_severity() -> None:
    text = render_text(sample_results(), color=False)
    assert text.rstrip().splitlines()[-1] == "3 findings (1 high, 1 medium, 1 low) in 2 of 4 files scanned."
    assert (
        render_text(sample_results(), color=False, files_scanned=9).rstrip().endswith("of 9 files scanned.")
    )


def test_clean_scan() -> None:
    assert render_text([ScanResult("serverless.yml", "serverless")], color=False) == (
        "No secrets found in 1 file scanned.\n"
    )


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in render_text(sample_results(), color=False)
    coloured = render_text(sample_results(), color=True)
    assert "\x1b[1;31mHIGH" in coloured
    assert "\x1b[0m" in coloured


def test_notices_are_rendered_one_per_line() -> None:
    assert render_notices_text(sample_results()) == (
        "notice: broken/serverless.yml:3: parse-error: invalid YAML at line 3\n"
    )


def test_every_remediation_field_the_json_carries_is_shown() -> None:
    """The text and JSON reports give the same advice: each `Remediation` field's text is in the frame."""
    text = render_text(sample_results(), color=False)
    for name in Remediation._fields:
        value = getattr(SSM_FIX, name)
        assert value is not None, f"SSM_FIX should set {name}"
        assert value.strip() in text, name


def test_summary_counts_paths_that_could_not_be_read() -> None:
    text = render_text(sample_results(), color=False, files_scanned=3, unreadable=2)
    assert text.rstrip().splitlines()[-1] == (
        "3 findings (1 high, 1 medium, 1 low) in 2 of 3 files scanned. "
        "2 paths could not be read (see the notices)."
    )
    clean = render_text([], color=False, files_scanned=0, unreadable=1)
    assert clean == "No secrets found in 0 files scanned. 1 path could not be read (see the notices).\n"


def test_control_characters_and_workflow_commands_in_repository_text_stay_inert() -> None:
    """A file name with a newline cannot start a line of its own in a CI log (GitHub Actions would run
    `::add-mask::` or `::error::` from it), nor paint the terminal."""
    hostile_path = "::error::pwned\n::add-mask::x\x1b[31m/serverless.yml"
    finding = make_finding(path=hostile_path, key="a.\x1b]0;title\x07\u2028KEY", remediation=SSM_FIX)
    notice = Notice(hostile_path, NoticeKind.PARSE_ERROR, "invalid\n::warning::YAML", line=2)
    results = [ScanResult(hostile_path, "serverless", findings=(finding,), notices=(notice,))]

    for text in (render_text(results, color=False), render_notices_text(results)):
        assert "\x1b" not in text and "\x07" not in text and "\u2028" not in text
        assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]
        assert "pwned\\x0a::add-mask::x\\x1b[31m/serverless.yml" in text
    assert render_text(results, color=False).startswith("\\x3a\\x3aerror::pwned\\x0a")


def test_the_legacy_workflow_command_form_is_inert_anywhere_in_a_line() -> None:
    """The runner also honours `##[command]` anywhere in a line: a path could stop the log's command
    processing (`##[stop-commands]`) or mask text (`##[add-mask]`) from the middle of a report line."""
    hostile_path = "a/##[stop-commands]token/x ##[add-mask]y ###[error]z/serverless.yml"
    finding = make_finding(path=hostile_path, key="a.##[add-matcher]m", remediation=SSM_FIX)
    notice = Notice(hostile_path, NoticeKind.PARSE_ERROR, "bad ##[error]YAML", line=1)
    results = [ScanResult(hostile_path, "serverless", findings=(finding,), notices=(notice,))]

    for text in (render_text(results, color=False), render_notices_text(results)):
        assert "##[" not in text
        assert "a/#\\x23[stop-commands]token/x #\\x23[add-mask]y ##\\x23[error]z/serverless.yml" in text


def test_a_fix_over_several_lines_is_shown_line_by_line() -> None:
    several = Remediation(
        replacement="  A: ${ssm:/a}\n  B: ${ssm:/b}", store_command=None, docs="https://d.test"
    )
    finding = make_finding(remediation=several)

    text = render_text([ScanResult("serverless.yml", "serverless", findings=(finding,))], color=False)

    assert "     fix | A: ${ssm:/a}\n         |   B: ${ssm:/b}\n" in text
