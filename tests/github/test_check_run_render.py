from __future__ import annotations

from bot.core.findings import Finding, Notice, NoticeKind, Severity
from bot.reports.check_run import NAME, CheckContext, render_check_run, render_failed_scan
from tests.github.builders import FAKE_KEY, finding
from tests.reports.inert import visible_text


def test_name_is_stable() -> None:
    assert NAME == "Serverless secrets"


def test_conclusion_follows_fail_on() -> None:
    high, low = finding(), finding(key="k", severity=Severity.LOW)

    assert render_check_run([high, low], [], CheckContext())[0] == "failure"
    assert render_check_run([low], [], CheckContext())[0] == "neutral"
    assert render_check_run([low], [], CheckContext(fail_on="low"))[0] == "failure"
    assert render_check_run([high], [], CheckContext(fail_on="never"))[0] == "neutral"
    assert render_check_run([], [], CheckContext())[0] == "success"


def test_titles_count_findings() -> None:
    assert render_check_run([], [], CheckContext())[1].title == "No hard-coded secrets"
    assert render_check_run([finding()], [], CheckContext())[1].title == "1 hard-coded secret found"
    two = [finding(), finding(key="other", line=9)]
    assert render_check_run(two, [], CheckContext())[1].title == "2 hard-coded secrets found"


def test_summary_is_a_table_with_redacted_values_and_fixes() -> None:
    item = finding()

    _, output = render_check_run([item], [], CheckContext(files_scanned=3))

    assert "Found 1 hard-coded secret in 1 of 3 manifest files scanned." in output.summary
    assert "| File | Line | What | Value | Fix |" in output.summary
    row = next(line for line in output.summary.splitlines() if line.startswith("| `serverless.yml`"))
    assert "| 7 |" in row
    assert f"`{item.redacted}`" in row
    assert "`STRIPE_KEY: ${ssm:/svc/stripe-key}`" in row
    assert FAKE_KEY not in output.summary + (output.text or "")


def test_table_cells_escape_pipes_and_backticks() -> None:
    item = finding(path="we|ird`name.yml", key="a|b")

    _, output = render_check_run([item], [], CheckContext())

    row = next(line for line in output.summary.splitlines() if "ird" in line)
    assert "``we\\|ird`name.yml``" in row
    assert row.count(" | ") == 4  # five cells, no extra column from the pipes in the path


def test_one_annotation_per_finding_at_its_line_with_level_by_severity() -> None:
    items = [
        finding(line=3, severity=Severity.HIGH, key="a"),
        finding(line=4, severity=Severity.MEDIUM, key="b"),
        finding(line=9, end_line=12, severity=Severity.LOW, key="c"),
    ]

    _, output = render_check_run(items, [], CheckContext())

    assert [(a.start_line, a.end_line, a.level) for a in output.annotations] == [
        (3, 3, "failure"),
        (4, 4, "warning"),
        (9, 12, "notice"),
    ]
    message = output.annotations[0].message
    assert "STRIPE_KEY: ${ssm:/svc/stripe-key}" in message
    assert "aws ssm put-parameter" in message
    assert FAKE_KEY not in message


def test_notices_unscanned_files_config_notes_and_leak_warning() -> None:
    notices = [
        Notice("broken.yml", NoticeKind.PARSE_ERROR, "mapping values are not allowed here", line=4),
        Notice("big/template.yaml", NoticeKind.TOO_LARGE, "larger than 2 MB"),
    ]
    context = CheckContext(
        leaked=True,
        config_problems=("fail_on: must be one of critical, high, medium, low, never",),
        config_changed=True,
    )

    _, output = render_check_run([finding()], notices, context)

    assert "`broken.yml` line 4: mapping values are not allowed here (parse\\-error)" not in output.summary
    assert "`broken.yml` line 4: mapping values are not allowed here (parse-error)" in output.summary
    assert (
        "### Not scanned\n- `big/template.yaml`: not scanned: larger than 2 MB (too-large)" in output.summary
    )
    assert "fail\\_on: must be one of" in output.summary
    assert "configuration from the base branch was used" in output.summary
    assert "Rotate each secret" in output.summary


def test_no_leak_warning_without_findings() -> None:
    _, output = render_check_run([], [], CheckContext(leaked=True))
    assert "Rotate" not in output.summary


def test_all_texts_stay_under_githubs_limit_with_thousands_of_findings() -> None:
    base = finding()
    items = [base._replace(path=f"svc{i:05}/serverless.yml", fingerprint=f"{i:032x}") for i in range(3000)]
    notices = [Notice(f"n{index}.yml", NoticeKind.TOO_LARGE, "too large") for index in range(500)]

    conclusion, output = render_check_run(items, notices, CheckContext())

    assert conclusion == "failure"
    assert len(output.summary.encode()) <= 65_535
    assert output.text is not None and len(output.text.encode()) <= 65_535
    assert "more findings, shown as annotations" in output.summary
    assert "... and 450 more" in output.summary
    assert len(output.annotations) == 3000


def test_failed_scan_says_why_and_how_to_retry() -> None:
    output = render_failed_scan("GitHub kept answering 502")

    assert output.title == "Scan could not finish"
    assert "not** checked" in output.summary
    assert "GitHub kept answering 502" in output.summary
    assert "/secrets-bot rescan" in output.summary
    assert output.annotations == ()


def advice(line: int = 9) -> Finding:
    base = finding(
        line=line, key=f"Parameters.DbPassword{line}", rule="noecho-missing", severity=Severity.LOW
    )
    return base._replace(redacted="", message="Secret-like CloudFormation parameter without NoEcho")


def test_advisories_are_counted_apart_in_title_and_summary() -> None:
    secrets = [finding(), finding(key="b", line=8), finding(key="c", line=10)]
    both = render_check_run([*secrets, advice(11), advice(12)], [], CheckContext(files_scanned=2))[1]
    alone = render_check_run([advice(11), advice(12)], [], CheckContext(files_scanned=2))[1]
    one = render_check_run([advice()], [], CheckContext(files_scanned=1))[1]

    assert both.title == "3 hard-coded secrets found; 2 advisories"
    assert "Found 3 hard-coded secrets and 2 advisories in 1 of 2 manifest files scanned." in both.summary
    assert alone.title == "No hard-coded secrets; 2 advisories"
    assert "no hard-coded secrets found. 2 advisories on how secrets are handled in 1 file." in alone.summary
    assert one.title == "No hard-coded secrets; 1 advisory"


def test_advice_has_its_own_table_without_a_value_and_no_leak_warning() -> None:
    conclusion, output = render_check_run([advice()], [], CheckContext(leaked=True))

    assert conclusion == "neutral"
    assert "| File | Line | What | Value | Fix |" not in output.summary
    assert "### Advisories\n| File | Line | Advice | Fix |" in output.summary
    row = next(line for line in output.summary.splitlines() if line.startswith("| `serverless.yml`"))
    assert row.count(" | ") == 3 and "``" not in row
    assert "Rotate" not in output.summary
    [annotation] = output.annotations
    assert annotation.title == "Advice: noecho-missing"
    assert annotation.message.startswith("Secret-like CloudFormation parameter without NoEcho.\n")
    assert "value" not in annotation.message.split("\n")[0]
    assert output.text is not None and "line 9: Advice: Secret\\-like" in output.text


def test_every_finding_says_how_to_dismiss_it_with_its_fingerprint() -> None:
    item = finding()

    _, output = render_check_run([item], [], CheckContext())

    assert output.text is not None
    text = visible_text(output.text)
    assert "# secrets-bot: ignore[stripe-secret-key]" in text
    assert f'allowlist: {{fingerprints: ["{item.fingerprint}"]}}' in text
    [annotation] = output.annotations
    assert (
        f"Not a secret? add '# secrets-bot: ignore[stripe-secret-key]' at the end of the line, or add "
        f'allowlist: {{fingerprints: ["{item.fingerprint}"]}} to .github/secrets-bot.yml.'
    ) in annotation.message


def test_a_pushs_acknowledgement_record_heads_the_text_and_is_never_clipped() -> None:
    base = finding()
    items = [base._replace(path=f"svc{i:05}/serverless.yml", fingerprint=f"{i:032x}") for i in range(3000)]
    record = (
        "## /secrets-bot rotated\n\n<!-- secrets-bot:rotated fingerprint=v2-ab sha=" + "a" * 40 + " by=x -->"
    )

    _, output = render_check_run(items, [], CheckContext(records=record))
    _, alone = render_check_run([], [], CheckContext(records=record))

    assert output.text is not None and output.text.startswith(record + "\n\n## How to fix each finding")
    assert len(output.text.encode()) <= 65_535 and "(truncated" in output.text
    assert alone.text == record
