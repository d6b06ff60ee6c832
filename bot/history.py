"""`scan --history` and `scan --staged`: the manifests of a local repository's commits, or of its index.

A history scan walks every commit of every ref (`git log --all`: a secret on a forgotten branch is as
leaked as one on main), parents before children and otherwise oldest first. It keeps the manifest blobs
each commit wrote (the directory scan's name rule, with the repository's `include`, `exclude` and extra
manifests), reads each distinct blob once and scans it whole under its path, so structure, references and
ignore comments work as in a directory scan. A finding is reported once, by fingerprint, with the first
commit in that order whose blob holds it, and `in_head` when a manifest at HEAD still holds it: then its
location is HEAD's, where it can be fixed. A blob that could not be scanned in full, or a shallow clone
whose older history is missing, leaves the scan incomplete: never reported clean.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from bot.batch import fewer_collections, init_worker, worker_count, worker_state
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

Job = tuple[str, str, "bytes | TooLarge | Missing"]  # path, blob, what was read
_SLICES = 4  # contiguous slices of a batch per worker
_BATCH_JOBS = 4096
_BATCH_BYTES = 64 << 20
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
    boundary = shallow_commits(root)
    walk: list[tuple[Commit, Change]] = []
    manifest = _PathRule(config)
    commits = 0
    cut_short: list[str] = []
    for commit, changes in log.changes():
        commits += 1
        if commit.sha in boundary:
            cut_short.append(commit.sha)
        walk.extend((commit, change) for change in changes if manifest(change.path))
    at_head = [c for c in tree_files(root, head) if manifest(c.path)] if head else []
    first_seen = {(c.path, c.blob): f"at commit {commit.sha[:7]}" for commit, c in reversed(walk)}
    # Successive versions of a manifest repeat most of their values: the rules answer those from memory.
    memoised = MemoisedRuleSet(ruleset)
    changes = [c for _, c in walk] + at_head
    scans = _scan_blobs(root, changes, config, memoised, reader, jobs, versions=True)
    origin = introduced_by((commit, scans[change.path, change.blob].findings) for commit, change in walk)
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
    if cut_short:
        notices.append(ScanResult(".", None, notices=(_shallow_notice(cut_short),)))
    return GitScan(
        results=[*_by_path(provenance), *notices],
        provenance=provenance,
        files_scanned=sum(1 for result in scans.values() if _was_read(result)),
        unreadable=sum(1 for r in scans.values() for n in r.notices if n.kind is NoticeKind.UNREADABLE),
        commits=commits,
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
    scans = _scan_blobs(root, staged, config, ruleset, reader, jobs)
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
    """Each distinct (path, blob) scanned once; each distinct blob read once, whatever paths it is at.
    `versions`: the files are versions of one another, and the scan remembers answers across them
    (`bot.core.versionmemo`)."""
    paths: dict[str, dict[str, None]] = {}
    for change in changes:
        paths.setdefault(change.blob, {})[change.path] = None
    pairs = sum(len(at) for at in paths.values())
    workers = worker_count(jobs, pairs)
    if reader is None:
        with BlobReader(root, config.limits.max_bytes) as own:
            return _scan_with(own, paths, config, ruleset, workers, versions)
    return _scan_with(reader, paths, config, ruleset, workers, versions)


def _scan_with(
    reader: BlobSource,
    paths: dict[str, dict[str, None]],
    config: ScanConfig,
    ruleset: RuleSet,
    workers: int,
    versions: bool,
) -> dict[tuple[str, str], ScanResult]:
    """Blobs are read here, in batches of bounded size, and scanned here or by forked workers (the rule
    set and config are inherited through fork; only blobs and results travel). The versions of one path
    are scanned one after another, by one worker, whose rule set then answers their repeated values from
    memory (`bot.core.memorules`); the results keep the walk's order."""
    by_path = sorted(paths.items(), key=lambda item: next(iter(item[1])))
    jobs = _read_each_once(reader, dict(by_path))
    with fewer_collections():
        scans = _scanned(jobs, config, ruleset, workers, versions)
    return {(path, blob): scans[path, blob] for blob, at in paths.items() for path in at}


def _scanned(
    jobs: Iterator[Job], config: ScanConfig, ruleset: RuleSet, workers: int, versions: bool
) -> dict[tuple[str, str], ScanResult]:
    """Each job's result, with the collector run as in a directory scan (`bot.batch.fewer_collections`:
    parse trees hold no cycles, and forked workers then leave the inherited heap's pages unwritten)."""
    if workers == 1:
        with across_versions(VersionMemory()) if versions else nullcontext():
            scans = {(path, blob): _scan_one(path, data, ruleset, config) for path, blob, data in jobs}
    else:
        scans = {}
        context = multiprocessing.get_context("fork")
        initargs = (ruleset, config, versions)
        with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
            for batch in _batches(jobs):
                # Contiguous slices, a few per worker: a path's versions stay together, and balanced.
                chunk = -(-len(batch) // (workers * _SLICES))
                work = [(path, data) for path, _, data in batch]
                results = pool.map(_scan_in_worker, work, chunksize=chunk)
                scans.update(
                    ((path, blob), result) for (path, blob, _), result in zip(batch, results, strict=True)
                )
    return scans


def _read_each_once(reader: BlobSource, paths: dict[str, dict[str, None]]) -> Iterator[Job]:
    for (blob, at), data in zip(paths.items(), reader.read_many(paths), strict=True):
        yield from ((path, blob, data) for path in at)


def _scan_one(
    path: str, data: bytes | TooLarge | Missing, ruleset: RuleSet, config: ScanConfig
) -> ScanResult:
    if isinstance(data, bytes):
        return scan_file(path, data, ruleset=ruleset, config=config)
    return ScanResult(path, None, notices=(_unread(path, data, config),))


def _batches(jobs: Iterator[Job]) -> Iterator[list[Job]]:
    """Consecutive jobs holding at most `_BATCH_BYTES` of blobs (or one larger blob), so that a long
    history is never held in memory at once."""
    batch: list[Job] = []
    size = 0
    for job in jobs:
        data = job[2]
        size += len(data) if isinstance(data, bytes) else 0
        batch.append(job)
        if size >= _BATCH_BYTES or len(batch) >= _BATCH_JOBS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _init_worker(ruleset: RuleSet, config: ScanConfig, versions: bool) -> None:
    global _versions
    init_worker(ruleset, config)
    _versions = VersionMemory() if versions else None


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
    return replace(result, findings=tuple(_shared.setdefault(f, f) for f in result.findings))


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
    notices = tuple(replace(n, message=f"{where}: {n.message}") for n in result.notices)
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
