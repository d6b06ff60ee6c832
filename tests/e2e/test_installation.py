"""Installing the App: every repository's default branch is scanned once, from the outside."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.store import open_store
from tests.e2e.harness import INSTALLATION, Bot
from tests.e2e.scenarios import SECRET_LINE, serverless
from tests.e2e.test_rate_limit_wait import run_what_is_scheduled
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def _listed(repos: list[Repository]) -> list[dict[str, Any]]:
    return [
        {"id": repo.id, "node_id": f"R_{repo.id}", "name": repo.full_name.split("/")[1],
         "full_name": repo.full_name, "private": repo.private}
        for repo in repos
    ]  # fmt: skip


def installed(repos: list[Repository]) -> dict[str, Any]:
    return {
        "action": "created",
        "installation": {"id": INSTALLATION, "account": {"login": "acme", "id": 9919}},
        "repositories": _listed(repos),
        "sender": {"login": "org-admin", "id": 1002},
    }


def repositories_changed(action: str, repos: list[Repository]) -> dict[str, Any]:
    return {
        "action": action,
        "installation": {"id": INSTALLATION, "account": {"login": "acme", "id": 9919}},
        "repository_selection": "selected",
        "repositories_added": _listed(repos) if action == "added" else [],
        "repositories_removed": _listed(repos) if action == "removed" else [],
        "sender": {"login": "org-admin", "id": 1002},
    }


def organisation(github: FakeGitHub, repo: Repository) -> list[Repository]:
    """`repo` (one clean manifest) plus one with a secret on its default branch and one without manifests."""
    repo.commit("main", {"serverless.yml": serverless(None)})
    leaky = github.add_repo("acme/payments")
    leaky.commit("main", {"README.md": "# payments\n", "deploy/serverless.yml": serverless()})
    plain = github.add_repo("acme/docs")
    plain.commit("main", {"README.md": "# docs\n"})
    return [repo, leaky, plain]


def _per_repo(github: FakeGitHub, operation: str) -> Counter[str]:
    return Counter("/".join(call.path.split("/")[2:4]) for call in github.calls(operation))


def test_installing_scans_each_default_branch_once(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    clean, leaky, plain = organisation(github, repo)

    answer = bot.deliver("installation", installed([clean, leaky, plain]))
    bot.settle()

    assert answer.status_code == 202
    [failing] = github.world.runs_for(leaky.full_name)
    assert failing.head_sha == leaky.branches["main"]
    assert (failing.status, failing.conclusion) == ("completed", "failure")
    assert "Rotate each secret" in str(failing.output["summary"])
    assert [a["path"] for a in failing.annotations] == ["deploy/serverless.yml"]
    assert [a["start_line"] for a in failing.annotations] == [SECRET_LINE]
    for quiet in (clean, plain):
        [run] = github.world.runs_for(quiet.full_name)
        assert (run.head_sha, run.conclusion) == (quiet.branches["main"], "success")
    names = [r.full_name for r in (clean, leaky, plain)]
    assert _per_repo(github, "repos/get") == dict.fromkeys(names, 1)
    assert _per_repo(github, "git/get-ref") == dict.fromkeys(names, 1)
    assert _per_repo(github, "git/get-tree") == dict.fromkeys(names, 1)
    assert _per_repo(github, "git/get-blob") == {clean.full_name: 1, leaky.full_name: 1}
    assert _per_repo(github, "checks/create") == dict.fromkeys(names, 1)
    assert _per_repo(github, "checks/update") == dict.fromkeys(names, 1)
    assert github.calls("pulls/create-review") == []
    metrics = bot.http.get("/metrics").text
    assert f'secrets_bot_baseline_repositories{{installation="{INSTALLATION}",state="done"}} 3.0' in metrics
    assert f'secrets_bot_baseline_repositories{{installation="{INSTALLATION}",state="total"}} 3.0' in metrics
    assert "baseline progress: 3 of 3 repositories" in bot.log_text()

    again = bot.deliver("installation_repositories", repositories_changed("added", [clean, leaky, plain]))
    bot.settle()

    assert again.status_code == 200  # coalesced: every repository was already claimed
    assert len(github.calls("checks/create")) == 3
    assert len(github.calls("repos/get")) == 3  # the repositories were claimed: no job at all


def test_archived_forked_and_empty_repositories_are_not_scanned(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    repo.archived = True
    fork = github.add_repo("acme/fork-of-tools")
    fork.commit("main", {"serverless.yml": serverless()})
    fork.fork = True
    empty = github.add_repo("acme/empty")

    bot.deliver("installation", installed([repo, fork, empty]))
    bot.settle()

    assert github.world.check_runs == {}
    assert len(github.calls("repos/get")) == 3
    assert _per_repo(github, "git/get-ref") == {empty.full_name: 1}
    assert github.calls("git/get-tree") == []


def test_a_repository_removed_and_added_again_is_scanned_again(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    bot.deliver("installation_repositories", repositories_changed("removed", [repo]))
    bot.settle()
    assert bot.queue.state.items(f"reported:{repo.full_name}@") == {}

    bot.deliver("installation_repositories", repositories_changed("added", [repo]))
    bot.settle()

    assert len(github.calls("git/get-tree")) == 2  # nothing was kept: a new installation, a new baseline
    runs = github.world.runs_for(repo.full_name)
    assert [(run.status, run.conclusion) for run in runs] == [("completed", "failure")] * 2


def test_a_tree_too_large_to_list_is_not_passed(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {"serverless.yml": serverless(None), "deep/a/b/c.txt": "x\n"})
    github.tree_limit = 2

    bot.deliver("installation", installed([repo]))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name)
    assert run.conclusion == "failure"
    assert "too large for GitHub to list in full" in str(run.output)


def test_below_the_rate_limit_floor_the_baseline_waits_for_the_reset(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    github.rate.remaining = github.rate.limit // 5 - 10  # under the default 20 % floor

    bot.deliver("installation", installed([repo]))
    bot.wait_for(lambda: bot.queue.huey.scheduled_count() == 1)

    assert [
        call.operation for call in github.calls() if call.operation != "apps/create-installation-access-token"
    ] == ["repos/get"]
    assert github.world.check_runs == {}
    github.rate.remaining = github.rate.limit  # the window was reset
    assert run_what_is_scheduled(bot) == 1
    bot.settle()

    [run] = github.world.runs_for(repo.full_name)
    assert run.conclusion == "failure"


def test_a_baseline_fills_the_findings_store_and_removing_the_repository_empties_it(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("main", {"serverless.yml": serverless()})
    bot.deliver("installation", installed([repo]))
    bot.settle()
    store = open_store(bot.settings.database_url)
    try:
        [stored] = store.open_findings(repo.full_name)
        assert (stored.path, stored.first_seen_sha) == ("serverless.yml", repo.branches["main"])

        bot.deliver("installation_repositories", repositories_changed("removed", [repo]))
        bot.settle()

        assert store.findings(repo.full_name) == []
    finally:
        store.close()
