"""Bulk scan of ~1,500 real manifests, no two alike: us against gitleaks `dir`, whole processes (issue 16).

Builds a tree of `--copies` copies of every file of a corpus (default: 11 copies of the 135-file dev corpus,
1,485 files). Each copy differs from the others: a comment naming the copy is added to every format that has
comments, numbers written as a key's whole value are changed, and JSON files get copy-specific whitespace,
so that no cache of identical content can help. Then, alternating, `--runs` times each: `python -m bot scan
DIR --format json` (every core: the scan's own process pool) and, if `bench/peers/install.py` installed it,
`gitleaks dir DIR` (which also uses every core). Prints the median and minimum wall time, CPU time (user +
system, every process) and peak resident memory of the largest process, and the ratio to gitleaks. Each
checkout is byte-compiled first, as `pip install` does (as in bench/startup.py: under PYTHONDONTWRITEBYTECODE
every run would otherwise compile the sources again, about 0.1 s of CPU in the parent before any scan).

With `--baseline DIR` (another checkout, e.g. `git archive main | tar -x -C DIR`), that checkout's scan runs
in the same rotation, and the findings of both on the tree and on the corpus itself must be identical (the
JSON reports compared whole; fingerprints use a fixed key). Only counts are printed, never a value.

    .venv/bin/python -m bench.bulk --corpus ../shared/corpus/files [--copies 11] [--runs 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.peers.install import DEFAULT_CACHE
from bench.peers.tools import select

REPOSITORY = Path(__file__).resolve().parents[1]
KEY = "ef" * 32  # the fingerprint key of every timed scan, so that two checkouts' reports compare
_HASH_COMMENTS = (".yml", ".yaml", ".toml", ".env", ".tf", ".hcl", ".txt", ".cfg", ".ini", ".sh")
_WHOLE_NUMBER = re.compile(r"^(\s*[\w.-]+\s*[:=]\s*)(\d{1,6})(\s*)$", re.MULTILINE)


def variant(name: str, text: str, copy: int) -> str:
    """The text of copy number `copy`: its own comment, its own numbers, its own whitespace."""
    changed = _WHOLE_NUMBER.sub(lambda m: f"{m[1]}{int(m[2]) + copy}{m[3]}", text)
    lower = name.lower()
    if lower.endswith(_HASH_COMMENTS) or lower.startswith(".env") or "." not in lower:
        return f"# copy {copy} of {name}, revision {copy * 7919 % 10007}\n{changed}"
    if lower.endswith(".json"):
        return changed.rstrip("\n") + "\n" + " " * copy + "\n"
    return changed + "\n" * (copy + 1)


def build_tree(corpus: Path, target: Path, copies: int) -> tuple[int, int]:
    """Write the copies; returns (files, bytes)."""
    files = total = 0
    for source in sorted(path for path in corpus.rglob("*") if path.is_file()):
        relative = source.relative_to(corpus)
        raw = source.read_bytes()
        try:
            text: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        for copy in range(copies):
            destination = target / f"copy-{copy:02d}" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            data = raw if text is None else variant(source.name, text, copy).encode("utf-8")
            destination.write_bytes(data)
            files += 1
            total += len(data)
    return files, total


@dataclass
class Runs:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks_mb: list[float] = field(default_factory=list)


def run(
    argv: list[str], env: dict[str, str], cwd: Path, stdout: int | None
) -> tuple[float, float, float, bytes]:
    """(wall s, CPU s, peak RSS MB of the largest process, stdout) of one whole process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL)
    output = process.stdout.read() if process.stdout is not None else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        sys.exit(f"{argv[0]} exited {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def ours(checkout: Path, target: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "SECRETS_BOT_FINGERPRINT_KEY": KEY}
    return [sys.executable, "-m", "bot", "scan", str(target), "--format", "json"], env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True, help="a directory of real manifests")
    parser.add_argument("--copies", type=int, default=11)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout, run and compared")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    checkouts = {"secrets-bot (this checkout)": REPOSITORY}
    if args.baseline is not None:
        checkouts["secrets-bot (baseline)"] = args.baseline.resolve()
    gitleaks = select(["gitleaks"])[0]
    with tempfile.TemporaryDirectory(prefix="bulk-") as scratch:
        tree = Path(scratch) / "tree"
        files, size = build_tree(args.corpus, tree, args.copies)
        print(f"tree: {files} files, {size / 1e6:.1f} MB, {args.copies} copies of {args.corpus}")
        for checkout in checkouts.values():
            compileall.compile_dir(checkout / "bot", quiet=1)
        commands = {name: ours(checkout, tree) for name, checkout in checkouts.items()}
        binary = Path(gitleaks.argv(args.cache, tree, Path(scratch) / "gl.json")[0])
        if binary.exists():
            commands[gitleaks.label] = (
                gitleaks.argv(args.cache, tree, Path(scratch) / "gl.json"),
                dict(os.environ),
            )
        else:
            print(
                f"{gitleaks.label} is not installed (python -m bench.peers.install --only gitleaks): not run"
            )
        if args.baseline is not None:
            compare_findings(checkouts, tree, args.corpus.resolve())
        results = {name: Runs() for name in commands}
        for argv, env in commands.values():
            run(argv, env, tree, subprocess.PIPE)  # warm the page cache; not counted
        for _ in range(args.runs):
            for name, (argv, env) in commands.items():
                wall, cpu, peak, _ = run(argv, env, tree, subprocess.PIPE)
                results[name].walls.append(wall)
                results[name].cpus.append(cpu)
                results[name].peaks_mb.append(peak)
    report(results, gitleaks.label, files)


def compare_findings(checkouts: dict[str, Path], tree: Path, corpus: Path) -> None:
    """Every checkout's JSON report must be byte-identical, on the tree and on the corpus."""
    for where in (tree, corpus):
        reports = {}
        for name, checkout in checkouts.items():
            argv, env = ours(checkout, where)
            reports[name] = run(argv, env, where, subprocess.PIPE)[3]
        if len(set(reports.values())) != 1:
            sys.exit(f"the findings differ between {', '.join(reports)} on {where}")
        count = next(iter(reports.values())).count(b'"rule"')
        print(f"findings identical on {where}: {count} findings")


def report(results: dict[str, Runs], reference: str, files: int) -> None:
    print(
        f"cores: {len(os.sched_getaffinity(0))}; "
        f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("| tool | runs | median wall | min wall | median CPU | peak RSS | manifests/s | wall vs gitleaks |")
    print("|---|---|---|---|---|---|---|---|")
    reference_wall = statistics.median(results[reference].walls) if reference in results else None
    for name, runs in results.items():
        wall = statistics.median(runs.walls)
        ratio = f"{wall / reference_wall:.2f}" if reference_wall else "-"
        print(
            f"| {name} | {len(runs.walls)} | {wall:.2f} s | {min(runs.walls):.2f} s | "
            f"{statistics.median(runs.cpus):.2f} s | {max(runs.peaks_mb):.0f} MB | {files / wall:.0f} "
            f"| {ratio} |"
        )


if __name__ == "__main__":
    main()
