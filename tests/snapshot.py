"""This checkout as a fresh git repository of one commit: what a user's `rev:` or `uses:` points at.

Tools that install the package (pre-commit, the Action's install step, a wheel build) get the copy, so
they never write build output into the checkout, and see uncommitted work as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tests.processes import ROOT


def snapshot(destination: Path, env: Mapping[str, str]) -> str:
    """Copy the checkout's files (tracked and new, not ignored) into `destination`, commit, return the sha."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "-co", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, os.fsdecode(listed).split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", "-C", str(destination), *args], capture_output=True, env=env, check=True)
    head = subprocess.run(
        ["git", "-C", str(destination), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return head.stdout.strip()


def isolated_git_env(home: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without the machine's or user's git configuration, with a fixed identity;
    a fingerprint key file, if one gets created, lands under `home`, not in the user's."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), **extra}
    env["XDG_CONFIG_HOME"] = str(home / "config")
    for variable in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{variable}_NAME"] = "Ann Dev"
        env[f"GIT_{variable}_EMAIL"] = "ann@example.com"
    return env
