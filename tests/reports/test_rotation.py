"""The acknowledgement rule, prefix resolution and the durable marker (`bot.reports.rotation`, `markers`)."""

from __future__ import annotations

import pytest

from bot.reports.check_run import CheckContext, render_check_run
from bot.reports.markers import RotatedMark, replied_to, reply_marker, rotated_in, rotated_marker
from bot.reports.rotation import (
    Acknowledged,
    Acknowledgement,
    Presence,
    acknowledged,
    reply,
    resolve,
)
from tests.reports.sample import make_finding

A, B, C = "a" * 40, "b" * 40, "c" * 40
OLD = make_finding(value="hunter2hunter2-old-value")
NEW = make_finding(path="api/serverless.yml", value="hunter2hunter2-new-value")


def ack(sha: str = B, fingerprint: str = OLD.fingerprint) -> Acknowledgement:
    return Acknowledgement(fingerprint, sha, "alice", "2026-12-07T06:00:00Z")


def test_a_value_gone_from_the_head_and_held_only_before_the_acknowledgement_is_acknowledged() -> None:
    failing, covered = acknowledged(
        [OLD, NEW], [ack(B)], head={NEW.fingerprint}, commits=(A, B, C), presence={OLD.fingerprint: {A}}
    )
    assert failing == [NEW]
    assert [(item.finding, item.acknowledgement.by) for item in covered] == [(OLD, "alice")]


def test_a_value_at_the_head_is_never_acknowledged() -> None:
    failing, covered = acknowledged(
        [OLD], [ack(C)], head={OLD.fingerprint}, commits=(A, B, C), presence={OLD.fingerprint: {A, C}}
    )
    assert (failing, covered) == ([OLD], [])


def test_a_value_in_a_commit_after_the_acknowledgement_fails_again() -> None:
    failing, _ = acknowledged(
        [OLD], [ack(A)], head=set(), commits=(A, B, C), presence={OLD.fingerprint: {A, B}}
    )
    assert failing == [OLD]


@pytest.mark.parametrize(
    ("given", "holds"),
    [
        ("d" * 40, {A}),  # acknowledged at a commit this scan does not have (rewritten, or an older push)
        (B, {"e" * 40}),  # held by a commit the scan cannot place
        (B, set()),  # no record of where the value is: fail closed
    ],
)
def test_what_cannot_be_placed_is_not_acknowledged(given: str, holds: set[str]) -> None:
    failing, covered = acknowledged(
        [OLD], [ack(given)], head=set(), commits=(A, B, C), presence={OLD.fingerprint: holds}
    )
    assert (failing, covered) == ([OLD], [])


def test_an_acknowledgement_of_another_fingerprint_covers_nothing() -> None:
    failing, _ = acknowledged(
        [OLD], [ack(B, NEW.fingerprint)], head=set(), commits=(A, B), presence={OLD.fingerprint: {A}}
    )
    assert failing == [OLD]


def test_the_default_presence_puts_every_finding_at_the_head() -> None:
    assert Presence().at_head([OLD, NEW]) == {OLD.fingerprint, NEW.fingerprint}
    assert Presence(head=frozenset()).at_head([OLD]) == frozenset()


def test_a_prefix_of_eight_or_more_digits_names_one_finding_with_or_without_v2() -> None:
    digits = OLD.fingerprint.removeprefix("v2-")
    resolution = resolve([digits[:8], OLD.fingerprint[:12].upper()], [OLD, NEW])
    assert resolution.matched == {OLD.fingerprint: OLD}
    assert (resolution.malformed, resolution.ambiguous, resolution.unknown) == ((), (), ())


def test_a_prefix_shared_by_two_fingerprints_is_ambiguous_and_a_short_one_is_malformed() -> None:
    twin = NEW._replace(fingerprint=OLD.fingerprint[:11] + "0" * 21)
    shared = OLD.fingerprint[:11]
    resolution = resolve([shared, "v2-1234567", "zzzzzzzzzz", "f" * 16], [OLD, twin])
    assert resolution.ambiguous == ((shared, 2),) and not resolution.matched
    assert resolution.malformed == ("v2-1234567", "zzzzzzzzzz")
    assert resolution.unknown == ("f" * 16,)
    assert resolve([OLD.fingerprint[:20]], [OLD, twin]).matched == {OLD.fingerprint: OLD}


def test_the_marker_round_trips_and_nothing_else_parses_as_one() -> None:
    mark = RotatedMark(OLD.fingerprint, A, "alice")
    body = f"recorded\n{rotated_marker(mark)}\n{reply_marker(42)}"
    assert rotated_in(body) == [mark]
    assert replied_to(body) == {42}
    assert rotated_in(body.replace("by=alice", "by=al ice")) == []
    assert rotated_in(body.replace(A, "A" * 40)) == []


@pytest.mark.parametrize(
    "mark",
    [
        RotatedMark("v2-x -->", A, "alice"),
        RotatedMark(OLD.fingerprint, "HEAD", "alice"),
        RotatedMark(OLD.fingerprint, A, "alice -->"),
    ],
)
def test_a_marker_is_never_written_from_something_that_could_break_out_of_it(mark: RotatedMark) -> None:
    with pytest.raises(ValueError):
        rotated_marker(mark)


def test_the_reply_says_what_was_recorded_and_what_was_not() -> None:
    resolution = resolve([OLD.fingerprint[:12], "1234", "ffffffffffff"], [OLD, NEW])
    text = reply("alice", resolution, sha=A, at_head={OLD.fingerprint})
    assert text.startswith(f"@alice recorded as rotated at {A[:7]}:")
    assert "still in the head" in text
    assert "`1234` is not 8 or more hex digits" in text
    assert "`ffffffffffff` matches no finding" in text
    assert "nothing was recorded" in reply("alice", resolve([], [OLD]), sha=A, at_head=set())


def test_the_check_run_lists_acknowledged_findings_with_who_and_when_and_does_not_fail_on_them() -> None:
    covered = Acknowledged(OLD, ack(B))
    conclusion, output = render_check_run([], [], CheckContext(acknowledged=(covered,)))
    assert conclusion == "success"
    assert output.title == "No hard-coded secrets; 1 acknowledged as rotated"
    assert "### Acknowledged as rotated: 1" in output.summary
    assert "| `serverless.yml` | 14 |" in output.summary
    assert f"@alice, `2026-12-07 06:00 UTC`, at `{B[:7]}`" in output.summary
    assert OLD.redacted in output.summary and output.annotations == ()


def test_an_acknowledged_finding_beside_a_failing_one_leaves_the_check_failing() -> None:
    conclusion, output = render_check_run([NEW], [], CheckContext(acknowledged=(Acknowledged(OLD, ack()),)))
    assert conclusion == "failure"
    assert output.title.startswith("1 hard-coded secret found") and "acknowledged as rotated" in output.title
