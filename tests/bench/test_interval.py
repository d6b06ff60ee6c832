"""The Wilson interval used to report precision and recall with their uncertainty."""

import pytest

from bench.interval import format_interval, wilson
from bench.peers.matching import Tally


def test_known_value() -> None:
    low, high = wilson(81, 100) or (0.0, 0.0)
    assert low == pytest.approx(0.7222, abs=1e-4)
    assert high == pytest.approx(0.8749, abs=1e-4)


def test_stays_inside_zero_one_at_the_edges() -> None:
    assert wilson(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    low, high = wilson(10, 10) or (0.0, 0.0)
    assert high == 1.0
    assert 0.69 < low < 0.73


def test_no_trials_has_no_interval() -> None:
    assert wilson(0, 0) is None
    assert format_interval(None) == "-"


def test_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="outside"):
        wilson(5, 3)


def test_tally_reports_intervals() -> None:
    tally = Tally(found=8, missed=2, true_alarms=8, false_alarms=0)
    document = tally.as_dict()
    assert document["recall_ci95"] == [round(b, 4) for b in wilson(8, 10) or ()]
    assert document["precision_ci95"] == [round(b, 4) for b in wilson(8, 8) or ()]
    assert format_interval(tally.recall_interval).startswith("[0.")
