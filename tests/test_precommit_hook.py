"""The shipped `.pre-commit-hooks.yaml`, run by the real `pre-commit` tool as a team would use it.

pre-commit clones this repository at a commit and pip-installs it into a virtualenv of its own (as configured
for pip: here from the session's wheelhouse, `tests/wheelhouse.py`), so the tests give it a snapshot of this
checkout (`tests/snapshot.py`). The hook's environment is found through pre-commit alone: the test's own
`secrets-bot` is taken off PATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.snapshot import isolated_git_env, snapshot
from tests.test_cli import TOKEN, serverless

KEY = "cd" * 32
pytestmark = pytest.mark.timeout(600)  # pre-commit builds a virtualenv and installs the package into it


def git(root: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=check
    )


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory, offline_pip: dict[str, str]) -> dict[str, str]:
    """No git configuration of the machine's, a fixed identity, PATH without this virtualenv, and pip
    pointed at the wheelhouse."""
    home = tmp_path_factory.mktemp("home")
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    return isolated_git_env(
        home,
        PATH=path,
        SECRETS_BOT_FINGERPRINT_KEY=KEY,
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        NO_COLOR="1",
        **offline_pip,
    )


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("secrets-bot-hooks")
    return root, snapshot(root, environment)


def pre_commit(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=project, env=env, capture_output=True, text=True
    )


def project(tmp_path: Path, env: dict[str, str]) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=env, check=True)
    return root


def stage(root: Path, env: dict[str, str], text: str) -> None:
    (root / "serverless.yml").write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, env=env, check=True)


def commit(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "change"], cwd=root, env=env, capture_output=True, text=True
    )


def test_installed_hook_refuses_a_secret_and_lets_the_fix_through(
    tmp_path: Path, environment: dict[str, str], hooks_repo: tuple[Path, str]
) -> None:
    hooks, rev = hooks_repo
    root = project(tmp_path, environment)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: secrets-bot\n", encoding="utf-8"
    )
    installed = pre_commit(root, environment, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr

    stage(root, environment, serverless({"GITHUB_API_KEY": TOKEN}))
    refused = commit(root, environment)
    shown = refused.stdout + refused.stderr
    assert refused.returncode != 0, shown
    assert TOKEN not in shown
    assert f"GITHUB_API_KEY: {TOKEN[:4]}****" in shown  # the redacted finding
    assert "fix | GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}" in shown  # the replacement line
    assert (
        git(root, environment, "rev-parse", "--verify", "HEAD", check=False).returncode != 0
    )  # nothing committed

    # The fix is staged; a file that is no manifest holds a token, and the secret is back in the work tree,
    # unstaged: the hook reads the staged manifests only, so the commit goes through.
    (root / "README.md").write_text(f"not a manifest: {TOKEN}\n", encoding="utf-8")
    stage(root, environment, serverless({"GITHUB_API_KEY": "${ssm:/hello-world/github-api-key}"}))
    (root / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}), encoding="utf-8")
    accepted = commit(root, environment)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "secrets-bot (hard-coded secrets in serverless manifests)....." in accepted.stderr
    assert "Passed" in accepted.stderr
    assert TOKEN in (root / "serverless.yml").read_text(encoding="utf-8")  # the unstaged change is kept


def test_try_repo_runs_the_hook_on_the_staged_manifests(
    tmp_path: Path, environment: dict[str, str], hooks_repo: tuple[Path, str]
) -> None:
    """One `try-repo` run: each builds the hook's virtualenv anew, in a store of its own (pre-commit's
    design), which is most of this module's time; what is staged and what is not is covered above."""
    hooks, rev = hooks_repo
    root = project(tmp_path, environment)
    stage(root, environment, serverless({"GITHUB_API_KEY": TOKEN}))
    refused = pre_commit(root, environment, "try-repo", str(hooks), "secrets-bot", "--ref", rev)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "github-pat" in refused.stdout and TOKEN not in refused.stdout + refused.stderr


def test_system_hook_uses_the_installed_command(
    tmp_path: Path, environment: dict[str, str], hooks_repo: tuple[Path, str]
) -> None:
    hooks, rev = hooks_repo
    env = {**environment, "PATH": os.pathsep.join([str(Path(sys.executable).parent), environment["PATH"]])}
    root = project(tmp_path, env)
    stage(root, env, serverless({"GITHUB_API_KEY": TOKEN}))
    refused = pre_commit(root, env, "try-repo", str(hooks), "secrets-bot-system", "--ref", rev)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "fix | GITHUB_API_KEY: ${ssm:/hello-world/github-api-key}" in refused.stdout
