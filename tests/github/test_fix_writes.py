"""The fix pull request's writes against the fake GitHub: one commit on a branch, one pull request, whatever
is repeated, raced or fails half-way."""

from __future__ import annotations

import pytest

from bot.github.gateway import GitHubAppClient
from tests.fakegithub.routes_git import tree_sha
from tests.github.conftest import REPO, World

BRANCH = "secrets-bot/fix-secrets"
PULLS = "/repos/{owner}/{repo}/pulls"
REFS = "/repos/{owner}/{repo}/git/refs"
FIXED = b"service: svc\nprovider:\n  name: aws\n"


def push(world: World, data: bytes = FIXED) -> str:
    base = world.repo.branches["main"]
    return world.gateway.push_files(
        REPO, BRANCH, base=base, files={"serverless.yml": data}, message="Reference secrets"
    )


def test_a_commit_on_the_default_branch_lands_on_a_new_branch_with_git_shas(world: World) -> None:
    base = world.repo.branches["main"]

    sha = push(world)

    commit = world.repo.commits[sha]
    assert world.repo.branches[BRANCH] == sha and commit.parent == base
    assert commit.files == {**world.repo.commits[base].files, "serverless.yml": FIXED}
    assert commit.author == world.fake.bot_login and commit.message == "Reference secrets"
    [tree] = [r.json() for r in world.fake.calls("git/create-tree")]
    assert world.fake.calls("git/get-commit")[0].path.endswith(base)
    assert tree["base_tree"] == tree_sha(world.repo.commits[base].files)
    blob = world.gateway.tree(REPO, sha).blobs["serverless.yml"]
    assert world.gateway.blob(REPO, blob, max_bytes=1000) == FIXED


def test_the_same_change_again_writes_nothing(world: World) -> None:
    first = push(world)
    written = [
        len(world.fake.calls(operation))
        for operation in ("git/create-blob", "git/create-tree", "git/create-commit")
    ]

    again = push(world)

    assert again == first and written == [1, 1, 1]
    for operation in ("git/create-blob", "git/create-tree", "git/create-commit"):
        assert len(world.fake.calls(operation)) == 1, operation  # checked before writing: nothing more
    assert world.fake.calls("git/update-ref") == []


def test_a_rewritten_file_keeps_its_executable_mode_and_a_new_file_is_plain(world: World) -> None:
    world.repo.modes["serverless.yml"] = "100755"
    base = world.repo.branches["main"]

    world.gateway.push_files(
        REPO,
        BRANCH,
        base=base,
        files={"serverless.yml": FIXED, "new/serverless.yml": FIXED},
        message="Reference secrets",
    )

    [tree] = [r.json() for r in world.fake.calls("git/create-tree")]
    assert {entry["path"]: entry["mode"] for entry in tree["tree"]} == {
        "new/serverless.yml": "100644",
        "serverless.yml": "100755",
    }


def test_a_new_change_or_a_new_base_moves_the_branch_by_force(world: World) -> None:
    first = push(world)
    world.repo.commit("main", {"README.md": "moved on\n"})

    second = push(world, FIXED + b"# changed\n")

    assert second != first and world.repo.branches[BRANCH] == second
    assert world.repo.commits[second].parent == world.repo.branches["main"]
    [update] = [r.json() for r in world.fake.calls("git/update-ref")]
    assert update == {"sha": second, "force": True}


def test_a_branch_created_by_another_worker_meanwhile_is_moved_instead(world: World) -> None:
    # The ref is made (as by the other worker), and this worker's create is refused as GitHub would.
    world.fake.fail("POST", REFS, 422, message="Reference already exists", after_apply=True)

    sha = push(world)

    assert world.repo.branches[BRANCH] == sha
    assert len(world.fake.calls("git/update-ref")) == 1


def test_one_pull_request_is_opened_however_often_it_is_asked(world: World) -> None:
    push(world)

    opened = world.gateway.create_pull(REPO, branch=BRANCH, base="main", title="Fix", body="first")
    again = world.gateway.create_pull(REPO, branch=BRANCH, base="main", title="Fix", body="second")

    assert again.number == opened.number
    open_pulls = [p for p in world.repo.pulls.values() if p.head_ref == BRANCH and p.state == "open"]
    assert [p.number for p in open_pulls] == [opened.number] and open_pulls[0].body == "first"
    assert [r.status for r in world.fake.calls("pulls/create")] == [201, 422]
    found = world.gateway.open_pull_from(REPO, BRANCH)
    assert found is not None and found.number == opened.number and found.body == "first"
    assert world.fake.calls("pulls/list")[0].query["head"] == [f"octo:{BRANCH}"]


def test_an_ambiguous_failure_on_open_finds_the_pull_request_instead_of_opening_another(
    world: World,
) -> None:
    push(world)
    world.fake.fail("POST", PULLS, 502, after_apply=True)

    opened = world.gateway.create_pull(REPO, branch=BRANCH, base="main", title="Fix", body="b")

    assert [p.number for p in world.repo.pulls.values() if p.head_ref == BRANCH] == [opened.number]


def test_the_pull_requests_text_is_updated_in_place(world: World) -> None:
    push(world)
    opened = world.gateway.create_pull(REPO, branch=BRANCH, base="main", title="Fix", body="old")

    world.gateway.update_pull(REPO, opened.number, title="Fix 2", body="new")

    pull = world.repo.pulls[opened.number]
    assert (pull.title, pull.body) == ("Fix 2", "new")


def test_no_open_pull_request_from_the_branch_is_none(world: World) -> None:
    assert world.gateway.open_pull_from(REPO, BRANCH) is None


@pytest.mark.parametrize(("granted", "writable"), [("write", True), ("read", False)])
def test_contents_write_is_read_from_the_installation_token(
    world: World, client: GitHubAppClient, granted: str, writable: bool
) -> None:
    world.fake.permissions["contents"] = granted

    assert client.for_installation(1).contents_writable() is writable
    assert len(world.fake.calls("apps/create-installation-access-token")) == 1


def test_past_githubs_listing_limit_the_written_tree_still_finds_the_same_change(world: World) -> None:
    world.fake.tree_limit = 1  # every recursive listing is cut: the branch is compared by its tree's id
    first = push(world)

    again = push(world)

    assert again == first and len(world.fake.calls("git/create-commit")) == 1
    assert world.fake.calls("git/update-ref") == []
