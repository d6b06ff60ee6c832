"""bench/accuracy.py scoring: a finding counts for a label only when it starts on the label's lines."""

from __future__ import annotations

from bench.accuracy import Report, _score
from bot.core.findings import Finding, Severity


def _finding(line: int, end_line: int) -> Finding:
    return Finding(
        path="f", line=line, column=1, end_line=end_line, key="k", rule="r", severity=Severity.HIGH,
        message="m", redacted="r", fingerprint=f"{line}-{end_line}",
    )  # fmt: skip


def _entry(*secrets: dict[str, object]) -> dict[str, object]:
    return {"file": "files/001-gcp-env-yaml/.env.yaml", "secrets": list(secrets)}


def test_a_finding_spanning_many_labels_is_a_hit_on_the_first_only() -> None:
    report = Report()
    labels = [{"line": line, "kind": "generic-api-key"} for line in (1, 2, 3)]
    _score(report, _entry(*labels), [_finding(1, 9)])
    assert (report.total.found, report.total.missed, report.total.false_alarms) == (1, 2, 0)


def test_a_pem_block_label_matches_a_finding_on_its_first_line() -> None:
    report = Report()
    _score(report, _entry({"line": 4, "end_line": 12, "kind": "private-key"}), [_finding(4, 12)])
    assert (report.total.found, report.total.missed, report.total.false_alarms) == (1, 0, 0)


def test_a_finding_that_starts_before_the_label_is_a_false_alarm_and_a_miss() -> None:
    report = Report()
    _score(report, _entry({"line": 5, "kind": "password"}), [_finding(3, 6)])
    assert (report.total.found, report.total.missed, report.total.false_alarms) == (0, 1, 1)
