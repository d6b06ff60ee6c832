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

`${file()}` targets of the Serverless manifests the push writes are followed as the App follows them: read
in each pushed tip's tree where that manifest is (at most `MAX_TARGETS` files per manifest, each blob
once, within the same time bound) and scanned with the manifest's fix. A finding there is attributed to
the commit of the push that wrote the target's blob, else to the one that made the manifest read it. A
target that cannot be read in full makes the push incomplete (refused unless allowed): fail closed.
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
from bot.core.filetargets import FileTarget, follow, list_targets
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult, meets
from bot.core.firstseen import introduced_by
from bot.core.rules import RuleError, RuleSet
from bot.core.scanner import scan_file
from bot.files import is_manifest_path
from bot.gitrepo import BlobReader, Change, Commit, GitError, TooLarge, pushed_changes, run_git, tree_files
from bot.hookdefaults import DEFAULT_MAX_COMMITS, DEFAULT_TIMEOUT
from bot.reports.provenance import Provenance
from bot.reports.text import render_notices_text, render_text

ACCEPT, REFUSE = 0, 1
_ZERO = frozenset("0")
_HOW_TO_FIX = """\
How to fix: the secret is in a commit of this push, so a new commit that edits the file is not enough.
  1. Take it out of the commits: `git commit --amend` when it is in the last one, else `git rebase -i` and
     edit the commit named above, replacing the lines with the fix shown.
  2. Store the value where the fix points (the `store` command), then push again.
The refused objects were not kept here; if the value was ever pushed or shared elsewhere, rotate it.
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
    targets = _Targets(root, config, ruleset, written, deadline, clock, verdict)
    followed = targets.follow_at(tips, sources) if sources else []
    if clock() > deadline and not verdict.incomplete:
        verdict.incomplete.append(f"the scan did not finish within {limits.timeout:g} s")
    at_tips = _at_tips(root, tips, scans) | {f.fingerprint for _, result in followed for f in result.findings}
    origin = introduced_by(
        [
            *((commit, scans[c.path, c.blob].findings) for commit, c in walk if (c.path, c.blob) in scans),
            *((commit, result.findings) for commit, result in followed),
        ]
    )
    verdict.provenance = {
        finding: Provenance(commit.sha, commit.author, commit.date, in_head=fp in at_tips)
        for fp, (finding, commit) in origin.items()
    }
    grouped: dict[str, list[Finding]] = {}
    for finding in verdict.provenance:
        grouped.setdefault(finding.path, []).append(finding)
    scanned = [*scans.values(), *(result for _, result in followed)]
    notices = [replace(result, findings=()) for result in [*scanned, *targets.notices] if result.notices]
    verdict.results = [*(ScanResult(path, None, tuple(found)) for path, found in grouped.items()), *notices]
    verdict.files = len(scanned)
    return verdict


class _Targets:
    """The `${file()}` targets of the pushed manifests, read in the pushed tips' trees (see the module)."""

    def __init__(
        self,
        root: Path,
        config: ScanConfig,
        ruleset: RuleSet,
        written: dict[tuple[str, str], Commit],
        deadline: float,
        clock: Callable[[], float],
        verdict: Verdict,
    ) -> None:
        self._root, self._config, self._ruleset, self._written = root, config, ruleset, written
        self._deadline, self._clock, self._verdict = deadline, clock, verdict
        self.notices: list[ScanResult] = []  # references not followed, targets absent

    def follow_at(
        self, tips: list[str], sources: dict[tuple[str, str], bytes]
    ) -> list[tuple[Commit, ScanResult]]:
        """Each target blob read and reported once, with the commit its findings are attributed to."""
        cache: dict[tuple[str, str], bytes | Notice] = {}
        reported: set[tuple[str, str]] = set()
        found: list[tuple[Commit, ScanResult]] = []
        with BlobReader(self._root, self._config.limits.max_bytes) as reader:
            for tip in tips:
                files = {change.path: change.blob for change in tree_files(self._root, tip)}
                paths = list(files)
                for key, data in sources.items():
                    if files.get(key[0]) != key[1] or self._clock() > self._deadline:
                        continue
                    consumer = list_targets(key[0], data, self._config)
                    if consumer is None:
                        continue
                    results, said = follow(
                        consumer,
                        self._reader(reader, files, cache),
                        _listing(paths),
                        ruleset=self._ruleset,
                        config=self._config,
                    )
                    if said:
                        self.notices.append(ScanResult(key[0], None, notices=tuple(said)))
                    for result in results:
                        target = (result.path, files[result.path])
                        if target not in reported:
                            reported.add(target)
                            found.append((self._written.get(target, self._written[key]), result))
        return found

    def _reader(
        self, reader: BlobReader, files: dict[str, str], cache: dict[tuple[str, str], bytes | Notice]
    ) -> Callable[[str], bytes | Notice | None]:
        def read(path: str) -> bytes | Notice | None:
            blob = files.get(path)
            if blob is None:
                return None
            if (path, blob) not in cache:
                cache[path, blob] = self._read(reader, path, blob)
            return cache[path, blob]

        return read

    def _read(self, reader: BlobReader, path: str, blob: str) -> bytes | Notice:
        """The blob, or why not (the push is then incomplete: fail closed)."""
        if self._clock() > self._deadline:
            self._verdict.incomplete.append(f"{path}: a ${{file()}} target not read in time")
            return Notice(path, NoticeKind.NOT_SCANNED, "not read within the time bound")
        data = reader.read(blob)
        if isinstance(data, bytes):
            return data
        self._verdict.incomplete.append(f"{path}: a ${{file()}} target could not be read in full")
        if isinstance(data, TooLarge):
            return Notice(path, NoticeKind.TOO_LARGE, f"{data.size:,} bytes, over the size limit")
        return Notice(path, NoticeKind.UNREADABLE, "not in the repository's objects")


def _listing(paths: list[str]) -> Callable[[FileTarget], list[str]]:
    """A tip's files, for targets whose name is chosen at deploy time (`env.${opt:stage}.yml`)."""
    return lambda _: paths


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
        out.write(_HOW_TO_FIX + "\n")
        return REFUSE
    if verdict.incomplete:
        reasons = "; ".join(dict.fromkeys(verdict.incomplete))
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
