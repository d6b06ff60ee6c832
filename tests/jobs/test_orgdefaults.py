"""Reading an organisation's defaults: which names, which repository, and what a failure means."""

from __future__ import annotations

import pytest

from bot.core.configfile import CONFIG_PATHS as NAMES
from bot.github.errors import GitHubRequestError
from bot.github.protocol import FileTooLarge, GitHubUnavailable, RateLimited, UnreadableAnswer
from bot.jobs.orgdefaults import read_org_defaults
from tests.conftest import FakeGitHub

ORG = "acme/.github"


def test_the_yml_name_comes_first_and_yaml_is_accepted() -> None:
    github = FakeGitHub()
    github.put_files(ORG, "main", {NAMES[1]: b"fail_on: never\n"})

    defaults = read_org_defaults(github, "acme/billing", 64_000)

    assert (defaults.text, defaults.source, defaults.problem) == ("fail_on: never\n", ORG, None)
    assert [args for name, args in github.calls] == [(ORG, NAMES[0], None), (ORG, NAMES[1], None)]


def test_no_file_means_no_defaults_and_no_problem() -> None:
    defaults = read_org_defaults(FakeGitHub(), "acme/billing", 64_000)
    assert (defaults.text, defaults.problem) == (None, None)


def test_the_organisation_repository_itself_reads_no_defaults() -> None:
    github = FakeGitHub()
    assert read_org_defaults(github, ORG, 64_000).text is None
    assert github.calls == []


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (GitHubRequestError("read a file", 403, "Resource not accessible"), "GitHub answered 403"),
        (UnreadableAnswer("html"), "GitHub did not answer with the file"),
        (GitHubUnavailable("down"), "GitHub did not answer with the file"),
        (FileTooLarge(NAMES[0], 70_000), "over 64,000 bytes"),
    ],
)
def test_a_failed_read_is_a_problem_and_no_defaults(error: Exception, why: str) -> None:
    github = FakeGitHub()
    github.put_files(ORG, "main", {NAMES[0]: b"fail_on: never\n"})
    github.fail_next("file_content", error)

    defaults = read_org_defaults(github, "acme/billing", 64_000)

    assert defaults.text is None
    assert defaults.problem == (
        f"{ORG}: {NAMES[0]} could not be read ({why}); organisation defaults not used"
    )


def test_a_file_that_is_not_utf8_is_a_problem() -> None:
    github = FakeGitHub()
    github.put_files(ORG, "main", {NAMES[0]: b"\xff\xfe"})
    assert "not UTF-8 text" in str(read_org_defaults(github, "acme/billing", 64_000).problem)


def test_the_rate_limit_is_waited_for_like_any_call() -> None:
    github = FakeGitHub()
    github.fail_next("file_content", RateLimited("limit", until=100.0, wait=100.0))
    with pytest.raises(RateLimited):
        read_org_defaults(github, "acme/billing", 64_000)
