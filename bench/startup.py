"""How long does `secrets-bot scan` of one small file take, as a whole process (issue 16: at most 150 ms)?

Writes one small Serverless manifest (no secret, no `${file()}` target) to a temporary directory and runs
`python -m bot scan FILE --format json` --runs times, printing the median and minimum wall time and CPU time
(user + system) of the process. With --baseline DIR (a checkout of another commit, e.g. made with
`git archive main | tar -x -C DIR`) both are run, alternating, on the same file. Each checkout's modules are
byte-compiled first, as `pip install` does (the virtualenv may set PYTHONDONTWRITEBYTECODE, in which case
every run would otherwise compile the sources again).

    .venv/bin/python -m bench.startup [--runs 30] [--baseline DIR] [--file PATH]
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
MANIFEST = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs18.x
  region: ${opt:region, 'us-east-1'}
  environment:
    TABLE_NAME: ${self:service}-${sls:stage}
    API_KEY: ${ssm:/orders/api-key}
    LOG_LEVEL: info
functions:
  create:
    handler: src/create.handler
    events:
      - http:
          path: /orders
          method: post
"""


def run_once(checkout: Path, target: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole `python -m bot scan` process."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "SECRETS_BOT_FINGERPRINT_KEY": "ab" * 32}
    command = [sys.executable, "-m", "bot", "scan", str(target), "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(command, capture_output=True, env=env, check=False, cwd=target.parent)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"scan exited {process.returncode}: {process.stderr.decode(errors='replace')[-2000:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout to run side by side")
    parser.add_argument("--file", type=Path, default=None, help="the file to scan (default: a small one)")
    args = parser.parse_args()
    checkouts = {"this checkout": REPOSITORY}
    if args.baseline is not None:
        checkouts["baseline"] = args.baseline.resolve()
    for checkout in checkouts.values():
        compileall.compile_dir(checkout / "bot", quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        target = args.file.resolve() if args.file else Path(scratch) / "serverless.yml"
        if args.file is None:
            target.write_text(MANIFEST, encoding="utf-8")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
        for checkout in checkouts.values():
            run_once(checkout, target)  # warm the page cache; not counted
        for _ in range(args.runs):
            for name, checkout in checkouts.items():
                times[name].append(run_once(checkout, target))
    print(f"load average before the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("| checkout | runs | wall median | wall min | CPU median | CPU min |")
    print("|---|---|---|---|---|---|")
    for name, samples in times.items():
        walls = [wall for wall, _ in samples]
        cpus = [cpu for _, cpu in samples]
        print(
            f"| {name} | {len(samples)} | {_ms(statistics.median(walls))} | {_ms(min(walls))} "
            f"| {_ms(statistics.median(cpus))} | {_ms(min(cpus))} |"
        )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    main()
