"""`bot.core.sharedlines`: a finding alone on its lines keeps its replacement line as the general path
(its edit cut out of its lines and applied again) would rebuild it, for any lines and replacement."""

from __future__ import annotations

import random

import pytest

from bot.core.findings import Finding, Remediation, Severity
from bot.core.sharedlines import _applied, _edit_of, _rebuilt, settle_shared_lines

_ALPHABET = "ab: \"'#x\n"


def _finding(line: int, end_line: int, replacement: str | None) -> Finding:
    return Finding(
        path="serverless.yml", line=line, column=1, end_line=end_line, key="k", rule="generic-password",
        severity=Severity.HIGH, message="m", redacted="", fingerprint="",
        remediation=Remediation(replacement, None, ""),
    )  # fmt: skip


def _text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(size)))


@pytest.mark.parametrize("seed", range(40))
def test_alone_on_its_lines_the_replacement_is_what_the_general_path_rebuilds(seed: int) -> None:
    rng = random.Random(seed)
    lines = [_text(rng, 12).replace("\n", "") for _ in range(4)]
    for _ in range(50):
        line = rng.randrange(1, 5)
        end_line = rng.randrange(line, 5)
        replacement = _text(rng, 16)
        finding = _finding(line, end_line, replacement)
        general = _applied([_edit_of(finding, lines, replacement)], lines, line, end_line)
        assert _rebuilt(finding, [], lines) == general


def test_a_replacement_outside_the_file_or_missing_is_none() -> None:
    lines = ["a: b"]
    assert _rebuilt(_finding(2, 2, "a: c"), [], lines) is None
    assert _rebuilt(_finding(1, 1, None), [], lines) is None
    settled = settle_shared_lines([_finding(1, 1, "a: ${ssm:/x}")], lines, {})
    assert settled[0].remediation is not None and settled[0].remediation.replacement == "a: ${ssm:/x}"
