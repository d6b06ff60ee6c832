"""The matcher: same file, overlapping lines; recall per label, precision per distinct alarm line."""

from __future__ import annotations

from typing import Any

from bench.compare import missed_by_us, only_ours
from bench.peers.matching import Label, load_labels, matches, platform_of, score
from bench.peers.normalise import PeerFinding

ENTRIES: list[dict[str, Any]] = [
    {
        "file": "files/001-azure-functions/local.settings.json",
        "secrets": [
            {"line": 5, "key": "Values.A", "kind": "azure-storage-key"},
            {"line": 6, "key": "Values.B", "kind": "password"},
        ],
        "not_secrets": [{"line": 4, "key": "Values.C", "why": "public identifier"}],
    },
    {
        "file": "files/002-sam/template.yaml",
        "secrets": [{"line": 10, "end_line": 14, "key": "Parameters.K.Default", "kind": "private-key"}],
    },
    {"file": "files/003-serverless/serverless.yml", "secrets": [], "not_secrets": []},
]
LABELS, FILES = load_labels(ENTRIES)
AZURE, SAM = "001-azure-functions/local.settings.json", "002-sam/template.yaml"


def hit(path: str, line: int, end_line: int = 0, rule: str = "r", tool: str = "t") -> PeerFinding:
    return PeerFinding(tool, path, line, rule, end_line)


def test_labels_are_relative_to_files_and_carry_their_span() -> None:
    assert FILES == [AZURE, SAM, "003-serverless/serverless.yml"]
    assert Label(SAM, 10, 14, "private-key", "Parameters.K.Default") in LABELS
    assert platform_of(AZURE) == "azure-functions"


def test_a_finding_matches_inside_the_span_only_in_the_same_file() -> None:
    pem = next(label for label in LABELS if label.kind == "private-key")
    assert matches(hit(SAM, 12), pem)
    assert matches(hit(SAM, 8, end_line=10), pem)
    assert not matches(hit(SAM, 15), pem)
    assert not matches(hit(AZURE, 12), pem)


def test_precision_counts_distinct_lines_and_recall_counts_labels() -> None:
    findings = [
        hit(AZURE, 5, rule="a"),
        hit(AZURE, 5, rule="b"),  # same line, another rule: one alarm
        hit(AZURE, 4),  # false alarm on a public identifier
        hit(SAM, 11),
        hit(SAM, 12),  # two true alarms inside one PEM label
        hit("003-serverless/serverless.yml", 2),  # false alarm in a file without secrets
        hit("999-elsewhere/x.yml", 1),  # not a labelled file: ignored
    ]
    result = score("t", findings, LABELS, FILES)
    total = result.total
    assert (total.found, total.missed, total.true_alarms, total.false_alarms) == (2, 1, 3, 2)
    assert total.precision == 3 / 5
    assert total.label_precision == 2 / 4
    assert total.recall == 2 / 3
    assert result.by_kind["password"].missed == 1
    assert result.by_platform["serverless"].false_alarms == 1
    assert result.by_platform["sam"].recall == 1.0
    assert result.false_alarms == [(AZURE, 4), ("003-serverless/serverless.yml", 2)]


def test_no_finding_gives_zero_recall_and_no_precision() -> None:
    total = score("t", [], LABELS, FILES).total
    assert total.recall == 0.0
    assert total.precision is None
    assert total.f1 is None


def test_differences_between_us_and_the_peers() -> None:
    ours = score("us", [hit(AZURE, 5), hit(AZURE, 6)], LABELS, FILES)
    peer_a = score("a", [hit(AZURE, 5), hit(SAM, 13)], LABELS, FILES)
    peer_b = score("b", [hit(AZURE, 5)], LABELS, FILES)
    assert [label.line for label in only_ours(ours, [peer_a, peer_b])] == [6]
    missed = missed_by_us(ours, [peer_a, peer_b], LABELS)
    assert [(label.line, finders) for label, finders in missed] == [(10, ["a"])]
