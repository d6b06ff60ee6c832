from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pytest

from bot.github.errors import GitHubNotFound
from bot.github.gateway import GitHubAppClient
from bot.github.protocol import ChangedFile, FileTooLarge, GitHubGateway, PullInfo, SuitePush
from bot.reports.model import CheckRunOutput
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.github.conftest import HEAD_MANIFEST, REPO, World


def test_the_client_satisfies_the_gateway_protocol(world: World) -> None:
    gateway: GitHubGateway = world.gateway
    assert isinstance(gateway.pull_request(REPO, 1), PullInfo)


def test_pull_request_reads_head_and_base(world: World) -> None:
    info = world.gateway.pull_request(REPO, 1)

    assert info == PullInfo(1, world.pull.head_sha, world.pull.base_sha, "main", "open", False)
    assert [r.operation for r in world.fake.calls()] == ["apps/create-installation-access-token", "pulls/get"]


def test_pull_request_files_carry_status_and_patch(world: World) -> None:
    files = world.gateway.pull_request_files(REPO, 1)

    assert files == [
        ChangedFile(
            "serverless.yml",
            "modified",
            None,
            "@@ -2,3 +2,6 @@\n provider:\n   name: aws\n   runtime: python3.12\n"
            "+  environment:\n+    STAGE: dev\n+    API_TOKEN: placeholder",
        )
    ]


def test_pull_request_files_are_paginated_up_to_githubs_3000(world: World) -> None:
    world.repo.commit("big", {f"functions/f{index:04}.yml": f"name: f{index}\n" for index in range(3100)})
    big = world.repo.open_pull("big")

    files = world.gateway.pull_request_files(REPO, big.number)

    assert len(files) == 3000
    assert len({f.path for f in files}) == 3000
    pages = world.fake.calls("pulls/list-files")
    assert len(pages) == 30
    assert all(p.query["per_page"] == ["100"] for p in pages)


def test_renamed_and_removed_files_are_reported_as_such(world: World) -> None:
    world.repo.commit(
        "moves",
        {
            "serverless.yml": None,
            "svc/serverless.yml": "service: svc\nprovider:\n  name: aws\n  runtime: python3.12\n",
            "README.md": None,
        },
    )
    moved = world.repo.open_pull("moves")

    files = {f.path: f for f in world.gateway.pull_request_files(REPO, moved.number)}

    assert files["svc/serverless.yml"].status == "renamed"
    assert files["svc/serverless.yml"].previous_path == "serverless.yml"
    assert files["README.md"].status == "removed"


def test_compare_files_between_two_refs(world: World) -> None:
    after = world.repo.commit("main", {"template.yaml": "Resources: {}\n"})

    files = world.gateway.compare_files(REPO, world.pull.base_sha, after)

    assert [(f.path, f.status) for f in files] == [("template.yaml", "added")]


def test_pulls_for_commit_finds_the_open_pull_request_by_head_sha(world: World) -> None:
    assert world.gateway.pulls_for_commit(REPO, world.pull.head_sha) == [1]
    assert world.gateway.pulls_for_commit(REPO, world.pull.base_sha) == []


def test_file_content_at_a_ref(world: World) -> None:
    content = world.gateway.file_content(REPO, "serverless.yml", world.pull.head_sha, max_bytes=10_000)

    assert content == HEAD_MANIFEST.encode()
    request = world.fake.calls("repos/get-content")[0]
    assert request.query == {"ref": [world.pull.head_sha]}
    assert request.headers["accept"] == "application/vnd.github.raw+json"


def test_missing_file_or_ref_is_none(world: World) -> None:
    assert world.gateway.file_content(REPO, "nope.yml", world.pull.head_sha, max_bytes=100) is None
    assert world.gateway.file_content(REPO, "serverless.yml", "0" * 40, max_bytes=100) is None


def test_paths_with_spaces_and_unicode_are_quoted(world: World) -> None:
    sha = world.repo.commit("main", {"deploy/my app/sérverless.yml": "service: x\n"})

    assert (
        world.gateway.file_content(REPO, "deploy/my app/sérverless.yml", sha, max_bytes=100)
        == b"service: x\n"
    )


def test_a_file_over_the_limit_raises_file_too_large(world: World) -> None:
    sha = world.repo.commit("main", {"huge.yml": b"a: " + b"x" * 5_000_000})

    with pytest.raises(FileTooLarge) as raised:
        world.gateway.file_content(REPO, "huge.yml", sha, max_bytes=1_000_000)

    assert raised.value.path == "huge.yml"
    assert raised.value.size == 5_000_003


def test_unknown_pull_request_is_not_found(world: World) -> None:
    with pytest.raises(GitHubNotFound):
        world.gateway.pull_request(REPO, 99)


def test_repositories_outside_the_installation_are_not_found(
    make_fake_github: Callable[..., FakeGitHub], fake_clock: FakeClock
) -> None:
    fake = make_fake_github(clock=fake_clock)
    fake.add_installation(5, repos={"octo/allowed"})
    fake.add_repo("octo/secret").commit("main", {"a": "b"})
    client = GitHubAppClient(
        fake.app_id, fake.keys.private_pem, fake.url, sleep=fake_clock.sleep, clock=fake_clock
    )
    try:
        assert client.for_installation(5).file_content("octo/secret", "a", "main", max_bytes=10) is None
    finally:
        client.close()


def test_github_enterprise_base_path(
    make_fake_github: Callable[..., FakeGitHub], fake_clock: FakeClock
) -> None:
    fake = make_fake_github(base_path="/api/v3", clock=fake_clock)
    fake.add_installation(3)
    repo = fake.add_repo("corp/app")
    repo.commit("main", {"serverless.yml": "service: a\n"})
    repo.commit("topic", {"serverless.yml": "service: b\n"})
    repo.open_pull("topic")
    client = GitHubAppClient(
        fake.app_id, fake.keys.private_pem, fake.url + "/", sleep=fake_clock.sleep, clock=fake_clock
    )
    try:
        gateway = client.for_installation(3)
        assert [f.path for f in gateway.pull_request_files("corp/app", 1)] == ["serverless.yml"]
        assert gateway.file_content("corp/app", "serverless.yml", "topic", max_bytes=100) == b"service: b\n"
    finally:
        client.close()
    assert fake.url.endswith("/api/v3")
    assert {r.operation for r in fake.calls()} == {
        "apps/create-installation-access-token",
        "pulls/list-files",
        "repos/get-content",
    }


def test_patches_and_contents_never_reach_the_logs(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """PyGithub logs response bodies at DEBUG; pull-request patches carry the very values to protect."""
    canary = "sk_live_" + "LogCanary7Q2xLr7TbW4kZp1"
    world.repo.commit("feature", {"serverless.yml": HEAD_MANIFEST.replace("placeholder", canary)})
    caplog.set_level(logging.DEBUG)

    files = world.gateway.pull_request_files(REPO, 1)
    world.gateway.file_content(REPO, "serverless.yml", world.repo.branches["feature"], max_bytes=10_000)

    assert canary in (files[0].patch or "")
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert logged
    assert canary not in logged


def test_the_merge_base_is_where_the_branch_left_its_base(world: World) -> None:
    fork_point = world.repo.branches["main"]
    world.repo.commit("topic", {"serverless.yml": "service: topic\n"})
    moved_on = world.repo.commit("main", {"README.md": "later\n"})

    assert world.gateway.merge_base(REPO, moved_on, world.repo.branches["topic"]) == fork_point
    [request] = world.fake.calls("repos/compare-commits-with-basehead")
    assert request.query == {"per_page": ["1"]}  # only the merge base is read, not the commit list


def test_own_check_runs_are_the_apps_own_newest_first_with_their_suite(world: World) -> None:
    sha = world.pull.head_sha
    before = world.repo.commits[sha].parent or ""
    world.fake.world.record_push(REPO, "feature", before, sha)
    first = world.gateway.create_check_run(REPO, sha, name="Serverless secrets", external_id="x")
    world.gateway.complete_check_run(
        REPO, first, conclusion="success", output=CheckRunOutput(title="t", summary="s", text="kept")
    )
    second = world.gateway.create_check_run(REPO, sha, name="Serverless secrets", external_id="x")
    foreign = dataclasses.replace(world.fake.world.check_runs[first], id=99, app_id=world.fake.app_id + 1)
    world.fake.world.check_runs[foreign.id] = foreign  # GitHub's app_id filter leaves it out
    calls = len(world.fake.calls())

    runs = world.gateway.own_check_runs(REPO, sha, name="Serverless secrets")

    assert [(run.id, run.text) for run in runs] == [(second, ""), (first, "kept")]
    assert runs[0].suite_id == runs[1].suite_id
    push = world.gateway.suite_push(REPO, runs[0].suite_id)
    assert push == SuitePush(sha, before, "feature")
    assert [r.operation for r in world.fake.calls()[calls:]] == ["checks/list-for-ref", "checks/get-suite"]


def test_a_suite_not_made_by_a_push_names_no_range(world: World) -> None:
    sha = world.pull.head_sha
    world.fake.world.record_push(REPO, "feature", "0" * 40, sha)  # a new branch: GitHub's all-zero before
    world.gateway.create_check_run(REPO, sha, name="Serverless secrets", external_id="x")
    [run] = world.gateway.own_check_runs(REPO, sha, name="Serverless secrets")

    assert world.gateway.suite_push(REPO, run.suite_id) == SuitePush(sha, None, "feature")
