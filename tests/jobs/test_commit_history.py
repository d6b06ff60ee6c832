"""Commits past `max_commits`, and blobs that cannot be read, are never reported clean; the newest commits
are the ones scanned, and a blob is read once whatever commits and paths hold it."""

from __future__ import annotations

from bot.core.configfile import CONFIG_PATHS
from bot.core.rules import RuleSet
from bot.github.protocol import CommitChanges, CommitFile, CommitInfo
from bot.jobs.scanning import scan_target
from bot.jobs.targets import pull_target
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, serverless

CLEAN = serverless(None)
LEAKY = serverless()


def commits(fake: FakeGitHub, count: int, touching: dict[int, bytes]) -> list[str]:
    """`count` commits (the last is HEAD); commit i writes serverless.yml when i is in `touching`."""
    shas = [f"{index:040x}" for index in range(1, count)] + [HEAD]
    fake.commit_lists[(REPO, "pr7")] = [CommitInfo(sha, "dev") for sha in shas]
    for index, data in touching.items():
        blob = f"b{index:039x}" if data is not LEAKY else "f" * 40
        fake.blobs[blob] = data
        fake.commit_files[(REPO, shas[index])] = CommitChanges(
            (CommitFile("serverless.yml", "modified", blob),), True
        )
    return shas


def scan(fake: FakeGitHub, config: str = "") -> object:
    fake.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": CLEAN})
    if config:
        fake.put_files(REPO, "main", {CONFIG_PATHS[0]: config.encode()})
    return scan_target(pull_target(REPO, fake.pull_request(REPO, 7)), fake, RuleSet.default())


def test_past_max_commits_the_newest_are_scanned_and_the_rest_counted(fake_github: FakeGitHub) -> None:
    shas = commits(fake_github, 10, {1: LEAKY, 8: CLEAN})
    report = scan(fake_github, "max_commits: 4\n")
    read = [args[1] for name, args in fake_github.calls if name == "commit_changes"]
    assert read == shas[6:9]  # the newest four, the head needing no read
    assert report.context.history == ()  # the leaky commit was older than the cap: not scanned...
    assert report.context.commits_skipped == 6
    assert any("6 older commits were not scanned" in n.message for n in report.notices)  # ...and said


def test_a_blob_read_in_two_commits_is_fetched_once(fake_github: FakeGitHub) -> None:
    shas = commits(fake_github, 5, {1: LEAKY, 2: CLEAN, 3: LEAKY})
    report = scan(fake_github)
    assert fake_github.count("blob") == 2
    assert {f.rule for f, _ in report.context.history} == {"stripe-secret-key"}
    [(_, where)] = report.context.history
    assert where.commit == shas[1]  # the first commit that held it


def test_a_blob_too_large_is_not_scanned_and_says_so(fake_github: FakeGitHub) -> None:
    commits(fake_github, 3, {1: LEAKY})
    report = scan(fake_github, "max_file_size: 50\n")
    assert report.context.history == ()
    assert any(n.kind.value == "too-large" and "at commit" in n.message for n in report.notices)
