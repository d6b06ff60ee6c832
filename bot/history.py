"""`scan --history` and `scan --staged`: the manifests of a local repository's commits, or of its index.

A history scan walks every commit of every ref (`git log --all`: a secret on a forgotten branch is as
leaked as one on main), parents before children and otherwise oldest first. It keeps the manifest blobs
each commit wrote (the directory scan's name rule, with the repository's `include`, `exclude` and extra
manifests) and scans each distinct (path, blob) once, whole, so structure, references and ignore comments
work as in a directory scan; the blobs found so far are scanned while git is still walking the log. A
finding is reported once, by fingerprint, with the first commit in that order whose blob holds it, and
`in_head` when a manifest at HEAD still holds it: then its location is HEAD's, where it can be fixed. A
blob that could not be scanned in full, or a shallow clone whose older history is missing, leaves the scan
incomplete: never reported clean.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.batch import fewer_collections, files_to_choose, init_worker, worker_count, worker_state
from bot.core.config import ScanConfig
from bot.core.configfile import CONFIG_PATHS
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult
from bot.core.firstseen import introduced_by
from bot.core.memorules import MemoisedRuleSet
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from bot.core.versionmemo import VersionMemory, across_versions
from bot.files import is_manifest_path
from bot.gitrepo import (
    BlobReader,
    Change,
    Commit,
    Missing,
    StartedLog,
    TooLarge,
    head_commit,
    shallow_commits,
    staged_changes,
    start_log,
    tree_files,
)
from bot.reports.provenance import Provenance
from bot.workers import forked_workers

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_SLICE_JOBS = 64  # (path, blob) pairs read and sent to a worker together
_IN_FLIGHT_BYTES = 64 << 20  # blobs sent to workers and not yet answered
_SHARED_MAX = 4096  # distinct findings a worker remembers to share (then it starts afresh)
_shared: dict[Finding, Finding] = {}  # in each worker: a finding it returned, by value
_versions: VersionMemory | None = None  # in each worker of a history scan: answers across versions


class BlobSource(Protocol):
    def read_many(self, blobs: Iterable[str]) -> Iterator[bytes | TooLarge | Missing]:
        """What `bot.gitrepo.BlobReader.read` says of each blob, in order."""
        ...


@dataclass(frozen=True, slots=True)
class GitScan:
    results: list[ScanResult]  # reported findings grouped by path, and every notice
    provenance: dict[Finding, Provenance]  # empty for a staged scan
    files_scanned: int  # distinct (path, blob) pairs read and scanned
    unreadable: int  # blobs missing from the repository
    commits: int  # commits walked (0 for a staged scan)
    head: str | None


def scan_history(
    root: Path,
    config: ScanConfig,
    ruleset: RuleSet,
    *,
    since: str | None = None,
    log: StartedLog | None = None,
    reader: BlobSource | None = None,
    jobs: int | None = None,
) -> GitScan:
    """Every finding any commit introduced (after `since`, if given: the commits `since..` of every ref).
    `log`: the walk already started (`bot.gitrepo.start_log`), which then stands for `since`."""
    if log is None:
        with start_log(root, since) as started:
            return scan_history(root, config, ruleset, log=started, reader=reader, jobs=jobs)
    head = head_commit(root)
    walk = _Walk(log, _PathRule(config), shallow_commits(root))
    # Successive versions of a manifest repeat most of their values: the rules answer those from memory.
    memoised = MemoisedRuleSet(ruleset)
    changes = chain(walk.changes(), walk.at_head(root, head))
    found = _scan_blobs(root, changes, config, memoised, reader, jobs, versions=True)
    at_head = walk.head_changes
    scans = _in_order([c for _, c in walk.pairs] + at_head, found)
    first_seen = {(c.path, c.blob): f"at commit {commit.sha[:7]}" for commit, c in reversed(walk.pairs)}
    origin = introduced_by(
        (commit, scans[change.path, change.blob].findings) for commit, change in walk.pairs
    )
    in_head = {f.fingerprint: f for c in at_head for f in scans[c.path, c.blob].findings}
    provenance = {
        in_head.get(fingerprint, finding): Provenance(
            commit.sha, commit.author, commit.date, in_head=fingerprint in in_head
        )
        for fingerprint, (finding, commit) in origin.items()
    }
    notices = [
        _located(result, first_seen.get(key, "at HEAD")) for key, result in scans.items() if result.notices
    ]
    if walk.cut_short:
        notices.append(ScanResult(".", None, notices=(_shallow_notice(walk.cut_short),)))
    return GitScan(
        results=[*_by_path(provenance), *notices],
        provenance=provenance,
        files_scanned=sum(1 for result in scans.values() if _was_read(result)),
        unreadable=sum(1 for r in scans.values() for n in r.notices if n.kind is NoticeKind.UNREADABLE),
        commits=walk.commits,
        head=head,
    )


def scan_staged(
    root: Path,
    config: ScanConfig,
    ruleset: RuleSet,
    *,
    reader: BlobSource | None = None,
    jobs: int | None = None,
) -> GitScan:
    """The manifests staged for the next commit, as the index holds them (not as the work tree does)."""
    staged = [change for change in staged_changes(root) if is_manifest_path(change.path, config)]
    scans = _in_order(staged, _scan_blobs(root, staged, config, ruleset, reader, jobs))
    return GitScan(
        results=list(scans.values()),
        provenance={},
        files_scanned=sum(1 for result in scans.values() if _was_read(result)),
        unreadable=sum(1 for r in scans.values() for n in r.notices if n.kind is NoticeKind.UNREADABLE),
        commits=0,
        head=head_commit(root),
    )


class _PathRule:
    """`is_manifest_path`, asked once per path: a history touches the same paths in commit after commit."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        self.known: dict[str, bool] = {}

    def __call__(self, path: str) -> bool:
        known = self.known.get(path)
        if known is None:
            known = self.known[path] = is_manifest_path(path, self.config)
        return known


class _Walk:
    """The manifests each commit of the log wrote, in the log's order, found as git writes the log."""

    def __init__(self, log: StartedLog, manifest: _PathRule, boundary: frozenset[str]) -> None:
        self._log = log
        self._manifest = manifest
        self._boundary = boundary
        self.pairs: list[tuple[Commit, Change]] = []
        self.commits = 0
        self.cut_short: list[str] = []  # commits whose parents a shallow clone lacks
        self.head_changes: list[Change] = []  # the manifests at HEAD, once `at_head` is exhausted

    def changes(self) -> Iterator[Change]:
        """Each manifest change as the walk reaches it (`pairs` holds them all once this is exhausted)."""
        for commit, changes in self._log.changes():
            self.commits += 1
            if commit.sha in self._boundary:
                self.cut_short.append(commit.sha)
            for change in changes:
                if self._manifest(change.path):
                    self.pairs.append((commit, change))
                    yield change

    def at_head(self, root: Path, head: str | None) -> Iterator[Change]:
        """HEAD's manifests, asked after the walk: by then the name rule knows most of their paths, and
        the workers have the history's first slices to scan meanwhile."""
        if head is not None:
            self.head_changes = [c for c in tree_files(root, head) if self._manifest(c.path)]
        yield from self.head_changes


def _in_order(
    changes: Iterable[Change], scans: dict[tuple[str, str], ScanResult]
) -> dict[tuple[str, str], ScanResult]:
    """The results of distinct blobs in order of first appearance, each blob's paths in theirs (as reports
    always listed them, whatever order the scan finished in)."""
    paths: dict[str, dict[str, None]] = {}
    for change in changes:
        paths.setdefault(change.blob, {})[change.path] = None
    return {(path, blob): scans[path, blob] for blob, at in paths.items() for path in at}


def _scan_blobs(
    root: Path,
    changes: Iterable[Change],
    config: ScanConfig,
    ruleset: RuleSet,
    reader: BlobSource | None,
    jobs: int | None,
    *,
    versions: bool = False,
) -> dict[tuple[str, str], ScanResult]:
    """Each distinct (path, blob) scanned once, as `changes` yields it (a history's while git still walks).
    `versions`: the files are versions of one another, and the scan remembers answers across them
    (`bot.core.versionmemo`)."""
    if reader is None:
        with BlobReader(root, config.limits.max_bytes) as own:
            return _Scheduler(own, config, ruleset, jobs, versions).run(changes)
    return _Scheduler(reader, config, ruleset, jobs, versions).run(changes)


class _Scheduler:
    """Reads blobs and scans them, here or in forked workers, as the changes are found.

    Workers start once enough changes are known for `bot.batch.worker_count` to choose them (`jobs` of
    them when `jobs` is given: never more workers than pairs), so that they scan while the rest of the
    history is walked; a small history, or `jobs` 1, is scanned here, one blob at a time as it is read. The
    rule set and config reach the workers through fork; only blobs and results travel, in slices cut by
    pairs and by bytes. At most `_IN_FLIGHT_BYTES` of blobs are sent and unanswered at once (plus one
    slice), so a long history is never held in memory whole. Within a batch of pairs found together each
    blob is read once, whatever paths it is at; a (path, blob) found again is never scanned again."""

    def __init__(
        self, reader: BlobSource, config: ScanConfig, ruleset: RuleSet, jobs: int | None, versions: bool
    ) -> None:
        self._reader = reader
        self._config = config
        self._ruleset = ruleset
        self._jobs = jobs
        self._versions = versions
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight: deque[tuple[list[tuple[str, str]], Future[list[ScanResult]], int]] = deque()
        self._held = 0  # bytes of the blobs in flight
        self._scans: dict[tuple[str, str], ScanResult] = {}

    def run(self, changes: Iterable[Change]) -> dict[tuple[str, str], ScanResult]:
        queued: set[tuple[str, str]] = set()  # every key found so far, scanned, sent or pending
        pending: list[tuple[str, str]] = []  # found, not yet scanned or sent
        workers: int | None = None  # chosen once `choose_at` pairs are known, or at the end
        choose_at = files_to_choose(self._jobs)
        memory = across_versions(VersionMemory()) if self._versions else nullcontext()
        with fewer_collections(), memory, contextlib.ExitStack() as stack:
            for change in changes:
                key = (change.path, change.blob)
                if key in queued:
                    continue
                queued.add(key)
                pending.append(key)
                if workers is None and len(pending) >= choose_at:
                    workers = worker_count(self._jobs, len(pending))
                if workers is not None and len(pending) >= _SLICE_JOBS:
                    self._scan(pending, workers, stack)
                    pending = []
            if pending:
                self._scan(pending, workers or worker_count(self._jobs, len(pending)), stack)
            while self._in_flight:
                self._receive()
        return self._scans

    def _scan(self, keys: list[tuple[str, str]], workers: int, stack: contextlib.ExitStack) -> None:
        """`keys` scanned here one blob at a time (one worker), or sent to the pool (started on first use)
        in slices of at most `_SLICE_JOBS` pairs and a share of the in-flight bytes small enough that every
        worker has a slice while the others' are in flight."""
        if workers > 1 and self._pool is None:  # before any read: no git answer is half read at the fork
            initargs = (self._ruleset, self._config, self._versions)
            self._pool = stack.enter_context(forked_workers(workers, _init_worker, initargs))
        at: dict[str, list[str]] = {}  # each distinct blob is read once, whatever paths it is at
        for path, blob in keys:
            at.setdefault(blob, []).append(path)
        slice_bytes = _IN_FLIGHT_BYTES // (2 * workers)
        work: list[tuple[str, str, bytes | TooLarge | Missing]] = []
        size = 0
        for (blob, paths), data in zip(at.items(), self._reader.read_many(at), strict=True):
            if self._pool is None:
                for path in paths:
                    self._scans[path, blob] = _scan_one(path, data, self._ruleset, self._config)
                continue
            work.extend((path, blob, data) for path in paths)
            size += len(data) if isinstance(data, bytes) else 0
            if len(work) >= _SLICE_JOBS or size >= slice_bytes:
                self._send(self._pool, work, size)
                work, size = [], 0
        if work and self._pool is not None:
            self._send(self._pool, work, size)

    def _send(
        self, pool: ProcessPoolExecutor, work: list[tuple[str, str, bytes | TooLarge | Missing]], size: int
    ) -> None:
        while self._in_flight and self._held + size > _IN_FLIGHT_BYTES:
            self._receive()
        self._held += size
        jobs = [(path, data) for path, _, data in work]
        answer = pool.submit(_scan_slice, jobs)
        self._in_flight.append(([(path, blob) for path, blob, _ in work], answer, size))

    def _receive(self) -> None:
        keys, answer, size = self._in_flight.popleft()
        self._held -= size
        self._scans.update(zip(keys, answer.result(), strict=True))


def _scan_one(
    path: str, data: bytes | TooLarge | Missing, ruleset: RuleSet, config: ScanConfig
) -> ScanResult:
    if isinstance(data, bytes):
        return scan_file(path, data, ruleset=ruleset, config=config)
    return ScanResult(path, None, notices=(_unread(path, data, config),))


def _init_worker(ruleset: RuleSet, config: ScanConfig, versions: bool) -> None:
    global _versions
    init_worker(ruleset, config)
    _versions = VersionMemory() if versions else None


def _scan_slice(jobs: list[tuple[str, bytes | TooLarge | Missing]]) -> list[ScanResult]:
    return [_scan_in_worker(job) for job in jobs]


def _scan_in_worker(job: tuple[str, bytes | TooLarge | Missing]) -> ScanResult:
    with across_versions(_versions) if _versions is not None else nullcontext():
        return _sharing(_scan_one(*job, *worker_state()))


def _sharing(result: ScanResult) -> ScanResult:
    """The result with each finding equal to one this worker returned before replaced by that object.

    Successive versions of a manifest repeat most findings unchanged (in the benchmark's history, 788
    distinct among 5,010), and pickle sends an object repeated within a chunk of results once: a fifth of
    the bytes to write, send and read back. An equal object for an equal one changes no report."""
    if not result.findings:
        return result
    if len(_shared) >= _SHARED_MAX:
        _shared.clear()
    return result._replace(findings=tuple(_shared.setdefault(f, f) for f in result.findings))


def _unread(path: str, why: TooLarge | Missing, config: ScanConfig) -> Notice:
    """Why a blob was not scanned (the same words as a directory scan's notices, plus the commit)."""
    if isinstance(why, TooLarge):
        limit = config.limits.max_bytes
        message = f"file is {why.size} bytes, over the {limit}-byte limit (max_file_size); not scanned"
        return Notice(path, NoticeKind.TOO_LARGE, message)
    why_missing = "blob missing from the repository (a partial clone?); not scanned"
    return Notice(path, NoticeKind.UNREADABLE, why_missing)


def _located(result: ScanResult, where: str) -> ScanResult:
    """The blob's notices, saying which commit's version of the file they are about."""
    notices = tuple(n._replace(message=f"{where}: {n.message}") for n in result.notices)
    return ScanResult(result.path, result.platform, notices=notices)


def _shallow_notice(boundary: list[str]) -> Notice:
    commits = ", ".join(sha[:7] for sha in boundary)
    message = (
        f"shallow clone: the history before commit {commits} was never fetched, so it was not scanned "
        "(run `git fetch --unshallow`, or check out with `fetch-depth: 0`)"
    )
    return Notice(".", NoticeKind.NOT_SCANNED, message)


def _by_path(provenance: dict[Finding, Provenance]) -> list[ScanResult]:
    grouped: dict[str, list[Finding]] = {}
    for finding in provenance:
        grouped.setdefault(finding.path, []).append(finding)
    return [ScanResult(path, None, findings=tuple(findings)) for path, findings in grouped.items()]


def _was_read(result: ScanResult) -> bool:
    """Read and scanned, and a manifest rather than the configuration file (which scans do not count)."""
    unread = {NoticeKind.TOO_LARGE, NoticeKind.UNREADABLE}
    return result.path not in CONFIG_PATHS and not any(n.kind in unread for n in result.notices)
