"""`secrets-bot pre-receive`: refuse a push that brings a hard-coded secret, on the git server itself.

GitHub Enterprise Server (and plain git) runs a pre-receive hook in the receiving repository with one line
`<old> <new> <ref>` per updated ref on stdin, before any ref moves; the pushed objects are already readable
(quarantined). The hook scans the manifests written by every commit the push brings (reachable from a new
tip and from no existing ref: a secret added then removed within the push is still refused, since its
commit would land), each distinct blob once, and prints each finding redacted with its fix, the commit that
introduced it, and how to take it out of the push. Exit 0 accepts the push, anything else refuses it.

Fail closed, within a time bound: GitHub Enterprise Server stops a hook after 5 seconds, so the scan stops
at `timeout` (4 s by default) or past `max_commits`, and a push not fully scanned is refused unless the
operator chose `--on-incomplete allow`. The configuration is the default branch's (or `--config`), never
the push's own: a push cannot lower its own threshold.

`${file()}` targets are followed as the App follows them (`bot.hooktargets`), in each pushed tip's tree:
every target of a manifest the push writes, and each file the push writes that a manifest at the tip reads
(an `env.json` changed under an unchanged `serverless.yml`), scanned with that manifest's fix, within the
same time and size bounds. A finding there is attributed to the commit of the push that wrote the target's
blob, else to the one that made the manifest read it; the latter was already in the repository, and the
refusal says so. A manifest or target that cannot be read or scanned in full makes the push incomplete
(refused unless allowed): fail closed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from bot.core.config import ScanConfig
from bot.core.configfile import CONFIG_PATHS, choose_config, parse_config
from bot.core.findings import Finding, ScanResult, meets
from bot.core.firstseen import introduced_by
from bot.core.rules import RuleError, RuleSet
from bot.core.scanner import scan_file
from bot.files import is_manifest_path
from bot.gitrepo import BlobReader, Change, Commit, GitError, pushed_changes, run_git, tree_files
from bot.hookdefaults import DEFAULT_MAX_COMMITS, DEFAULT_TIMEOUT
from bot.hooktargets import Targets
from bot.reports.provenance import Provenance
from bot.reports.text import inert, render_notices_text, render_text

ACCEPT, REFUSE = 0, 1
_ZERO = frozenset("0")
_HOW_TO_FIX = """\
How to fix: the secret is in a commit of this push, so a new commit that edits the file is not enough.
  1. Take it out of the commits: `git commit --amend` when it is in the last one, else `git rebase -i` and
     edit the commit named above, replacing the lines with the fix shown.
  2. Store the value where the fix points (the `store` command), then push again.
The refused objects were not kept here; if the value was ever pushed or shared elsewhere, rotate it."""
_ALREADY_THERE = """\
{count} of these secret(s) were already there before this push: in a file that a manifest of this push
reads through `${{file()}}`, not introduced by this push (the commit named is the one that makes the
manifest read the file). Rewriting this push's commits does not take them out:
  1. Store the value where the fix points (the `store` command) and replace it in that file, in this push
     or first on the default branch; the value is already in the repository's history, so rotate it.
  2. Or keep the manifest from reading that file, then push again."""
_FALSE_ALARM = """\
Not a secret? Add the ignore comment, or the fingerprint (`id`) to the allowlist in .github/secrets-bot.yml
on the default branch."""


class PushError(Exception):
    """The push cannot be judged (bad input, git failed); the message is safe to show to the pusher."""


@dataclass(frozen=True, slots=True)
class RefUpdate:
    old: str
    new: str
    ref: str

    @property
    def deletes(self) -> bool:
        return set(self.new) <= _ZERO


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    max_commits: int = DEFAULT_MAX_COMMITS
    allow_incomplete: bool = False


@dataclass
class Verdict:
    results: list[ScanResult] = field(default_factory=list)
    provenance: dict[Finding, Provenance] = field(default_factory=dict)
    commits: int = 0
    files: int = 0
    incomplete: list[str] = field(default_factory=list)  # why the push was not fully scanned
    inherited: frozenset[str] = frozenset()  # fingerprints already in a `${file()}` target before the push


def parse_updates(lines: Iterable[str]) -> list[RefUpdate]:
    """The ref updates of a push, one `<old> <new> <ref>` line each; `PushError` on anything else."""
    updates = []
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 3 or not all(_is_object_id(value) for value in fields[:2]):
            raise PushError(f"line {number} of the hook's input is not `<old> <new> <ref>`")
        updates.append(RefUpdate(*fields))
    return updates


def _is_object_id(value: str) -> bool:
    return len(value) in (40, 64) and all(ch in "0123456789abcdef" for ch in value)


def load_config(root: Path, explicit: Path | None) -> tuple[ScanConfig, list[str]]:
    """`--config`, else the default branch's `.github/secrets-bot.yml`: never a file of the push itself."""
    if explicit is not None:
        try:
            return parse_config(str(explicit), explicit.read_bytes())
        except OSError as error:
            raise PushError(f"cannot read config {explicit}: {error.strerror}") from None
    try:
        present = [c.path for c in tree_files(root, "HEAD") if c.path in CONFIG_PATHS]
    except GitError:  # an empty repository: no default branch yet
        return ScanConfig(), []
    chosen, ambiguity = choose_config(present)
    if chosen is None:
        return ScanConfig(), []
    config, problems = parse_config(chosen, run_git(root, "cat-file", "blob", f"HEAD:{chosen}"))
    return config, [*ambiguity, *problems]


def scan_push(
    root: Path,
    updates: list[RefUpdate],
    config: ScanConfig,
    ruleset: RuleSet,
    limits: Limits,
    clock: Callable[[], float] = time.monotonic,
) -> Verdict:
    """Every manifest blob the push's new commits wrote, scanned once, until the limits say stop."""
    deadline = clock() + limits.timeout
    tips = sorted({update.new for update in updates if not update.deletes})
    verdict = Verdict()
    walk: list[tuple[Commit, Change]] = []
    written: dict[tuple[str, str], Commit] = {}  # every (path, blob) the push writes: who wrote it first
    changes = pushed_changes(root, tips) if tips else iter(())
    try:
        for commit, changed in changes:
            verdict.commits += 1
            if verdict.commits > limits.max_commits:
                verdict.incomplete.append(f"the push brings more than {limits.max_commits} commits")
                break
            for change in changed:
                written.setdefault((change.path, change.blob), commit)
            walk.extend((commit, c) for c in changed if is_manifest_path(c.path, config))
            if clock() > deadline:
                break
    finally:
        _close(changes)
    sources: dict[tuple[str, str], bytes] = {}
    scans = _scan_blobs(root, walk, config, ruleset, deadline, clock, verdict, sources)
    targets = Targets(root, config, ruleset, written, deadline, clock, verdict.incomplete)
    followed = targets.follow_at(tips, sources) if written else []
    if clock() > deadline and not verdict.incomplete:
        verdict.incomplete.append(f"the scan did not finish within {limits.timeout:g} s")
    at_tips = _at_tips(root, tips, scans) | {f.fingerprint for _, result in followed for f in result.findings}
    origin = introduced_by(
        [
            *((commit, scans[c.path, c.blob].findings) for commit, c in walk if (c.path, c.blob) in scans),
            *((commit, result.findings) for commit, result in followed),
        ]
    )
    brought = {f.fingerprint for result in scans.values() for f in result.findings}
    verdict.inherited = targets.inherited - brought
    verdict.provenance = {
        finding: Provenance(commit.sha, commit.author, commit.date, in_head=fp in at_tips)
        for fp, (finding, commit) in origin.items()
    }
    grouped: dict[str, list[Finding]] = {}
    for finding in verdict.provenance:
        grouped.setdefault(finding.path, []).append(finding)
    scanned = [*scans.values(), *(result for _, result in followed)]
    notices = [result._replace(findings=()) for result in [*scanned, *targets.notices] if result.notices]
    verdict.results = [*(ScanResult(path, None, tuple(found)) for path, found in grouped.items()), *notices]
    verdict.files = len(scanned)
    return verdict


def _close(changes: Iterable[object]) -> None:
    """Stop git early without its complaint about the closed pipe becoming the hook's error."""
    close = getattr(changes, "close", None)
    if close is not None:
        with contextlib.suppress(GitError):
            close()


def _scan_blobs(
    root: Path,
    walk: list[tuple[Commit, Change]],
    config: ScanConfig,
    ruleset: RuleSet,
    deadline: float,
    clock: Callable[[], float],
    verdict: Verdict,
    sources: dict[tuple[str, str], bytes],
) -> dict[tuple[str, str], ScanResult]:
    """Each manifest blob scanned once; `sources` receives those that may read `${file()}` targets."""
    scans: dict[tuple[str, str], ScanResult] = {}
    with BlobReader(root, config.limits.max_bytes) as reader:
        for _, change in walk:
            key = (change.path, change.blob)
            if key in scans:
                continue
            if clock() > deadline:
                break
            data = reader.read(change.blob)
            if not isinstance(data, bytes):
                verdict.incomplete.append(f"{change.path}: blob {change.blob[:7]} could not be read in full")
                continue
            scans[key] = scan_file(change.path, data, ruleset=ruleset, config=config)
            if b"${file(" in data:
                sources[key] = data
            if not scans[key].complete:
                verdict.incomplete.append(f"{change.path}: not scanned in full")
    return scans


def _at_tips(root: Path, tips: list[str], scans: dict[tuple[str, str], ScanResult]) -> frozenset[str]:
    """Fingerprints still in a pushed tip's files: those findings have a line to fix there."""
    held: set[str] = set()
    for tip in tips:
        for change in tree_files(root, tip):
            result = scans.get((change.path, change.blob))
            if result is not None:
                held.update(finding.fingerprint for finding in result.findings)
    return frozenset(held)


def judge(verdict: Verdict, fail_on: str, limits: Limits, out: IO[str]) -> int:
    """Print what the pusher must know, and say whether the push goes through."""
    refused = [f for f in verdict.provenance if meets(f.severity, fail_on)]
    if verdict.provenance:
        out.write(
            render_text(
                verdict.results,
                color=False,
                files_scanned=verdict.files,
                provenance=verdict.provenance,
                commits=verdict.commits,
            )
        )
    out.write(render_notices_text(verdict.results))
    if refused:
        out.write(
            f"\nsecrets-bot: push refused: {len(refused)} hard-coded secret(s) at or above {fail_on}.\n"
        )
        earlier = sum(1 for finding in refused if finding.fingerprint in verdict.inherited)
        if earlier < len(refused):
            out.write(_HOW_TO_FIX + "\n")
        if earlier:
            out.write(_ALREADY_THERE.format(count=earlier) + "\n")
        out.write(_FALSE_ALARM + "\n")
        return REFUSE
    if verdict.incomplete:
        reasons = inert("; ".join(dict.fromkeys(verdict.incomplete)))  # paths are the pusher's text
        if limits.allow_incomplete:  # accepted by the operator's policy, never silently
            out.write(f"secrets-bot: push accepted without a full scan ({reasons}), as configured.\n")
            return ACCEPT
        out.write(f"secrets-bot: push refused: it could not be scanned in full ({reasons}).\n")
        out.write("Push fewer commits at a time, or ask an administrator.\n")
        return REFUSE
    return ACCEPT


def run(
    root: Path,
    stdin: IO[str],
    out: IO[str],
    *,
    config_file: Path | None,
    fail_on: str | None,
    limits: Limits,
    fingerprint_key: bytes,
) -> int:
    """The hook: `PushError` and git failures refuse the push with their message (fail closed)."""
    try:
        updates = parse_updates(stdin)
        config, problems = load_config(root, config_file)
        if problems:
            raise PushError("the secrets-bot configuration is broken: " + "; ".join(problems))
        ruleset = RuleSet.default().with_config(config)
        config = replace(config, fingerprint_key=fingerprint_key)
        verdict = scan_push(root, updates, config, ruleset, limits)
    except (PushError, GitError, RuleError) as error:
        out.write(f"secrets-bot: push refused: {error}\n")
        return REFUSE
    return judge(verdict, fail_on or config.fail_on, limits, out)
