"""Installing the App on an organisation: baseline time, GitHub calls per repository, the rate-limit floor,
and pull-request scan latency while the baseline runs against an idle bot (issue 13).

    .venv/bin/python bench/org_install.py [--repos 500] [--latency 0.05] [--limit 1500] [--window 30]
        [--workers 2] [--threads 2] [--prs 8] [--write-docs]

The fake GitHub runs in this process and answers every call `--latency` seconds late; its installation's
primary rate limit is `--limit` calls per `--window` seconds (GitHub's is 5,000 an hour and up: the window is
shortened so that the floor is reached within minutes). Each repository holds a few manifests; every tenth
has a hard-coded secret. The bot is the real thing: `secrets-bot serve` and `--workers` worker processes of
`--threads` threads on a Redis queue (127.0.0.1:6379, database 9, flushed), webhooks signed and posted.

1. Idle: `--prs` pull requests, one at a time, each timed from the webhook's 202 to its completed check run.
2. One `installation.created` delivery naming every repository; while its baseline runs, `--prs` more
   pull requests, timed the same way. Then the baseline is waited for (every default branch has its
   completed check run) and /metrics is read.
`--write-docs` replaces the issue-13 section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadkit import INSTALLATION, ROOT, machine, start_bot, write_section

from bot.jobs.baseline_scan import CALLS_PER_BASELINE
from tests.deliveries import pull_request_event, serverless, signed
from tests.fakegithub.records import RateLimit
from tests.fakegithub.server import FakeGitHub
from tests.processes import kill, terminate

SECRET = "org-bench-" + "h00k" * 6
HEADING = "## Installing on an organisation (issue 13)"
OWNER = "acme"
PR_REPO = f"{OWNER}/web-app"  # pull requests go here: its calls are not counted as the baseline's
ORG_DEFAULTS = f"{OWNER}/.github"  # every scan looks for the organisation's defaults there (absent here)
FLOOR = 0.2  # BASELINE_RATE_FLOOR's default
SECRET_EVERY = 10  # every tenth repository has a hard-coded secret on its default branch
FINDINGS_PER_SECRET = 2  # the literal (high) and its provider-wide scope (low)
SAM_TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: orders
"""


class PacedGitHub(FakeGitHub):
    """The fake GitHub with a primary limit of `limit` calls per `window` seconds, that notes what every
    installation call left of it (repository, remaining)."""

    def __init__(self, *, limit: int, window: float, **options: Any) -> None:
        super().__init__(**options)
        self.limit, self.window = limit, window
        self.rate = RateLimit(reset=self.clock() + window, limit=limit, remaining=limit)
        self.spent: list[tuple[str, int]] = []

    def _spend_rate_limit(self) -> None:
        if self.clock() >= self.rate.reset:
            self.rate = RateLimit(reset=self.clock() + self.window, limit=self.limit, remaining=self.limit)
        super()._spend_rate_limit()

    def _authenticate(self, call: Any, operation: str) -> None:
        super()._authenticate(call, operation)
        if call.installation is not None:  # an installation call: it spent one
            self.spent.append((f"{call.params.get('owner')}/{call.params.get('repo')}", self.rate.remaining))


@dataclass
class Org:
    fake: PacedGitHub
    repos: list[str]
    heads: dict[str, str]  # repository -> default-branch head
    pulls: list[tuple[int, str, str]]  # (number, head, base) on PR_REPO
    secrets: int
    info: dict[str, Any] = field(default_factory=dict)  # what loadkit.start_bot reads


def build_org(count: int, prs: int, *, latency: float, limit: int, window: float) -> Org:
    fake = PacedGitHub(limit=limit, window=window).start()
    fake.add_installation(INSTALLATION)
    if latency > 0:
        fake.delay(None, None, latency, times=None)  # every answer, for as long as the fake runs
    repos, heads, secrets = [], {}, 0
    for index in range(count):
        repo = fake.add_repo(f"{OWNER}/service-{index:04}")
        leaky = index % SECRET_EVERY == SECRET_EVERY - 1
        secrets += leaky
        heads[repo.full_name] = repo.commit(
            "main",
            {
                "README.md": f"# service {index}\n",
                "src/handler.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
                "serverless.yml": clean_manifest(f"svc-{index}"),
                "template.yaml": SAM_TEMPLATE,
                "workers/serverless.yml": (
                    serverless(service=f"wrk-{index}") if leaky else clean_manifest(f"wrk-{index}")
                ),
            },
        )
        repos.append(repo.full_name)
    web = fake.add_repo(PR_REPO)
    web.commit("main", {"README.md": "# web\n"})
    pulls = []
    for number in range(2 * prs + 1):  # one to warm up, `prs` idle, `prs` during the baseline
        web.commit(f"feature-{number}", {"serverless.yml": serverless(service=f"pr-{number}")})
        pull = web.open_pull(f"feature-{number}")
        pulls.append((pull.number, pull.head_sha, pull.base_sha))
    info = {"url": fake.url, "app_id": fake.app_id, "pem": fake.keys.private_pem}
    return Org(fake, repos, heads, pulls, secrets, info)


def clean_manifest(service: str) -> str:
    """A Serverless manifest without findings: the secret is read at runtime from SSM by name."""
    return (
        f"service: {service}\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  api:\n"
        f"    handler: handler.main\n    environment:\n      STRIPE_KEY_PARAM: /{service}/stripe-key\n"
    )


def installation_created(repos: list[str]) -> dict[str, Any]:
    listed = [
        {"id": 10_000 + index, "node_id": f"R_{index}", "name": name.split("/")[1], "full_name": name,
         "private": True}
        for index, name in enumerate(repos)
    ]  # fmt: skip
    return {
        "action": "created",
        "installation": {
            "id": INSTALLATION,
            "account": {"login": OWNER, "id": 9919},
            "repository_selection": "selected",
        },
        "repositories": listed,
        "sender": {"login": "org-admin", "id": 1002},
    }


def repo_of(path: str) -> str:
    """`owner/name` of a `/repos/{owner}/{name}/...` path, else ""."""
    parts = path.split("/")
    return "/".join(parts[2:4]) if len(parts) > 3 and parts[1] == "repos" else ""


def completed(fake: FakeGitHub, repo: str, sha: str) -> bool:
    with fake.world.lock:
        return any(run.status == "completed" for run in fake.world.runs_for(repo, sha))


def time_pull_request(client: httpx.Client, url: str, org: Org, index: int, timeout: float) -> float:
    """Seconds from the webhook's 202 to the pull request's completed check run."""
    number, head, base = org.pulls[index]
    body, headers = signed(
        "pull_request",
        pull_request_event(PR_REPO, number, head=head, base=base, installation=INSTALLATION),
        delivery=f"org-pr-{index}",
        secret=SECRET,
    )
    answer = client.post(url, content=body, headers=headers)
    accepted = time.perf_counter()
    assert answer.status_code == 202, answer.status_code
    while not completed(org.fake, PR_REPO, head):
        if time.perf_counter() - accepted > timeout:
            raise RuntimeError(f"pull request {number} was not scanned within {timeout} s")
        time.sleep(0.005)
    return time.perf_counter() - accepted


def baseline_done(org: Org) -> int:
    with org.fake.world.lock:
        return sum(
            1
            for run in org.fake.world.check_runs.values()
            if run.status == "completed" and org.heads.get(run.repo) == run.head_sha
        )


def metric(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    found = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


class Progress(threading.Thread):
    """Reads /metrics every second while the baseline runs: (seconds, done, total, open findings)."""

    def __init__(self, base: str, started: float) -> None:
        super().__init__(daemon=True)
        self.base, self.started = base, started
        self.samples: list[tuple[float, float, float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10.0) as client:
            while not self.stop.wait(1.0):
                text = client.get("/metrics").text
                figures = [
                    metric(text, "secrets_bot_baseline_repositories", installation="1", state="done"),
                    metric(text, "secrets_bot_baseline_repositories", installation="1", state="total"),
                    metric(text, "secrets_bot_baseline_open_findings", installation="1"),
                ]
                if all(value is not None for value in figures):
                    done, total, found = (float(value or 0) for value in figures)
                    self.samples.append((time.perf_counter() - self.started, done, total, found))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    org = build_org(args.repos, args.prs, latency=args.latency, limit=args.limit, window=args.window)
    admin = redis.Redis.from_url(args.redis)
    admin.flushdb()
    try:
        with tempfile.TemporaryDirectory(prefix="org-bench-") as workdir:
            figures = _run(org, args, Path(workdir))
    finally:
        org.fake.stop()
        admin.flushdb()
        admin.close()
    return figures


def _run(org: Org, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    env = {"LOG_LEVEL": "INFO", "DATABASE_URL": f"sqlite:///{workdir}/findings.db", "WORKERS": "0"}
    processes = start_bot(
        org,  # type: ignore[arg-type]  # only .info is read
        workdir,
        secret=SECRET,
        queue_url=args.redis,
        workers=args.workers,
        threads=args.threads,
        env=env,
    )
    base = f"http://127.0.0.1:{processes['serve'].port}"  # type: ignore[attr-defined]
    url = base + "/api/github/webhooks"
    try:
        with httpx.Client(timeout=60.0) as client:
            time_pull_request(client, url, org, 0, timeout=60.0)  # warm-up: tokens, connections, imports
            idle = [time_pull_request(client, url, org, i, 60.0) for i in range(1, args.prs + 1)]
            calls_before = len(org.fake.calls())
            body, headers = signed(
                "installation", installation_created(org.repos), delivery="org-install", secret=SECRET
            )
            started = time.perf_counter()
            assert client.post(url, content=body, headers=headers).status_code == 202
            progress = Progress(base, started)
            progress.start()
            while baseline_done(org) < min(20, len(org.repos)):
                time.sleep(0.05)
            busy, overlapped = [], 0
            for index in range(args.prs + 1, 2 * args.prs + 1):
                before = baseline_done(org)
                busy.append(time_pull_request(client, url, org, index, 300.0))
                overlapped += before < baseline_done(org) < len(org.repos)  # baselines ran alongside
                time.sleep(args.gap)
            while baseline_done(org) < len(org.repos):
                if time.perf_counter() - started > args.timeout:
                    raise RuntimeError(f"the baseline did not finish within {args.timeout} s")
                time.sleep(0.1)
            baseline_seconds = time.perf_counter() - started
            time.sleep(1.5)  # one more /metrics sample after the last job's progress was written
            progress.stop.set()
            progress.join()
            final = client.get(base + "/metrics").text
        for process in processes.values():
            terminate(process, timeout=60)
    finally:
        for process in processes.values():
            kill(process)
    logs = "".join(path.read_text(errors="replace") for path in workdir.glob("w*.log"))
    return _figures(org, args, idle, busy, overlapped, baseline_seconds, calls_before, progress, final, logs)


def _figures(
    org: Org,
    args: argparse.Namespace,
    idle: list[float],
    busy: list[float],
    overlapped: int,
    baseline_seconds: float,
    calls_before: int,
    progress: Progress,
    final: str,
    logs: str,
) -> dict[str, Any]:
    calls = org.fake.calls()[calls_before:]
    ours = set(org.repos)
    per_operation = Counter(
        f"{c.operation} ({ORG_DEFAULTS})" if repo_of(c.path) == ORG_DEFAULTS else str(c.operation)
        for c in calls
        if repo_of(c.path) in ours or repo_of(c.path) == ORG_DEFAULTS
    )  # every installation call of the baseline; the pull requests' own repository is left out
    baseline_calls = sum(per_operation.values())
    baseline_spent = [remaining for repo, remaining in org.fake.spent if repo in ours]
    progress_lines = re.findall(
        r"baseline progress: (\d+) of (\d+) repositories, open findings so far: (\d+)", logs
    )
    return {
        "repos": len(org.repos),
        "secrets": org.secrets,
        "latency_ms": args.latency * 1000,
        "limit": args.limit,
        "window_s": args.window,
        "floor_calls": int(args.limit * FLOOR),
        "workers": f"{args.workers} x {args.threads}",
        "baseline_s": baseline_seconds,
        "repos_per_s": len(org.repos) / baseline_seconds,
        "calls_per_repo": baseline_calls / len(org.repos),
        "per_operation": {str(k): v / len(org.repos) for k, v in sorted(per_operation.items())},
        "rate_limited_answers": sum(1 for c in calls if c.status == 403),
        "lowest_remaining_baseline": min(baseline_spent, default=args.limit),
        "lowest_remaining_any": min((r for _, r in org.fake.spent), default=args.limit),
        "windows": baseline_seconds / args.window,
        "idle_p50": statistics.median(idle),
        "idle_max": max(idle),
        "busy_p50": statistics.median(busy),
        "busy_max": max(busy),
        "ratio_p50": statistics.median(busy) / statistics.median(idle),
        "overlapped": overlapped,
        "busy": busy,
        "metrics_done": metric(final, "secrets_bot_baseline_repositories", installation="1", state="done"),
        "metrics_total": metric(final, "secrets_bot_baseline_repositories", installation="1", state="total"),
        "metrics_findings": metric(final, "secrets_bot_baseline_open_findings", installation="1"),
        "samples": progress.samples,
        "progress_lines": len(progress_lines),
        "last_progress_line": progress_lines[-1] if progress_lines else None,
    }


def report(f: dict[str, Any]) -> str:
    operations = ", ".join(f"{name} {count:.2f}" for name, count in f["per_operation"].items())
    return (
        f"{f['repos']} repositories ({f['secrets']} with a secret), latency {f['latency_ms']:.0f} ms, "
        f"limit {f['limit']} per {f['window_s']:.0f} s, workers {f['workers']}\n"
        f"baseline: {f['baseline_s']:.1f} s ({f['repos_per_s']:.1f} repositories/s, "
        f"{f['windows']:.1f} rate windows)\n"
        f"GitHub calls per repository: {f['calls_per_repo']:.2f} ({operations})\n"
        f"lowest remaining at a baseline call: {f['lowest_remaining_baseline']} (floor {f['floor_calls']}); "
        f"at any call: {f['lowest_remaining_any']}; 403 answers: {f['rate_limited_answers']}\n"
        f"pull request scan, 202 -> completed check run: idle p50 {f['idle_p50'] * 1000:.0f} ms "
        f"max {f['idle_max'] * 1000:.0f} ms; during the baseline p50 {f['busy_p50'] * 1000:.0f} ms "
        f"max {f['busy_max'] * 1000:.0f} ms; ratio of medians {f['ratio_p50']:.2f} "
        f"({f['overlapped']} of {len(f['busy'])} while baseline scans completed alongside)\n"
        f"/metrics at the end: done {f['metrics_done']}, total {f['metrics_total']}, "
        f"open findings {f['metrics_findings']}; progress samples {len(f['samples'])}; "
        f"progress log lines {f['progress_lines']}, last {f['last_progress_line']}"
    )


def markdown(f: dict[str, Any], command: str, facts: dict[str, str]) -> str:
    workers, threads = f["workers"].split(" x ")
    ms = {key: f[key] * 1000 for key in ("idle_p50", "idle_max", "busy_p50", "busy_max")}
    rows = [
        ("baseline of every repository (202 -> last default-branch check run)",
         f"{f['baseline_s']:.1f} s ({f['repos_per_s']:.1f} repositories/s over {f['windows']:.1f} "
         "rate-limit windows)"),
        ("GitHub calls per repository", f"{f['calls_per_repo']:.2f}"),
        ("lowest rate limit remaining at a baseline call",
         f"{f['lowest_remaining_baseline']} of {f['limit']:,} (floor {f['floor_calls']}: 20 %)"),
        ("lowest remaining at any call (pull request scans may use the reserve)",
         str(f["lowest_remaining_any"])),
        ("answers 403 (rate limit spent)", str(f["rate_limited_answers"])),
        ("pull request scan, 202 -> completed check run, idle bot",
         f"p50 {ms['idle_p50']:.0f} ms, max {ms['idle_max']:.0f} ms"),
        ("the same while the baseline runs",
         f"p50 {ms['busy_p50']:.0f} ms, max {ms['busy_max']:.0f} ms: {f['ratio_p50']:.2f}x the idle median "
         f"(baseline scans completed during {f['overlapped']} of these {len(f['busy'])})"),
        ("`/metrics` at the end",
         f"done {f['metrics_done']:.0f}, total {f['metrics_total']:.0f}, open findings "
         f"{f['metrics_findings']:.0f} (expected {f['secrets'] * FINDINGS_PER_SECRET})"),
    ]  # fmt: skip
    table = "\n".join(f"| {label} | {value} |" for label, value in rows)
    operations = "\n".join(f"| `{name}` | {count:.2f} |" for name, count in f["per_operation"].items())
    samples = f["samples"]
    picks = [samples[int(i * (len(samples) - 1) / 4)] for i in range(5)] if samples else []
    timeline = "\n".join(
        f"| {at:.0f} s | {done:.0f} / {total:.0f} | {found:.0f} |" for at, done, total, found in picks
    )
    last = "{} of {} repositories, open findings so far: {}".format(*(f["last_progress_line"] or "???"))
    machine_rows = "\n".join(f"| {name} | {value} |" for name, value in facts.items())
    per_hour = int(5000 * (1 - FLOOR) / f["calls_per_repo"])
    return f"""{HEADING}

`{command}` (`bench/org_install.py`): a simulated organisation of {f["repos"]} repositories in the fake
GitHub, each with a README, a handler and three manifests (two `serverless.yml`, one SAM `template.yaml`);
every tenth ({f["secrets"]}) has a hard-coded secret on its default branch. The fake answers every call
{f["latency_ms"]:.0f} ms late and gives the installation {f["limit"]:,} calls per {f["window_s"]:.0f} s
(GitHub's window is an hour; it is shortened so that the floor is reached within the run). One
`installation.created` delivery names all {f["repos"]} repositories; the bot is `secrets-bot serve` plus
{workers} worker processes of {threads} threads on Redis. Pull requests are timed one at a time, first on
the idle bot, then while the baseline runs.

| figure | value |
|---|---|
{table}

Calls per repository by operation, the organisation's defaults looked up in `acme/.github` (absent, two
file names) included; installation tokens are not counted (one per worker process and hour):

| operation | calls per repository |
|---|---:|
{operations}

Progress as `/metrics` showed it during the run (`secrets_bot_baseline_repositories`,
`secrets_bot_baseline_open_findings`); the workers' logs had {f["progress_lines"]} `baseline progress`
lines, the last one `{last}` (lines from different workers interleave, so the last written is not always
the highest count).

| after | repositories done / total | open findings |
|---:|---:|---:|
{timeline}

How it holds: baseline jobs sit below every other job in the queue (on Redis too: huey's sorted-set
storage), so a pull request waits at most for the baseline jobs already running. A baseline job checks the
installation's remaining budget before it starts (what the previous baseline saw, kept in the queue's
storage until the reset, so queued jobs wait without spending a call each) and again after its first call;
it is rescheduled for after the reset unless the floor plus {CALLS_PER_BASELINE} calls for each baseline
running (what each may still spend) is left. Without that reserve the lowest remaining was 272 (floor 300)
with four threads; without the shared budget every queued job spent one call below the floor to find out.

Reading the figures: the machine was shared with other busy sessions (load average above), so the
latencies are inflated for both columns alike. `repos/get` above 1.00 is the first call of jobs that found
the floor reached and were rescheduled. Four of the calls per repository are configuration lookups (the
repository's own `.github/secrets-bot.yml`/`.yaml` and the organisation's, each under two names); the tree
listing already says whether the repository's own file exists, so two of them could be saved. At GitHub's
own limits (5,000 calls an hour for an installation, more for large organisations) and 20 % kept back,
about {per_hour} repositories are baselined per hour of a 5,000 limit; the rest wait for the next hour.

Reproduce (Redis on 127.0.0.1:6379; database 9 is flushed):

```sh
.venv/bin/python bench/org_install.py            # add --write-docs to replace this section
.venv/bin/python bench/org_install.py --repos 20 --limit 150 --window 4 --latency 0   # a quick look
```

| machine | |
|---|---|
{machine_rows}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each answer")
    parser.add_argument("--limit", type=int, default=1500, help="rate limit per window")
    parser.add_argument("--window", type=float, default=30.0, help="rate-limit window, seconds")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker process")
    parser.add_argument("--prs", type=int, default=8, help="pull requests timed idle, and again busy")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between timed pull requests")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    facts = machine(args.redis)
    figures = measure(args)
    print(report(figures))
    if args.write_docs:
        command = "python bench/org_install.py " + " ".join(sys.argv[1:]).replace("--write-docs", "").strip()
        write_section(ROOT / "docs" / "benchmarks.md", markdown(figures, command.strip(), facts), HEADING)


if __name__ == "__main__":
    main()
