"""What `pipx install .` and the container image give a user: the built wheel, installed on its own, has the
`secrets-bot` command, its version and its data files; the image carries OCI labels that agree with it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from bot import __version__
from tests.processes import ROOT
from tests.snapshot import isolated_git_env, snapshot
from tests.test_cli import TOKEN, serverless

pytestmark = pytest.mark.timeout(600)  # building and installing a wheel with its dependencies
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OCI_LABEL = re.compile(r'org\.opencontainers\.image\.(\w+)="([^"]*)"')


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip wheel . --no-deps` of a snapshot of this checkout (the build writes nothing into the checkout),
    with the pinned build backend of this virtualenv, as `make` and the Dockerfile build."""
    home = tmp_path_factory.mktemp("wheel-home")
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheels")
    snapshot(source, isolated_git_env(home))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [found] = out.glob("*.whl")
    return found


def test_the_wheel_holds_every_data_file_of_the_package(wheel: Path) -> None:
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "bot"],
        capture_output=True,
        text=True,
    ).stdout.split()
    data = {name for name in tracked if not name.endswith(".py")}
    assert {"bot/rules/default.toml", "bot/py.typed"} <= data
    names = set(zipfile.ZipFile(wheel).namelist())
    assert data <= names, sorted(data - names)
    assert wheel.name.startswith(f"serverless_secrets_bot-{PROJECT['version']}-")


def test_the_installed_wheel_runs_on_its_own(
    wheel: Path, tmp_path: Path, offline_pip: dict[str, str]
) -> None:
    """A fresh virtualenv with the wheel (and its locked dependencies, from the session's wheelhouse), run
    from a directory where this checkout cannot be imported: the command, its version, a real scan."""
    target = tmp_path / "venv"
    venv.create(target)  # no pip of its own (ensurepip's copy costs seconds): this one installs into it
    python = target / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)],
        env={**os.environ, **offline_pip},
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = target / "bin" / "secrets-bot"
    work = tmp_path / "work"
    work.mkdir()
    (work / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    env = {**os.environ, "SECRETS_BOT_FINGERPRINT_KEY": "56" * 32, "PYTHONPATH": ""}

    version = subprocess.run([str(command), "--version"], cwd=work, env=env, capture_output=True, text=True)
    assert (version.returncode, version.stdout) == (0, f"secrets-bot {__version__}\n")
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import bot, importlib.metadata as m; print(bot.__file__, m.version('serverless-secrets-bot'))",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where[0].startswith(str(target)) and where[1] == __version__  # the wheel's, not this checkout
    scan = subprocess.run(
        [str(command), "scan", ".", "--format", "json"], cwd=work, env=env, capture_output=True, text=True
    )
    assert scan.returncode == 1, scan.stderr
    assert [f["rule"] for f in json.loads(scan.stdout)["findings"]] == ["github-pat"]  # the packaged rules


def test_version_flag_and_package_metadata_agree() -> None:
    assert PROJECT["version"] == __version__
    done = subprocess.run(
        [str(Path(sys.executable).with_name("secrets-bot")), "--version"], capture_output=True, text=True
    )
    assert done.stdout == f"secrets-bot {__version__}\n"


def test_the_image_carries_oci_labels_that_agree_with_the_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    labels = dict(OCI_LABEL.findall(dockerfile))
    assert labels["source"].startswith("https://github.com/")
    assert labels["licenses"] == PROJECT["license"]
    assert labels["version"] == "${VERSION}"
    assert f"ARG VERSION={PROJECT['version']}\n" in dockerfile
    linted = subprocess.run(
        [str(Path(sys.executable).with_name("hadolint")), str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert linted.returncode == 0, linted.stdout
