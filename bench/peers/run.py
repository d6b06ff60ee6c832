"""Run a tool (a peer or us) on a directory, offline, and measure the whole process.

Every tool runs with the scanned directory as its working directory (detect-secrets ignores files outside
it) inside an empty network namespace (`unshare -n`) when this machine allows one, so none of them can
verify a key with its vendor or fetch rules. Wall time covers the whole process, start-up included; peak
memory is the largest resident set among the tool's processes (`wait4`'s ru_maxrss); CPU time (user +
system, all its processes) is kept beside wall time because it suffers less from a busy machine. A tool's
stderr is never shown: some peers log the values they found.

    .venv/bin/python -m bench.peers.run DIR [--only NAME ...] [--cache bench/.cache] [--no-us]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import normalise
from .install import DEFAULT_CACHE, is_available
from .normalise import PeerFinding
from .tools import Normaliser, Peer, select

REPO = Path(__file__).resolve().parents[2]
OURS = REPO / ".venv" / "bin" / "secrets-bot"
US_LABEL = "secrets-bot (us)"


class ToolFailed(RuntimeError):
    """A tool exited with an error and no readable report (its stderr is withheld: it may hold values)."""


class TimedOut(ToolFailed):
    """A run went past its time limit and was killed, with every process it started."""


@dataclass(frozen=True)
class Invocation:
    tool: str
    label: str
    argv: list[str]
    normalise: Normaliser
    to_stdout: bool
    env: Mapping[str, str]


@dataclass(frozen=True)
class Measured:
    tool: str
    label: str
    findings: tuple[PeerFinding, ...]
    seconds: float
    cpu_seconds: float  # user + system of the tool and every process it waited for
    peak_rss_mb: float


def us(target: Path, bot: Path = OURS) -> Invocation:
    argv = [str(bot), "scan", str(target), "--format", "json"]
    return Invocation("secrets-bot", US_LABEL, argv, normalise.ours, True, {})


def peer_invocation(peer: Peer, cache: Path, target: Path, out: Path) -> Invocation:
    argv = peer.argv(cache, target, out)
    return Invocation(peer.name, peer.label, argv, peer.normalise, peer.to_stdout, peer.env)


@functools.cache
def offline_prefix() -> tuple[str, ...]:
    """`unshare -n` when an empty network namespace can be made here (root, or user namespaces allowed)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False)
    return (unshare, "-n") if probe.returncode == 0 else ()


def measure(invocation: Invocation, target: Path, out: Path, timeout: float | None = None) -> Measured:
    """Run once; the report is read from stdout or from `out`, whichever the tool writes."""
    out.unlink(missing_ok=True)
    env = {**os.environ, **invocation.env}
    with tempfile.TemporaryFile() as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*offline_prefix(), *invocation.argv],
            cwd=target,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a time-out kills its workers too
        )
        killer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL)) if timeout else None
        if killer:
            killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if killer:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        raw = stdout.read().decode() if invocation.to_stdout else _read(out)
    if timeout and seconds >= timeout:
        raise TimedOut(f"{invocation.label} ran past {timeout:.0f} s")
    if not raw.strip() and process.returncode != 0:
        raise ToolFailed(f"{invocation.label} exited {process.returncode} without a report")
    findings = tuple(sorted(set(invocation.normalise(raw, target))))
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(invocation.tool, invocation.label, findings, seconds, cpu, usage.ru_maxrss / 1024)


def _read(out: Path) -> str:
    return out.read_text(encoding="utf-8") if out.is_file() else ""


def invocations(target: Path, peers: tuple[Peer, ...], cache: Path, out: Path) -> list[Invocation]:
    """Us first, then each peer that this machine can run, all on the same directory."""
    return [us(target), *(peer_invocation(p, cache, target, out) for p in peers if is_available(p))]


def run_all(target: Path, peers: tuple[Peer, ...], cache: Path, *, include_us: bool) -> list[Measured]:
    target = target.resolve()
    with tempfile.TemporaryDirectory(prefix="peer-report-") as scratch:
        out = Path(scratch) / "report.json"
        chosen = invocations(target, peers, cache, out)[0 if include_us else 1 :]
        return [measure(invocation, target, out) for invocation in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("target", type=Path, help="directory to scan")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--only", nargs="*", help="peer names (default: all)")
    parser.add_argument("--no-us", action="store_true", help="run the peers only")
    args = parser.parse_args(argv)
    if not offline_prefix():
        print("warning: unshare -n is not available; tools run with the network", file=sys.stderr)
    runs = run_all(args.target, select(args.only), args.cache, include_us=not args.no_us)
    document = {
        run.tool: {
            "label": run.label,
            "seconds": round(run.seconds, 3),
            "peak_rss_mb": round(run.peak_rss_mb, 1),
            "findings": [finding.as_dict() for finding in run.findings],
        }
        for run in runs
    }
    json.dump(document, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
