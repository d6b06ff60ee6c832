"""A value written over several lines (a PEM block, a folded YAML scalar) gets ONE suggestion over all its
lines (`start_line` + `line`, RIGHT side, one hunk: GitHub's rules, enforced by the fake), and applying it
as GitHub would leaves a manifest the scanner finds clean."""

from __future__ import annotations

import base64
import random
import re

from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.reports.markers import is_resolved
from tests.e2e.harness import Bot
from tests.e2e.scenarios import GITHUB_PAT, pull_request_event
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

SUGGESTION = re.compile(r"```suggestion\n(.*?)```", re.DOTALL)
INDENT = "        "


def pem_key() -> str:
    """A fake RSA key block, made from seeded random bytes (never a literal in the repository)."""
    body = base64.b64encode(random.Random(17).randbytes(900)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *lines, "-----END RSA PRIVATE KEY-----"])


def manifest(value_lines: list[str], key: str, style: str) -> str:
    head = "service: billing\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  charge:\n"
    head += "    handler: handler.main\n    environment:\n"
    block = f"      {key}: {style}\n" + "".join(f"{INDENT}{line}\n" for line in value_lines)
    return head + block + "      STAGE: prod\n"


def applied(text: str, start: int, end: int, suggestion: str) -> str:
    """What GitHub's "Commit suggestion" does: lines start..end replaced by the suggestion's lines."""
    lines = text.splitlines(keepends=True)
    return "".join([*lines[: start - 1], suggestion, *lines[end:]])


def findings_in(path: str, text: str) -> int:
    result = scan_file(path, text.encode(), ruleset=RuleSet.default(), config=ScanConfig())
    assert result.complete
    return len(result.findings)


def test_a_pem_key_and_a_folded_token_each_get_one_suggestion_that_leaves_the_manifest_clean(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    key_lines = pem_key().split("\n")
    files = {
        "api/serverless.yml": manifest(key_lines, "PRIVATE_KEY", "|"),
        "web/serverless.yml": manifest([GITHUB_PAT], "GITHUB_TOKEN", ">-"),
    }
    repo.commit("feature/keys", files)
    pull = repo.open_pull("feature/keys")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    comments = sorted(github.world.comments_on(repo.full_name, pull.number), key=lambda c: c.path)
    assert [(c.path, c.start_line, c.line, c.side) for c in comments] == [
        ("api/serverless.yml", 9, 9 + len(key_lines), "RIGHT"),  # the key line and every line of the block
        ("web/serverless.yml", 9, 10, "RIGHT"),
    ]
    [request] = github.calls("pulls/create-review")
    assert all(draft["start_side"] == "RIGHT" for draft in request.json()["comments"])

    fixed = {}
    for comment in comments:
        [suggestion] = SUGGESTION.findall(comment.body)
        assert suggestion.count("\n") == 1 and "${ssm:/billing/" in suggestion
        assert "BEGIN RSA" not in comment.body and GITHUB_PAT not in comment.body
        assert comment.start_line is not None
        fixed[comment.path] = applied(files[comment.path], comment.start_line, comment.line, suggestion)
        assert findings_in(comment.path, files[comment.path]) == 1
        assert findings_in(comment.path, fixed[comment.path]) == 0  # one click leaves a clean manifest
        assert fixed[comment.path].endswith("      STAGE: prod\n")  # the rest of the file is untouched

    before = pull.head_sha
    repo.commit("feature/keys", fixed)
    bot.deliver("pull_request", pull_request_event(repo, pull, "synchronize", before=before))
    bot.settle()
    assert all(is_resolved(c.body) for c in github.world.comments_on(repo.full_name, pull.number))


def test_a_value_whose_lines_straddle_two_hunks_gets_the_fix_as_text(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """Only part of the block changed: its lines are not all in one hunk, so no suggestion over them (GitHub
    would refuse the whole review); the comment says which lines to replace and with what."""
    key_lines = pem_key().split("\n")
    old = manifest(key_lines, "PRIVATE_KEY", "|")
    repo.commit("main", {"serverless.yml": old})
    changed = key_lines[:]
    changed[-2] = changed[-2][::-1]  # a line near the end of the block, far from its first line
    head = manifest(changed, "PRIVATE_KEY", "|  # rotated")  # the first line changes too: it is commentable
    repo.commit("feature/rotate", {"serverless.yml": head})
    pull = repo.open_pull("feature/rotate")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [comment] = github.world.comments_on(repo.full_name, pull.number)
    assert (comment.start_line, comment.line) == (None, 9)
    assert "```suggestion" not in comment.body
    assert f"The value spans lines 9-{8 + len(key_lines) + 1}. Replace those lines with" in comment.body
