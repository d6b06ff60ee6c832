"""`secrets-bot pre-receive` as the pre-receive hook of a local bare repository, driven by real `git push`."""

from __future__ import annotations

import io
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.config import ScanConfig, ScanLimits
from bot.core.filetargets import MAX_TARGETS
from bot.core.rules import RuleSet
from bot.prereceive import REFUSE, Limits, RefUpdate, Verdict, judge, run, scan_push
from tests.snapshot import isolated_git_env
from tests.test_cli import PASSWORD, TOKEN, serverless

KEY = "34" * 32
SCRIPT = Path(sys.executable).with_name("secrets-bot")
SAFE = "${ssm:/hello-world/github-api-key}"


class Server:
    """A bare repository whose pre-receive hook runs the scanner, and a clone that pushes to it."""

    def __init__(self, root: Path) -> None:
        self.env = isolated_git_env(root, SECRETS_BOT_FINGERPRINT_KEY=KEY)
        self.bare, self.clone = root / "server.git", root / "clone"
        self.git(root, "init", "-q", "--bare", "-b", "main", str(self.bare))
        self.git(root, "clone", "-q", str(self.bare), str(self.clone))
        self.hook()

    def hook(self, *args: str) -> None:
        hook = self.bare / "hooks" / "pre-receive"
        hook.write_text(f"#!/bin/sh\nexec '{SCRIPT}' pre-receive {' '.join(args)}\n")
        hook.chmod(0o755)

    def git(self, cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True, check=check
        )

    def commit(self, files: dict[str, str], message: str = "change") -> str:
        for path, text in files.items():
            (self.clone / path).parent.mkdir(parents=True, exist_ok=True)
            (self.clone / path).write_text(text)
        self.git(self.clone, "add", "-A")
        self.git(self.clone, "commit", "-q", "--allow-empty", "-m", message)
        return self.git(self.clone, "rev-parse", "HEAD").stdout.strip()

    def push(self, *refspec: str) -> subprocess.CompletedProcess[str]:
        return self.git(self.clone, "push", "origin", *(refspec or ("HEAD:main",)), check=False)

    def server_ref(self, ref: str = "main") -> str:
        return self.git(self.bare, "rev-parse", "--verify", "--quiet", ref, check=False).stdout.strip()


@pytest.fixture
def server(tmp_path: Path) -> Server:
    server = Server(tmp_path)
    server.commit({"serverless.yml": serverless({"GITHUB_API_KEY": SAFE})}, "clean start")
    assert server.push().returncode == 0
    return server


def test_a_clean_push_goes_through(server: Server) -> None:
    head = server.commit({"api/serverless.yml": serverless({"STAGE": "prod"}, service="api")})
    pushed = server.push()
    assert pushed.returncode == 0, pushed.stderr
    assert server.server_ref() == head


def test_a_push_with_a_secret_is_refused_with_the_redacted_finding_and_the_fix(server: Server) -> None:
    before = server.server_ref()
    server.commit({"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})}, "add a key")
    refused = server.push()
    assert refused.returncode != 0
    shown = refused.stderr  # the hook's output reaches the pusher as `remote:` lines
    assert "remote: serverless.yml" in shown
    assert f"GITHUB_API_KEY: {TOKEN[:4]}****" in shown
    assert "fix | GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}" in shown
    assert (
        "push refused: 1 hard-coded secret(s)" in shown
        and "git rebase -i" in shown
        and "git commit --amend" in shown
    )
    assert "(pre-receive hook declined)" in shown
    assert TOKEN not in refused.stdout + refused.stderr
    assert server.server_ref() == before  # the ref did not move


def test_a_secret_added_then_removed_within_the_push_is_still_refused(server: Server) -> None:
    server.commit({"serverless.yml": serverless({"DB_PASSWORD": PASSWORD})}, "oops")
    server.commit({"serverless.yml": serverless({"DB_PASSWORD": SAFE})}, "fix it")
    refused = server.push()
    assert refused.returncode != 0
    assert "deleted since: still in the history, rotate it" in refused.stderr


def test_new_branches_bring_only_their_new_commits(server: Server) -> None:
    assert server.push("HEAD:refs/heads/copy").returncode == 0  # nothing new: nothing to scan
    server.git(server.clone, "checkout", "-q", "-b", "feature")
    server.commit({"web/serverless.yml": serverless({"GITHUB_API_KEY": TOKEN}, service="web")})
    refused = server.push("feature")
    assert refused.returncode != 0 and "web/serverless.yml" in refused.stderr
    assert server.server_ref("feature") == ""
    assert server.push(":copy").returncode == 0  # a deletion brings nothing


def test_the_push_cannot_lower_its_own_threshold(server: Server) -> None:
    server.commit(
        {
            ".github/secrets-bot.yml": "fail_on: never\n",
            "serverless.yml": serverless({"GITHUB_API_KEY": TOKEN}),
        }
    )
    refused = server.push()
    assert refused.returncode != 0 and "push refused" in refused.stderr


def test_the_default_branch_config_applies(server: Server) -> None:
    server.commit({".github/secrets-bot.yml": "fail_on: never\n"})
    assert server.push().returncode == 0
    server.commit({"serverless.yml": serverless({"GITHUB_API_KEY": TOKEN})})
    advisory = server.push()
    assert advisory.returncode == 0, advisory.stderr  # reported, not refused
    assert "github-pat" in advisory.stderr


def test_a_push_not_scanned_within_the_time_bound_is_refused_unless_allowed(server: Server) -> None:
    server.commit({"serverless.yml": serverless({"STAGE": "prod"})})
    server.hook("--timeout", "0.000001")
    refused = server.push()
    assert refused.returncode != 0
    assert "could not be scanned in full (the scan did not finish within" in refused.stderr
    server.hook("--timeout", "0.000001", "--on-incomplete", "allow")
    accepted = server.push()
    assert accepted.returncode == 0
    assert "push accepted without a full scan (the scan did not finish within" in accepted.stderr


def test_too_many_commits_is_incomplete(server: Server) -> None:
    for number in range(3):
        server.commit({}, f"empty {number}")
    server.hook("--max-commits", "2")
    refused = server.push()
    assert refused.returncode != 0 and "more than 2 commits" in refused.stderr


@pytest.mark.parametrize("text", ["garbage\n", "0000 1111 refs/heads/main\n", f"{'a' * 40} {'b' * 40}\n"])
def test_input_that_is_not_ref_updates_refuses_the_push(tmp_path: Path, text: str) -> None:
    out = io.StringIO()
    code = run(
        tmp_path,
        io.StringIO(text),
        out,
        config_file=None,
        fail_on=None,
        limits=Limits(),
        fingerprint_key=b"k" * 32,
    )
    assert code == 1 and "is not `<old> <new> <ref>`" in out.getvalue()


CONSUMER = (
    "service: api\nprovider:\n  name: aws\n  environment: ${file(./env.json)}\n"
    "functions:\n  hello:\n    handler: h.main\n"
)


def test_a_secret_in_a_file_target_of_a_pushed_manifest_is_refused_with_the_manifests_fix(
    server: Server,
) -> None:
    server.commit({"api/env.json": f'{{"GITHUB_API_KEY": "{TOKEN}"}}\n'}, "the secrets file")
    server.commit({"api/serverless.yml": CONSUMER}, "read it")

    refused = server.push()

    assert refused.returncode != 0, refused.stderr
    assert "remote: api/env.json" in refused.stderr and "github-pat" in refused.stderr
    assert "${ssm:/api/" in refused.stderr  # the consuming manifest's fix
    assert TOKEN not in refused.stdout + refused.stderr
    assert server.server_ref() != server.git(server.clone, "rev-parse", "HEAD").stdout.strip()


def test_a_clean_file_target_goes_through_and_one_that_cannot_be_read_refuses_the_push(
    server: Server,
) -> None:
    server.commit({".github/secrets-bot.yml": "max_file_size: 2000\n"})
    assert server.push().returncode == 0
    server.commit({"api/env.json": '{"STAGE": "prod"}\n', "api/serverless.yml": CONSUMER})
    assert server.push().returncode == 0

    server.commit({"api/env.json": '{"STAGE": "prod", "PAD": "' + "x" * 5_000 + '"}\n'})
    server.commit({"api/serverless.yml": CONSUMER + "# touched\n"})
    refused = server.push()

    assert refused.returncode != 0
    assert "api/env.json: a ${file()} target could not be read in full" in refused.stderr


def test_file_targets_past_the_limit_make_the_push_incomplete(server: Server) -> None:
    count = MAX_TARGETS + 1
    files = {f"api/env{number}.json": '{"STAGE": "prod"}\n' for number in range(count)}
    environment = "".join(f"    V{number}: ${{file(./env{number}.json):STAGE}}\n" for number in range(count))
    manifest = "service: api\nprovider:\n  name: aws\n  environment:\n" + environment
    server.commit({**files, "api/serverless.yml": manifest})

    refused = server.push()

    assert refused.returncode != 0
    assert f"more than {MAX_TARGETS} file targets; not read" in refused.stderr


def test_a_secret_written_to_the_file_target_of_an_unchanged_manifest_is_refused_with_its_fix(
    server: Server,
) -> None:
    server.commit({"api/env.json": '{"STAGE": "prod"}\n', "api/serverless.yml": CONSUMER})
    assert server.push().returncode == 0
    server.commit({"api/env.json": '{"STAGE": "test"}\n', "api/notes.json": "{}\n"})
    assert server.push().returncode == 0  # clean writes to a target and to a file no manifest reads

    server.commit({"api/env.json": f'{{"GITHUB_API_KEY": "{TOKEN}"}}\n'}, "only the target")
    refused = server.push()

    assert refused.returncode != 0, refused.stderr
    assert "remote: api/env.json" in refused.stderr and "github-pat" in refused.stderr
    assert "${ssm:/api/" in refused.stderr  # the unchanged consuming manifest's fix
    assert "the secret is in a commit of this push" in refused.stderr
    assert TOKEN not in refused.stdout + refused.stderr


def test_a_pushed_file_that_a_pattern_target_of_an_unchanged_manifest_names_is_scanned(
    server: Server,
) -> None:
    staged = CONSUMER.replace("./env.json", "./env.${opt:stage}.json")
    server.commit({"api/env.prod.json": '{"STAGE": "prod"}\n', "api/serverless.yml": staged})
    assert server.push().returncode == 0

    server.commit({"api/env.test.json": f'{{"GITHUB_API_KEY": "{TOKEN}"}}\n'})
    refused = server.push()

    assert refused.returncode != 0 and "remote: api/env.test.json" in refused.stderr, refused.stderr
    assert "${ssm:/api/" in refused.stderr


def test_a_manifest_at_the_tip_that_cannot_be_read_makes_a_push_that_writes_files_incomplete(
    server: Server,
) -> None:
    server.commit({".github/secrets-bot.yml": "max_file_size: 2000\n"})
    assert server.push().returncode == 0
    big = CONSUMER + "".join(f"# padding line {number}\n" for number in range(200))
    server.commit({"api/serverless.yml": big})
    server.hook("--on-incomplete", "allow")
    assert server.push().returncode == 0
    server.hook()

    server.commit({"api/env.json": f'{{"GITHUB_API_KEY": "{TOKEN}"}}\n'})
    refused = server.push()

    assert refused.returncode != 0
    assert "api/serverless.yml: a manifest that may read files of this push could not be read in full" in (
        refused.stderr
    )


def test_a_secret_already_in_the_target_of_a_pushed_manifest_is_refused_as_already_there(
    server: Server,
) -> None:
    server.commit({"api/env.json": f'{{"GITHUB_API_KEY": "{TOKEN}"}}\n'}, "no manifest reads it yet")
    assert server.push().returncode == 0

    server.commit({"api/serverless.yml": CONSUMER}, "read it")
    refused = server.push()

    assert refused.returncode != 0, refused.stderr  # still fails closed
    assert "remote: api/env.json" in refused.stderr
    assert "1 of these secret(s) were already there before this push" in refused.stderr
    assert "not introduced by this push" in refused.stderr
    assert "the secret is in a commit of this push" not in refused.stderr
    assert TOKEN not in refused.stdout + refused.stderr


def test_a_file_target_that_runs_out_of_its_work_budget_makes_the_push_incomplete(server: Server) -> None:
    """Scanned in-process, with a small work budget (the repository config cannot lower it): the pushed
    commit is left on no ref of the clone, as in the hook's quarantine."""
    base = server.server_ref()
    rng = random.Random(7)
    tokens = ("ghp_" + "".join(rng.choices(string.ascii_letters + string.digits, k=36)) for _ in range(50))
    values = ", ".join(f'"TOKEN_{number}": "{token}"' for number, token in enumerate(tokens))
    tip = server.commit({"api/env.json": f"{{{values}}}\n", "api/serverless.yml": CONSUMER})
    server.git(server.clone, "reset", "-q", "--hard", base)
    config = ScanConfig(limits=ScanLimits(max_work=2_000), fingerprint_key=b"k" * 32)
    ruleset = RuleSet.default().with_config(config)

    verdict = scan_push(server.clone, [RefUpdate(base, tip, "refs/heads/main")], config, ruleset, Limits())

    assert "api/env.json: not scanned in full" in verdict.incomplete
    out = io.StringIO()
    assert judge(verdict, "never", Limits(), out) == REFUSE  # for the budget alone, not for the findings
    assert "could not be scanned in full (api/env.json: not scanned in full)" in out.getvalue()


def test_the_reasons_for_an_incomplete_push_keep_the_paths_inert() -> None:
    """Paths are the pusher's text, and a push may run in a CI job whose log honours workflow commands."""
    verdict = Verdict(incomplete=["a\n::error::x ##[add-mask]y/serverless.yml: not scanned in full"])
    out = io.StringIO()

    assert judge(verdict, "high", Limits(), out) == REFUSE
    assert "(a\\x0a::error::x #\\x23[add-mask]y/serverless.yml: not scanned in full)" in out.getvalue()
