"""The pure fix: each platform's case fixed from the suggestions' own edits, no fragment of a value left."""

from __future__ import annotations

import pytest

from bot.core.advisories import ADVISORY_IDS
from bot.core.findings import Finding, Remediation, Severity
from bot.core.fix import LineEdit, fix_file, line_edit
from tests.core.platforms.test_aws_keys import KEY_ID, LAMBDA_MANIFESTS
from tests.core.platforms.test_aws_keys import SECRET as AWS_SECRET
from tests.core.test_bounded_work import join_split_template
from tests.core.test_scanner_cases import CASES, SECRETS, Case, scan
from tests.reports.sample import make_finding


def secrets_in(findings: tuple[Finding, ...]) -> list[Finding]:
    return [finding for finding in findings if finding.rule not in ADVISORY_IDS]


def fragments(value: str, size: int = 8) -> set[str]:
    return {value[start : start + size] for start in range(max(len(value) - size + 1, 1))}


def assert_no_fragment(data: bytes, values: tuple[str, ...]) -> None:
    text = data.decode("utf-8")
    for value in values:
        assert not any(piece in text for piece in fragments(value)), "a fragment of a value is still there"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_fixed_case_has_no_finding_left_and_no_fragment_of_a_value(case: Case) -> None:
    before = scan(case.path, case.text)
    chosen = secrets_in(before.findings)
    fixed = fix_file(case.text.encode(), chosen)

    assert fixed.by_hand == () and set(fixed.applied) == set(chosen)
    after = scan(case.path, fixed.data)
    assert after.platform == before.platform and after.notices == ()
    assert {f.fingerprint for f in secrets_in(after.findings)} & {f.fingerprint for f in chosen} == set()
    assert [f for f in after.findings if f.severity in (Severity.MEDIUM, Severity.HIGH)] == []
    assert_no_fragment(fixed.data, tuple(value for value in SECRETS if value in case.text))


@pytest.mark.parametrize("name", sorted(LAMBDA_MANIFESTS))
def test_an_iam_users_keys_in_a_lambda_environment_are_deleted_where_one_click_fixable(name: str) -> None:
    path, text, _ = LAMBDA_MANIFESTS[name]
    before = scan(path, text)
    fixed = fix_file(text.encode(), secrets_in(before.findings))

    after = scan(path, fixed.data)
    assert {f.fingerprint for f in after.findings} & {f.fingerprint for f in fixed.applied} == set()
    if not fixed.by_hand:
        assert_no_fragment(fixed.data, (KEY_ID, AWS_SECRET))


def test_the_fix_is_the_review_suggestions_edit() -> None:
    case = CASES[0]
    chosen = secrets_in(scan(case.path, case.text).findings)
    lines = case.text.split("\n")
    for finding in chosen:
        edit = line_edit(finding)
        assert edit is not None and finding.remediation is not None
        assert edit == LineEdit(finding.line, finding.end_line, finding.remediation.replacement or "")
        alone = fix_file(case.text.encode(), [finding]).data.decode().split("\n")
        expected = lines[: edit.start - 1] + ([edit.text] if edit.text else []) + lines[edit.end :]
        assert alone == expected


def test_a_value_split_by_join_is_left_for_a_hand_fix() -> None:
    text = join_split_template()
    chosen = [f for f in scan("template.yaml", text).findings if f.rule == "github-pat"]
    assert chosen and all(line_edit(f) is None for f in chosen)

    fixed = fix_file(text.encode(), chosen)

    assert fixed.data == text.encode() and not fixed.changed and fixed.by_hand == tuple(chosen)


def test_crlf_line_endings_and_a_byte_order_mark_are_kept() -> None:
    case = CASES[0]
    data = ("\ufeff" + case.text.replace("\n", "\r\n")).encode()
    chosen = secrets_in(scan(case.path, data).findings)

    fixed = fix_file(data, chosen)

    assert fixed.applied and fixed.data.startswith("\ufeff".encode())
    text = fixed.data.decode()
    assert text.count("\n") == text.count("\r\n")
    assert not secrets_in(scan(case.path, fixed.data).findings)


def _finding(line: int, end_line: int, replacement: str | None, fingerprint: str) -> Finding:
    remediation = Remediation(replacement, None, "https://docs.example")
    return make_finding(line=line, remediation=remediation)._replace(
        end_line=end_line, fingerprint=fingerprint
    )


def test_overlapping_findings_with_different_edits_are_both_left_alone() -> None:
    data = b"a: 1\nb: 2\nc: 3\nd: 4\n"
    clash = [_finding(2, 3, "b: ref", "v2-a"), _finding(3, 3, "c: ref", "v2-b")]
    agree = [_finding(4, 4, "d: ref", "v2-c"), _finding(4, 4, "d: ref", "v2-d")]

    fixed = fix_file(data, [*clash, *agree])

    assert fixed.data == b"a: 1\nb: 2\nc: 3\nd: ref\n"
    assert set(fixed.by_hand) == set(clash) and set(fixed.applied) == set(agree)


def test_an_empty_replacement_deletes_the_lines_and_a_line_out_of_range_is_not_touched() -> None:
    data = b"a: 1\nb: 2\nc: 3\n"
    gone, outside = _finding(2, 2, "", "v2-a"), _finding(9, 9, "x", "v2-b")

    fixed = fix_file(data, [gone, outside])

    assert fixed.data == b"a: 1\nc: 3\n" and fixed.by_hand == (outside,)


def test_bytes_that_are_not_utf8_are_never_rewritten() -> None:
    finding = _finding(1, 1, "a: ref", "v2-a")

    fixed = fix_file(b"a: \xff\xfe\n", [finding])

    assert fixed.data == b"a: \xff\xfe\n" and fixed.by_hand == (finding,)
