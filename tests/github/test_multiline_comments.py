"""Review comments over several lines: sent in GitHub's shape, and held to GitHub's rules by the fake."""

from __future__ import annotations

import pytest

from bot.github.errors import GitHubRequestError
from bot.reports.diff import hunk_ranges
from bot.reports.model import DraftComment
from tests.github.conftest import BASE_MANIFEST, REPO, World

FAR = "".join(f"  key{n}: value{n}\n" for n in range(20))


def test_a_multi_line_comment_names_its_first_line_on_the_right_side(world: World) -> None:
    comment = DraftComment("serverless.yml", 7, "x", start_line=5)
    world.gateway.create_review(REPO, 1, commit_sha=world.pull.head_sha, body="b", comments=[comment])

    [sent] = world.fake.calls("pulls/create-review")[0].json()["comments"]
    assert sent == {
        "path": "serverless.yml",
        "line": 7,
        "side": "RIGHT",
        "start_line": 5,
        "start_side": "RIGHT",
        "body": "x",
    }
    [stored] = world.fake.world.comments_on(REPO, 1)
    assert (stored.start_line, stored.line) == (5, 7)


@pytest.mark.parametrize(("start", "end"), [(7, 7), (7, 5)])
def test_the_fake_refuses_a_start_that_does_not_precede_the_end(world: World, start: int, end: int) -> None:
    comment = DraftComment("serverless.yml", end, "x", start_line=start)
    with pytest.raises(GitHubRequestError):
        world.gateway.create_review(REPO, 1, commit_sha=world.pull.head_sha, body="b", comments=[comment])
    assert world.fake.world.review_comments == {}


def test_the_fake_refuses_a_range_over_two_hunks(world: World) -> None:
    """Lines far apart are changed: the diff has two hunks, and a range from one to the other is a 422."""
    world.repo.commit("main", {"wide.yml": BASE_MANIFEST + FAR})
    world.repo.commit("wide", {"wide.yml": "# head\n" + BASE_MANIFEST + FAR + "end: true\n"})
    pull = world.repo.open_pull("wide")
    [entry] = world.repo.pull_files(pull)
    first, second = hunk_ranges(str(entry["patch"]))
    assert first[1] < second[0]
    inside = DraftComment("wide.yml", second[1], "ok", start_line=second[0])
    across = DraftComment("wide.yml", second[1], "no", start_line=first[0])
    with pytest.raises(GitHubRequestError):
        world.gateway.create_review(REPO, pull.number, commit_sha=pull.head_sha, body="b", comments=[across])
    world.gateway.create_review(REPO, pull.number, commit_sha=pull.head_sha, body="b", comments=[inside])
    assert [c.body for c in world.fake.world.comments_on(REPO, pull.number)] == ["ok"]


def test_hunk_ranges_are_the_right_side_of_each_hunk() -> None:
    patch = "@@ -1,2 +1,3 @@\n a\n+b\n c\n@@ -40,2 +41,1 @@\n-x\n y\n@@ -60,1 +60,0 @@\n-z"
    assert hunk_ranges(patch) == ((1, 3), (41, 41))
    assert hunk_ranges(None) == () and hunk_ranges("") == ()
