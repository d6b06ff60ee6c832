"""The locked dependencies as a folder of wheels, downloaded once per test session (loaded from
tests/conftest.py).

Four tests install this package into fresh virtualenvs: the built wheel, the Action's install step and two
pre-commit hook environments. Each used to resolve the package's dependencies against the package index and
download them again; with this folder they install with `--no-index --find-links`, through pip's own
environment variables, which the pip that the Action's script or pre-commit runs honours as well. What is
installed is still the package built from this checkout, with the dependencies its metadata declares (a
declared dependency missing from the lock fails the install), at the versions of requirements.lock,
checked against its hashes, as the Dockerfile installs them.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.processes import ROOT


@pytest.fixture(scope="session")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pip's environment for an install from the wheelhouse alone; empty when the locked wheels cannot be
    downloaded (no package index reachable), so that the installs reach for the index as they would without
    this fixture, and pass or fail as they would."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    downloaded = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--require-hashes",
            "--only-binary=:all:",
            "--requirement",
            str(ROOT / "requirements.lock"),
            "--dest",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    if downloaded.returncode != 0:
        return {}
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(folder)}
