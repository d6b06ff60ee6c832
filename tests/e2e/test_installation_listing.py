"""Installations whose delivery does not name every repository: the bot lists them from GitHub
(`GET /installation/repositories`) and baselines each one once, from the outside."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.e2e.harness import INSTALLATION, Bot
from tests.e2e.scenarios import serverless
from tests.e2e.test_installation import installed
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def _per_repo(github: FakeGitHub, operation: str) -> Counter[str]:
    return Counter("/".join(call.path.split("/")[2:4]) for call in github.calls(operation))


def permissions_accepted(sender: str = "org-admin") -> dict[str, Any]:
    """GitHub's `new_permissions_accepted`: the installation, no repository list."""
    return {
        "action": "new_permissions_accepted",
        "installation": {
            "id": INSTALLATION,
            "account": {"login": "acme", "id": 9919},
            "repository_selection": "all",
        },
        "sender": {"login": sender, "id": 1002},
    }


def _three(github: FakeGitHub, repo: Repository) -> list[Repository]:
    repo.commit("main", {"serverless.yml": serverless(None)})
    leaky = github.add_repo("acme/payments")
    leaky.commit("main", {"deploy/serverless.yml": serverless()})
    plain = github.add_repo("acme/docs")
    plain.commit("main", {"README.md": "# docs\n"})
    return [repo, leaky, plain]


def test_accepted_permissions_baseline_the_repositories_not_yet_baselined(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    clean, leaky, plain = _three(github, repo)
    bot.deliver("installation", installed([clean]))  # installed on one; the others came later
    bot.settle()
    assert _per_repo(github, "git/get-tree") == {clean.full_name: 1}

    answer = bot.deliver("installation", permissions_accepted())
    bot.settle()

    assert answer.status_code == 202
    assert len(github.calls("apps/list-repos-accessible-to-installation")) == 1
    names = [r.full_name for r in (clean, leaky, plain)]
    assert _per_repo(github, "git/get-tree") == dict.fromkeys(names, 1)
    [failing] = github.world.runs_for(leaky.full_name)
    assert (failing.head_sha, failing.conclusion) == (leaky.branches["main"], "failure")
    assert [run.conclusion for run in github.world.runs_for(plain.full_name)] == ["success"]
    assert "installation listed: 3 repositories, 2 new baseline scans" in bot.log_text()
    assert "baseline progress: 3 of 3 repositories, open findings so far: 1" in bot.log_text()
    metrics = bot.http.get("/metrics").text
    assert f'secrets_bot_baseline_repositories{{installation="{INSTALLATION}",state="done"}} 3.0' in metrics
    assert f'secrets_bot_baseline_open_findings{{installation="{INSTALLATION}"}} 1.0' in metrics

    again = bot.deliver("installation", permissions_accepted(sender="another-admin"))  # a new delivery
    bot.settle()

    assert again.status_code == 202  # the listing is queued again, and finds every repository claimed
    assert len(github.calls("apps/list-repos-accessible-to-installation")) == 2
    assert _per_repo(github, "git/get-tree") == dict.fromkeys(names, 1)
    assert _per_repo(github, "checks/create") == dict.fromkeys(names, 1)


def test_an_installation_on_all_repositories_with_a_cut_list_scans_every_one_once(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    clean, leaky, plain = _three(github, repo)
    payload = installed([leaky])  # GitHub named one of the three
    payload["installation"]["repository_selection"] = "all"

    bot.deliver("installation", payload)
    bot.settle()

    names = [r.full_name for r in (clean, leaky, plain)]
    assert _per_repo(github, "repos/get") == dict.fromkeys(names, 1)
    assert _per_repo(github, "checks/create") == dict.fromkeys(names, 1)
    assert [run.conclusion for run in github.world.runs_for(leaky.full_name)] == ["failure"]


def test_the_listing_reads_every_page_and_only_the_installation_s_repositories(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """101 archived repositories (one call each): two pages of 100; a repository outside the installation
    is neither listed nor scanned."""
    github.world.installations[INSTALLATION].repos = {repo.full_name}
    for index in range(101):
        archived = github.add_repo(f"acme/old-{index:03}")
        archived.archived = True
        github.world.installations[INSTALLATION].repos.add(archived.full_name)  # type: ignore[union-attr]
    github.add_repo("acme/not-installed")
    repo.commit("main", {"serverless.yml": serverless()})

    bot.deliver("installation", permissions_accepted())
    bot.settle(timeout=60.0)

    listing = github.calls("apps/list-repos-accessible-to-installation")
    assert [call.query.get("page") for call in listing] == [["1"], ["2"]]
    assert len(github.calls("repos/get")) == 102
    assert "acme/not-installed" not in _per_repo(github, "repos/get")
    assert _per_repo(github, "git/get-tree") == {repo.full_name: 1}
    assert "baseline progress: 102 of 102 repositories" in bot.log_text()
