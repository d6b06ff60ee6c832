"""The dashboard issue's body (from stored findings) and the boxes people tick in it."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote

from bot.core.advisories import ADVISORY_IDS
from bot.reports.dashboard import (
    FIX_LABEL,
    MARKER,
    MAX_BODY,
    fix_marker,
    has_open,
    is_dashboard,
    newly_ticked,
    render_dashboard,
    rendered_at,
)
from bot.store import FindingState, StoredFinding
from tests.reports.inert import assert_inert

REPO = "acme/billing"
SHA = "c0ffee" + "0" * 34
WEB = "https://github.com"
SECRET = "sk_live_" + "9fQ2xLr7TbW4kZp1MvN8sYc3"
FP1 = "v2-" + "1" * 32
FP2 = "v2-" + "2" * 32
_OUR_MARKERS = re.compile(
    r"<!-- secrets-bot:(?:dashboard|dashboard-commit [0-9a-f]+|fix fingerprint=[0-9A-Za-z_-]+) -->"
)


def stored(
    fingerprint: str = FP1,
    *,
    path: str = "deploy/serverless.yml",
    line: int = 9,
    state: FindingState = FindingState.OPEN,
    rule: str = "stripe-secret-key",
    fix_pull: int | None = None,
    fixed_at: datetime | None = None,
) -> StoredFinding:
    seen = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    return StoredFinding(
        REPO, fingerprint, path, line, rule, "high", "sk_live_9fQ2...", "serverless", "a" * 40, seen, seen,
        state, fixed_at, fix_pull,
    )  # fmt: skip


def render(findings: list[StoredFinding], *, fixes_allowed: bool = True, sha: str | None = SHA) -> str:
    return render_dashboard(findings, repo=REPO, scanned_sha=sha, web_url=WEB, fixes_allowed=fixes_allowed)


def test_an_open_finding_is_listed_with_a_link_at_the_scanned_commit_and_a_box() -> None:
    body = render([stored()])

    assert body.startswith(MARKER)
    assert is_dashboard(body)
    url = f"{WEB}/{REPO}/blob/{SHA}/deploy/serverless.yml#L9"
    assert f"]({url})" in body
    assert "`stripe-secret-key`" in body and "| high |" in body and "2026-12-01" in body
    assert "sk\\_live\\_9fQ2" in body or "`sk_live_9fQ2...`" in body
    [box] = [line for line in body.splitlines() if line.startswith("- [ ]")]
    assert box.startswith(f"- [ ] {FIX_LABEL}")
    assert box.endswith(fix_marker(FP1))
    assert "Rotate each secret" in body
    assert SECRET not in body


def test_a_fix_pull_request_is_linked_on_its_box() -> None:
    body = render([stored(fix_pull=42)])

    [box] = [line for line in body.splitlines() if line.startswith("- [ ]")]
    assert "#42" in box and box.endswith(fix_marker(FP1))


def test_without_contents_write_no_box_and_the_reason() -> None:
    body = render([stored()], fixes_allowed=False)

    assert "- [ ]" not in body
    assert "Contents: write" in body
    assert "Configure" in body


def test_nothing_open_says_so_and_lists_what_was_fixed() -> None:
    fixed = stored(state=FindingState.FIXED, fixed_at=datetime(2026, 12, 5, tzinfo=UTC))
    body = render([fixed])

    assert not has_open([fixed])
    assert "Nothing is open any more" in body
    assert "### Recently fixed" in body and "2026-12-05" in body
    assert "- [ ]" not in body


def test_acknowledged_findings_have_their_own_section_and_no_box() -> None:
    body = render([stored(), stored(FP2, line=12, state=FindingState.ACKNOWLEDGED)])

    assert "### Acknowledged: 1" in body
    assert body.count("- [ ]") == 1


def test_advisories_are_not_on_the_dashboard() -> None:
    advisory = replace(stored(), rule=sorted(ADVISORY_IDS)[0])

    assert not has_open([advisory])
    assert "- [ ]" not in render([advisory])


def test_repository_text_is_inert() -> None:
    path = "@admin/[x](https://evil.test)<img src=x>|#1.yml"
    body = render([stored(path=path, rule="custom-rule")])

    own_link = f"{WEB}/{REPO}/blob/{SHA}/{quote(path)}#L9"
    assert_inert(_OUR_MARKERS.sub("", body), bot_links=frozenset({own_link}))


def test_without_a_scanned_commit_there_is_no_link() -> None:
    body = render([stored()], sha=None)
    assert "](" not in body


def test_the_body_stays_under_githubs_limit_with_many_findings() -> None:
    many = [
        stored(f"v2-{index:032x}", path="x/" * 200 + f"{index}.yml", line=index) for index in range(2_000)
    ]
    body = render(many)

    assert len(body) <= MAX_BODY
    assert "more" in body


def test_a_secret_verified_active_heads_the_list_before_the_budget_cuts_it() -> None:
    many = [
        stored(f"v2-{index:032x}", path="x/" * 200 + f"{index}.yml", line=index) for index in range(2_000)
    ]
    live = replace(stored(FP2, path="zz/last.yml"), severity="critical")
    body = render([*many, live])

    assert "zz/last.yml" in body
    assert body.index("zz/last.yml") < body.index("x/x/")


def test_the_same_findings_render_the_same_body() -> None:
    assert render([stored(), stored(FP2)]) == render([stored(FP2), stored()])


def test_a_box_ticked_by_a_person_is_found() -> None:
    before = render([stored(), stored(FP2, line=12)])
    after = before.replace(
        f"- [ ] {FIX_LABEL} for `deploy/serverless.yml:12`",
        f"- [x] {FIX_LABEL} for `deploy/serverless.yml:12`",
    )

    assert newly_ticked(before, after) == [FP2]


def test_other_edits_tick_nothing() -> None:
    before = render([stored()])
    edited = before.replace("Open:", "Open (edited):") + "\n- [x] my own task\n"

    assert newly_ticked(before, edited) == []
    assert newly_ticked(before, before) == []


def test_only_lines_with_our_marker_that_were_unticked_count() -> None:
    before = f"{MARKER}\n- [x] {FIX_LABEL} {fix_marker(FP1)}\n"
    pasted = before + f"- [x] {FIX_LABEL} {fix_marker(FP2)}\n"  # a new ticked line: never unticked

    assert newly_ticked(before, pasted) == []
    assert newly_ticked(before, before) == []  # already ticked


def test_unticking_is_not_a_request() -> None:
    ticked = f"- [X] {FIX_LABEL} {fix_marker(FP1)}"
    unticked = f"- [ ] {FIX_LABEL} {fix_marker(FP1)}"

    assert newly_ticked(ticked, unticked) == []
    assert newly_ticked(unticked, ticked) == [FP1]


def test_huge_bodies_take_bounded_time() -> None:
    box = f"- [ ] {FIX_LABEL} {fix_marker(FP1)}\n"
    junk = "- [ ] " + "<!-- secrets-bot:fix fingerprint=" * 200_000
    started = time.perf_counter()

    assert newly_ticked(box + junk, box.replace("[ ]", "[x]") + junk) == [FP1]
    assert time.perf_counter() - started < 2.0


def test_the_body_names_the_commit_it_was_rendered_at() -> None:
    assert rendered_at(render([stored()])) == SHA
    assert rendered_at(render([stored()], sha=None)) is None
    assert rendered_at("<!-- secrets-bot:dashboard-commit not-a-sha -->") is None
