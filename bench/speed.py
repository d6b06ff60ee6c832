"""How fast is `secrets-bot scan`, as a whole process, on a realistic tree of manifests?

Generates N manifests (Serverless YAML, SAM/CloudFormation YAML and JSON, Azure local.settings.json, Google
.env.yaml, samconfig.toml, some broken YAML; a few percent hold a fake secret expanded from a rule's example
template) of 1-30 KB, log-uniformly distributed as real manifests mostly are small (mean about 9 KB; the
real-manifest corpus averages 2 KB), then times `secrets-bot scan DIR --format json` in a subprocess
several times and prints the median: manifests/s, MB/s, wall time and the peak RSS of the scan process.
Peers measured on this machine on 1,500 manifests: gitleaks 0.63 s, detect-secrets 2.4 s.

    .venv/bin/python bench/speed.py [--count 1500] [--runs 5] [--jobs N] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.cli import main as cli_main
from bot.core.rules import RuleKind, RuleSet, expand_example

SECRET_SHARE = 0.03
Generator = Callable[[random.Random, int, list[tuple[str, str]]], str]


def words(rng: random.Random, count: int = 2) -> str:
    vocabulary = (
        "orders",
        "users",
        "billing",
        "image",
        "resize",
        "notify",
        "queue",
        "report",
        "auth",
        "sync",
    )
    return "-".join(rng.choice(vocabulary) for _ in range(count))


def serverless_yaml(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    service = words(rng)
    parts = [
        f"service: {service}\nframeworkVersion: '3'\n\nprovider:\n  name: aws\n  runtime: nodejs18.x\n"
        "  region: ${opt:region, 'us-east-1'}\n  stage: ${opt:stage, 'dev'}\n  environment:\n"
        "    TABLE_NAME: ${self:service}-${sls:stage}\n    API_KEY: ${ssm:/" + service + "/api-key}\n"
        "    LOG_LEVEL: info\n",
        *(f"    {key}: {json.dumps(value)}\n" for key, value in secrets),
        "  iam:\n    role:\n      statements:\n        - Effect: Allow\n          Action: [dynamodb:GetItem, "
        "dynamodb:PutItem]\n          Resource: !GetAtt OrdersTable.Arn\n\nfunctions:\n",
    ]
    functions = filled(parts, size, lambda index: serverless_function(rng, service, index))
    return "".join(functions) + "\ncustom:\n  tableName: orders-${sls:stage}\n"


def serverless_function(rng: random.Random, service: str, index: int) -> str:
    return (
        f"  {words(rng, 1)}{index}:\n    handler: src/{words(rng, 1)}.handler\n    memorySize: 256\n"
        f"    timeout: {rng.choice((6, 10, 30))}\n    environment:\n"
        f"      QUEUE_URL: ${{cf:{service}-${{sls:stage}}.QueueUrl}}\n"
        f"      SECRET_ARN: arn:aws:secretsmanager:us-east-1:123456789012:secret:{words(rng)}\n"
        f"    events:\n      - http:\n          path: /{words(rng, 1)}/{{id}}\n"
        f"          method: {rng.choice(('get', 'post', 'put'))}\n          cors: true\n"
    )


def filled(head: list[str], size: int, block: Callable[[int], str]) -> list[str]:
    """`head` followed by as many blocks as it takes to reach `size` characters."""
    parts, total, index = list(head), sum(map(len, head)), 0
    while total < size:
        index += 1
        parts.append(block(index))
        total += len(parts[-1])
    return parts


def sam_resources(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> dict[str, object]:
    resources: dict[str, object] = {}
    total = 0
    while total < size * 0.8:
        name = f"{words(rng, 1).capitalize()}Function{len(resources)}"
        variables: dict[str, object] = {"TABLE": {"Ref": "OrdersTable"}, "STAGE": {"Ref": "Stage"}}
        variables.update(secrets if not resources else {})
        resources[name] = {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "app.handler",
                "CodeUri": f"src/{words(rng, 1)}/",
                "Environment": {"Variables": variables},
                "Policies": [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "OrdersTable"}}}],
                "Events": {
                    "Api": {"Type": "Api", "Properties": {"Path": f"/{words(rng, 1)}", "Method": "get"}}
                },
            },
        }
        total += len(json.dumps(resources[name]))
    return resources


def sam_yaml(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Parameters:\n  Stage:\n    Type: String\n    Default: dev",
        "Globals:\n  Function:\n    Runtime: python3.12\n    Timeout: 10",
        "Resources:",
    ]
    for name, resource_ in sam_resources(rng, size, secrets).items():
        assert isinstance(resource_, dict)
        props = resource_["Properties"]
        lines += [f"  {name}:", "    Type: AWS::Serverless::Function", "    Properties:"]
        lines += [f"      Handler: {props['Handler']}", f"      CodeUri: {props['CodeUri']}"]
        lines += ["      Environment:", "        Variables:", "          TABLE: !Ref OrdersTable"]
        lines += ["          URL: !Sub 'https://${ApiId}.execute-api.${AWS::Region}.amazonaws.com/${Stage}'"]
        lines += [
            f"          {key}: {json.dumps(value)}"
            for key, value in props["Environment"]["Variables"].items()
            if isinstance(value, str)
        ]
        lines += ["      Events:", "        Api:", "          Type: Api", "          Properties:"]
        lines += [f"            Path: /{words(rng, 1)}", "            Method: get"]
    return "\n".join(lines) + "\n"


def cfn_json(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    resources = sam_resources(rng, size // 2, secrets)  # indented JSON is about twice the compact size
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    return json.dumps(template, indent=2) + "\n"


def local_settings(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    values = {"AzureWebJobsStorage": "UseDevelopmentStorage=true", "FUNCTIONS_WORKER_RUNTIME": "node"}
    values.update(secrets)
    total = 0
    while total < size:
        key = f"{words(rng, 1).upper()}_SETTING_{len(values)}"
        values[key] = rng.choice(("true", "1000", "westeurope", ""))
        total += len(key) + len(values[key]) + 10
    return json.dumps({"IsEncrypted": False, "Values": values}, indent=2) + "\n"


def env_yaml(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    head = [f"{key}: {json.dumps(value)}\n" for key, value in secrets]
    values = ("eu-west1", "true", "30", "info")
    return "".join(
        filled(head, size, lambda index: f"{words(rng, 1).upper()}_{index}: {rng.choice(values)}\n")
    )


def samconfig(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    overrides = " ".join(f"{key}={value}" for key, value in secrets) or "Stage=dev"
    head = 'version = 0.1\n[default.deploy.parameters]\nstack_name = "app"\n'
    head += f'parameter_overrides = "{overrides}"\n'

    def section(index: int) -> str:
        env = f"{words(rng, 1)}{index}"
        return (
            f'\n[{env}.deploy.parameters]\nstack_name = "app-{env}"\nregion = "eu-west-1"\n'
            f'capabilities = "CAPABILITY_IAM"\nparameter_overrides = "Stage={env}"\n'
        )

    return "".join(filled([head], size, section))


def broken_yaml(rng: random.Random, size: int, secrets: list[tuple[str, str]]) -> str:
    text = serverless_yaml(rng, size, secrets)
    cut = text.index("functions:")
    return text[:cut] + "  broken: [unclosed, {mapping\n" + text[cut:]


# (share of the tree, file name, generator)
MIX: tuple[tuple[float, str, Generator], ...] = (
    (0.35, "serverless.yml", serverless_yaml),
    (0.20, "template.yaml", sam_yaml),
    (0.12, "template.json", cfn_json),
    (0.10, "local.settings.json", local_settings),
    (0.08, ".env.yaml", env_yaml),
    (0.08, "samconfig.toml", samconfig),
    (0.07, "serverless.yml", broken_yaml),
)


def fake_secrets(rng: random.Random) -> list[tuple[str, str]]:
    """One KEY/value pair built from a random rule example (single-line templates only)."""
    rules = [
        rule for rule in RuleSet.default().rules if any("\n" not in e and '"' not in e for e in rule.examples)
    ]
    rule = rng.choice(rules)
    template = rng.choice([e for e in rule.examples if "\n" not in e and '"' not in e])
    example = expand_example(template, rng)
    if rule.kind is RuleKind.KEYED:
        key, _, value = example.partition("=")
        return [(key, value)]
    return [("INTEGRATION_CONFIG", example)]


def generate(directory: Path, count: int, seed: int) -> tuple[int, int]:
    """Write the tree; returns (total bytes, files holding a planted secret)."""
    rng = random.Random(seed)
    shares, _, _ = zip(*MIX, strict=True)
    total = planted = 0
    for index in range(count):
        _, name, generator = rng.choices(MIX, weights=shares)[0]
        secrets = fake_secrets(rng) if rng.random() < SECRET_SHARE else []
        planted += bool(secrets)
        text = generator(
            rng, int(1_000 * 30 ** rng.random()), secrets
        )  # log-uniform: most manifests are small
        path = directory / f"svc-{index:05d}" / name
        path.parent.mkdir(parents=True)
        path.write_text(text)
        total += len(text.encode())
    return total, planted


@dataclass(frozen=True)
class Timing:
    walls: list[float]  # seconds per run
    cpus: list[float]  # user + system seconds of the scan process (and its workers) per run


def time_scan(directory: Path, runs: int, jobs: int | None) -> tuple[Timing, dict[str, object]]:
    command = [str(Path(sys.executable).with_name("secrets-bot")), "scan", str(directory), "--format", "json"]
    command += ["--jobs", str(jobs)] if jobs else []
    walls, cpus = [], []
    document: dict[str, object] = {}
    for _ in range(runs + 1):  # the first run warms the page cache and is not counted
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if process.returncode not in (0, 1) or not process.stdout:
            sys.exit(f"scan failed ({process.returncode}): {process.stderr[-2000:]}")
        document = json.loads(process.stdout)
    return Timing(walls[1:], cpus[1:]), document


def profile(directory: Path) -> None:
    """Where the time goes, in one process (`--jobs 1`): the 25 most expensive functions by own time."""
    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):
        profiler.runcall(cli_main, ["scan", str(directory), "--format", "json", "--jobs", "1"])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="generate here and keep the tree")
    parser.add_argument("--jobs", type=int, default=None, help="passed to `scan --jobs` (default: auto)")
    parser.add_argument("--profile", action="store_true", help="also profile one scan in process")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="secrets-bot-speed-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        total, planted = generate(directory, args.count, args.seed)
        timing, document = time_scan(directory, args.runs, args.jobs)
        if args.profile:
            profile(directory)
    finally:
        if args.keep is None:
            shutil.rmtree(directory)
    report(args.count, total, planted, timing, document)


def report(count: int, total: int, planted: int, timing: Timing, document: dict[str, object]) -> None:
    median = statistics.median(timing.walls)
    findings = document.get("findings", [])
    notices = document.get("notices", [])
    assert isinstance(findings, list) and isinstance(notices, list)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"manifests:      {count} ({total / 1e6:.1f} MB), {planted} with a planted secret")
    print(
        f"files scanned:  {document.get('files_scanned')}, findings: {len(findings)} "
        f"in {len({f['path'] for f in findings})} files, notices: {len(notices)}"
    )
    print(
        f"wall time:      median {median:.3f} s of {len(timing.walls)} runs (min {min(timing.walls):.3f} s)"
    )
    print(f"CPU time:       median {statistics.median(timing.cpus):.3f} s (user + system, all processes)")
    print(f"throughput:     {count / median:.0f} manifests/s, {total / 1e6 / median:.1f} MB/s")
    print(f"peak RSS:       {peak_mb:.0f} MB (largest single process)")


if __name__ == "__main__":
    main()
