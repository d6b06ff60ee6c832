"""The composite Action (`action.yml`): valid metadata, and its shell steps run here as a runner would.

The metadata is validated against SchemaStore's published schema for action metadata (vendored in
`tests/vendor/`, see its README). The runner is imitated for what the shell steps see: each step's `env:`
with its `${{ }}` expressions evaluated from the inputs, the `github` context and earlier steps' outputs,
and the files a runner provides (`GITHUB_OUTPUT`, `GITHUB_PATH`, `RUNNER_TEMP`). `uses:` steps (setup-python,
upload-sarif) belong to other actions and are not run; the install step really installs this checkout's
snapshot into a virtualenv, with the locked dependencies from the session's wheelhouse
(`tests/wheelhouse.py`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from tests.processes import ROOT
from tests.snapshot import isolated_git_env, snapshot
from tests.test_cli import TOKEN, serverless

SCHEMA = Path(__file__).parent / "vendor" / "github-action.schema.json"
KEY = "12" * 32
OLD_TOKEN = "ghp_" + TOKEN[4:][::-1]
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
pytestmark = pytest.mark.timeout(600)  # the install step builds a virtualenv and installs the package


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_action_metadata_is_valid_against_the_published_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    errors = [error.message for error in Draft7Validator(schema).iter_errors(action())]
    assert errors == []
    assert action()["runs"]["using"] == "composite"


def test_no_expression_is_expanded_inside_a_script() -> None:
    """Inputs, branch names and paths reach the scripts as environment variables, never as shell code."""
    scripts = [step["run"] for step in action()["runs"]["steps"] if "run" in step]
    assert scripts and not any("${{" in script for script in scripts)


@dataclass
class Runner:
    """What the runner gives a composite action's shell steps."""

    workspace: Path
    temp: Path
    context: dict[str, Any]
    env: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)

    def value(self, text: str, inputs: Mapping[str, str]) -> str:
        def resolve(match: re.Match[str]) -> str:
            head, _, rest = match[1].partition(".")
            if head == "inputs":
                return inputs[rest]
            if head == "steps":
                step, _, output = rest.partition(".outputs.")
                return self.outputs.get(step, {}).get(output, "")
            current: Any = self.context
            for part in match[1].split(".")[1:]:
                current = current.get(part, "") if isinstance(current, dict) else ""
            return str(current)

        return EXPRESSION.sub(resolve, text)

    def run(self, step: dict[str, Any], inputs: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        output, path_file = self.temp / "output", self.temp / "path"
        output.write_text("")
        path_file.write_text("")
        env = {**self.env, "GITHUB_OUTPUT": str(output), "GITHUB_PATH": str(path_file)}
        env.update({"RUNNER_TEMP": str(self.temp), "GITHUB_WORKSPACE": str(self.workspace)})
        env["PATH"] = os.pathsep.join([*self.path, self.env["PATH"]])
        env.update({name: self.value(str(text), inputs) for name, text in step.get("env", {}).items()})
        cwd = self.workspace / self.value(step.get("working-directory", "."), inputs)
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )
        if "id" in step:
            self.outputs[step["id"]] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
        self.path = [*reversed(path_file.read_text().split()), *self.path]
        return done


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory, offline_pip: dict[str, str]
) -> tuple[Path, list[str]]:
    """The install step, run once: the action's checkout (a snapshot of this one) and the PATH it adds."""
    home = tmp_path_factory.mktemp("action-home")
    env = isolated_git_env(home, PATH=_path_with_python(home), **offline_pip)
    action_path = tmp_path_factory.mktemp("action")
    snapshot(action_path, env)
    runner = Runner(
        action_path, tmp_path_factory.mktemp("runner-temp"), {"action_path": str(action_path)}, env
    )
    install = next(step for step in action()["runs"]["steps"] if step.get("name") == "Install the scanner")
    done = runner.run(install, {})
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.path and Path(runner.path[0], "secrets-bot").is_file()
    return action_path, runner.path


def _path_with_python(home: Path) -> str:
    """PATH without this test's virtualenv, with a `python` (setup-python's job on a runner)."""
    bin_dir = home / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    venv_bin = str(Path(sys.executable).parent)
    return os.pathsep.join(
        [str(bin_dir), *(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)]
    )


@pytest.fixture
def pull_request(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """A checkout of a pull request: its base holds an old secret, the pull request adds a new one."""
    root = tmp_path / "checkout"
    root.mkdir()
    env = isolated_git_env(tmp_path, PATH=os.environ["PATH"])

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    (root / "legacy").mkdir()
    (root / "legacy" / "serverless.yml").write_text(
        serverless({"GITHUB_API_KEY": OLD_TOKEN}, service="legacy")
    )
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    (root / "api").mkdir()
    (root / "api" / "serverless.yml").write_text(serverless({"GITHUB_API_KEY": TOKEN}))
    (root / "NOTES.md").write_text(f"not a manifest: {TOKEN}\n")
    git("add", "-A")
    git("commit", "-q", "-m", "pull request")
    return root, base, env


def run_action(
    workspace: Path,
    installed: tuple[Path, list[str]],
    env: dict[str, str],
    base: str,
    *,
    event: str = "pull_request",
    **given: str,
) -> tuple[Runner, list[subprocess.CompletedProcess[str]]]:
    """Every shell step after the install, as the runner would run them, with the inputs' defaults."""
    action_path, path = installed
    metadata = action()
    inputs = {name: str(spec.get("default", "")) for name, spec in metadata["inputs"].items()}
    inputs.update(given)
    context = {
        "action_path": str(action_path),
        "event_name": event,
        "event": {"pull_request": {"base": {"sha": base}}},
    }
    runner = Runner(workspace, workspace.parent / "runner-temp", context, env, path=list(path))
    runner.temp.mkdir(exist_ok=True)
    steps = [s for s in metadata["runs"]["steps"] if "run" in s and s.get("name") != "Install the scanner"]
    return runner, [runner.run(step, inputs) for step in steps]


def sarif_paths(document: dict[str, Any]) -> list[str]:
    return [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]
    ]


def test_a_pull_request_fails_on_the_secret_it_adds_and_writes_sarif(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    runner, (scan, verdict) = run_action(
        root, installed, {**env, "NO_COLOR": "1"}, base, **{"fingerprint-key": KEY}
    )
    assert scan.returncode == 0, scan.stderr  # the scan step records the status, the last step fails
    assert runner.outputs["scan"] == {"exit-code": "1", "sarif-file": "secrets-bot.sarif"}
    assert sarif_paths(json.loads((root / "secrets-bot.sarif").read_text())) == ["api/serverless.yml"]
    assert "GITHUB_API_KEY: ghp_****" in scan.stdout and "fix | GITHUB_API_KEY: ${ssm:" in scan.stdout
    assert TOKEN not in scan.stdout + scan.stderr + (root / "secrets-bot.sarif").read_text()
    assert verdict.returncode == 1 and "::error::" in verdict.stdout


def test_scope_all_scans_the_whole_repository(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    _, (_, verdict) = run_action(root, installed, env, base, scope="all", **{"fingerprint-key": KEY})
    paths = sarif_paths(json.loads((root / "secrets-bot.sarif").read_text()))
    assert sorted(paths) == ["api/serverless.yml", "legacy/serverless.yml"]
    assert verdict.returncode == 1


def test_a_clean_change_passes_and_fail_on_never_is_advisory(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, env=env
    )
    _, (_, verdict) = run_action(root, installed, env, head.stdout.strip())  # nothing changed since
    assert verdict.returncode == 0
    runner, (_, verdict) = run_action(root, installed, env, base, **{"fail-on": "never"})
    assert runner.outputs["scan"]["exit-code"] == "0" and verdict.returncode == 0
    assert sarif_paths(json.loads((root / "secrets-bot.sarif").read_text())) == ["api/serverless.yml"]


def test_a_missing_base_commit_scans_everything_instead_of_nothing(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, _, env = pull_request
    _, (scan, verdict) = run_action(root, installed, env, "0" * 40)
    assert "::warning::base commit" in scan.stdout
    assert sorted(sarif_paths(json.loads((root / "secrets-bot.sarif").read_text()))) == [
        "api/serverless.yml",
        "legacy/serverless.yml",
    ]
    assert verdict.returncode == 1


def test_a_bad_scope_stops_the_action(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    _, (scan, _) = run_action(root, installed, env, base, scope="everything")
    assert scan.returncode == 2 and "scope must be" in scan.stdout


def commit_in(root: Path, env: dict[str, str], files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for args in (["add", "-A"], ["commit", "-q", "-m", "more of the pull request"]):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def test_under_pull_request_target_the_pull_request_cannot_lower_its_own_threshold(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    commit_in(root, env, {".github/secrets-bot.yml": "fail_on: never\n"})

    runner, (_, verdict) = run_action(root, installed, env, base)  # `pull_request`: its own workflow anyway
    assert runner.outputs["scan"]["exit-code"] == "0"

    runner, (scan, verdict) = run_action(root, installed, env, base, event="pull_request_target")
    assert runner.outputs["scan"]["exit-code"] == "1", scan.stdout + scan.stderr
    assert verdict.returncode == 1


def test_under_pull_request_target_a_baseline_the_pull_request_brings_is_not_used(
    installed: tuple[Path, list[str]], pull_request: tuple[Path, str, dict[str, str]]
) -> None:
    root, base, env = pull_request
    written = subprocess.run(
        ["secrets-bot", "scan", "--write-baseline", "baseline.json", "."],
        cwd=root,
        env={
            **env,
            "PATH": os.pathsep.join([*installed[1], env["PATH"]]),
            "SECRETS_BOT_FINGERPRINT_KEY": KEY,
        },
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr
    commit_in(root, env, {})
    given = {"baseline": "baseline.json", "fingerprint-key": KEY}

    runner, _ = run_action(root, installed, env, base, **given)
    assert runner.outputs["scan"]["exit-code"] == "0"  # `pull_request`: the checkout's baseline hides it

    _, (scan, _) = run_action(root, installed, env, base, event="pull_request_target", **given)
    assert scan.returncode == 2 and "the baseline is not in the base commit" in scan.stdout


def test_the_documented_workflow_uses_only_inputs_the_action_has() -> None:
    """docs/github-actions.md: the Action's example parses, can upload SARIF, and names real inputs."""
    text = (ROOT / "docs" / "github-actions.md").read_text(encoding="utf-8")
    workflow = YAML(typ="safe").load(text.split("```yaml\n")[1].split("```")[0])
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 2  # the merge commit and its base, for `scope: changed`
    [uses] = [step for step in steps if "serverless-secrets-bot" in step.get("uses", "")]
    assert set(uses["with"]) <= set(action()["inputs"])
