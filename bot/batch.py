"""Scan many files for the CLI: read each within its size limit, scan it, and use every core when it pays.

Scanning is CPU-bound pure Python, so a large tree is spread over forked worker processes (`bot.workers`:
the rule set and config are inherited through fork, never pickled; only results travel back, and a worker
that dies ends the scan with `WorkerLost`). Results keep the walk's order so that reports are
deterministic. A file that cannot be read becomes a notice, never an abort. A file named on the command
line that no platform claims by its name is scanned as generic config, whatever its name.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from bot.core.config import ScanConfig, ScanLimits
from bot.core.filetargets import FileTarget, follow, list_targets, parsed_targets
from bot.core.findings import Notice, NoticeKind, ScanResult
from bot.core.manifests import platform_by_id
from bot.core.perfile import one_file
from bot.core.rules import RuleSet
from bot.core.scanner import Parsed, scan_file
from bot.files import Target, iter_manifest_paths
from bot.workers import forked_workers

PARALLEL_THRESHOLD = 64  # below this many files, starting workers costs more than it saves
_CHUNK = 8  # files per chunk sent to a worker, at the start and at the end of a scan
_CHUNK_MAX = 64  # files per chunk at most, in the middle of a scan (see `_chunks`)
_GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections (Python's default is 700)
_worker_state: tuple[RuleSet, ScanConfig] | None = None  # set in each worker by `init_worker`


def scan_paths(
    paths: Sequence[Path], config: ScanConfig, ruleset: RuleSet, *, jobs: int | None
) -> list[ScanResult]:
    """Results for every file under `paths` (and a notice for each entry that could not be listed).

    `jobs` None picks the number of worker processes from the CPUs available and the amount of work. Only
    as much of the walk as that choice needs is read first; the workers then take the rest of the walk as
    it is found, so that scanning starts while the tree is still being listed (issue 16)."""
    skipped: list[ScanResult] = []

    def on_skip(relative: str, reason: str) -> None:
        skipped.append(ScanResult(relative, None, notices=(Notice(relative, NoticeKind.UNREADABLE, reason),)))

    walk = iter_manifest_paths(paths, config, on_skip=on_skip)
    ahead = list(itertools.islice(walk, files_to_choose(jobs)))
    scanned = _scan(itertools.chain(ahead, walk), worker_count(jobs, len(ahead)), config, ruleset)
    return skipped + scanned  # the walk has ended: every target was scanned


def scan_targets(
    targets: Sequence[Target], config: ScanConfig, ruleset: RuleSet, *, jobs: int | None
) -> list[ScanResult]:
    """Results for files already chosen (a directory walk's, or the manifests a change touched)."""
    return _scan(targets, worker_count(jobs, len(targets)), config, ruleset)


def _scan(targets: Iterable[Target], workers: int, config: ScanConfig, ruleset: RuleSet) -> list[ScanResult]:
    with fewer_collections():
        if workers == 1:
            scanned = [scan_with_targets(target, ruleset, config) for target in targets]
        else:
            with forked_workers(workers, init_worker, (ruleset, config)) as pool:
                answers = [pool.submit(_scan_chunk, chunk) for chunk in _chunks(targets, workers)]
                scanned = [item for answer in answers for item in answer.result()]
        return merge_file_targets(scanned)


def _chunks(targets: Iterable[Target], workers: int) -> Iterator[list[Target]]:
    """The targets in chunks for the workers, in order: two small chunks per worker first, so that every
    worker starts at once while the rest of the walk is listed; then chunks of a quarter of what is left per
    worker (at most `_CHUNK_MAX` files), which shrink to `_CHUNK` at the end so that the workers finish
    together. Each chunk costs the parent about half a millisecond of CPU (a future, two threads handing it
    over, its answer), which its workers lose on a machine whose every core scans: a fixed chunk of 8 files
    spent a tenth of a second on the bulk benchmark's tree (issue 16)."""
    walk = iter(targets)
    for _ in range(2 * workers):
        chunk = list(itertools.islice(walk, _CHUNK))
        if not chunk:
            return
        yield chunk
    rest = list(walk)
    start = 0
    while start < len(rest):
        size = min(_CHUNK_MAX, max(_CHUNK, -(-(len(rest) - start) // (4 * workers))))
        yield rest[start : start + size]
        start += size


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector a tenth as often while scanning (forked workers inherit this).

    Parse trees hold no reference cycles, yet each young-generation collection walks every node built
    since the last one: at the default thresholds that is a sixth of the scan's time. Objects alive before
    the scan (modules, rules) are frozen out of the collector's walks altogether."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class Scanned(NamedTuple):
    """A file's result, and what its `${file()}` targets gave (read and scanned by the same process, from
    the same bytes, so that the parent neither reads nor parses the manifest again: issue 16)."""

    result: ScanResult
    consumer: str | None = None  # the consumer's platform id, when the file is one
    followed: tuple[ScanResult, ...] = ()
    notices: tuple[Notice, ...] = ()  # about the manifest's references


def scan_with_targets(target: Target, ruleset: RuleSet, config: ScanConfig) -> Scanned:
    """The file's result and, for a Serverless manifest, its `${file()}` targets read from disk and scanned
    with its fix. A target is looked for only inside the tree its manifest was found in, never through a
    symlink. The manifest's scan and its targets share one memory of analysed strings (`one_file`)."""
    with one_file():
        return _scan_with_targets(target, ruleset, config)


def _scan_with_targets(target: Target, ruleset: RuleSet, config: ScanConfig) -> Scanned:
    data = read_manifest(target.absolute, target.relative, config.limits)
    if isinstance(data, Notice):
        return Scanned(ScanResult(target.relative, None, notices=(data,)))
    parsed: list[Parsed] = []
    result = scan_data(target, data, ruleset, config, parsed)
    if b"${file(" not in data:  # most manifests name no target: nothing more to work out for them
        return Scanned(result)
    platform = platform_by_id(result.platform or "")
    root = _root_of(target.absolute, target.relative)
    if platform is None or not platform.serverless_variables or root is None:
        return Scanned(result)
    if parsed and not target.named:  # the scan's own parse (a named file was chosen with other settings)
        consumer = parsed_targets(target.relative, *parsed[0])
    else:
        consumer = list_targets(target.relative, data, config)
    if consumer is None:
        return Scanned(result)
    found, notices = follow(
        consumer, _disk_reader(root, config.limits), _disk_listing(root), ruleset=ruleset, config=config
    )
    return Scanned(result, platform.id, tuple(found), tuple(notices))


def merge_file_targets(scanned: Sequence[Scanned]) -> list[ScanResult]:
    """The results in the walk's order, each manifest's notices about its references told with it; a target
    that was also scanned as a manifest keeps only its reading as a target (the first consumer's fix)."""
    merged = {item.result.path: item.result for item in scanned}
    for item in scanned:
        if item.consumer is None:
            continue
        relative = item.result.path
        if item.notices:
            merged[relative] = merged[relative]._replace(notices=(*merged[relative].notices, *item.notices))
        for target in item.followed:
            known = merged.get(target.path)
            if known is None or known.platform != item.consumer:  # the first consumer's reading wins
                merged[target.path] = target
    return list(merged.values())


def _root_of(absolute: str, relative: str) -> Path | None:
    """The directory `relative` is relative to (the scanned tree), or None when it cannot be told."""
    parts = PurePosixPath(relative).parts
    if not parts or ".." in parts or PurePosixPath(relative).is_absolute():
        return None
    return Path(absolute).parents[len(parts) - 1]


def _disk_reader(root: Path, limits: ScanLimits) -> Callable[[str], bytes | Notice | None]:
    real_root = root.resolve()

    def read(relative: str) -> bytes | Notice | None:
        current = root
        for part in PurePosixPath(relative).parts:
            current = current / part
            if current.is_symlink():
                return Notice(
                    relative,
                    NoticeKind.UNREADABLE,
                    "a symlink: ${file()} targets are not followed through one",
                )
        if not current.exists():
            return None
        if not current.resolve().is_relative_to(real_root):
            return Notice(relative, NoticeKind.UNREADABLE, "outside the scanned directory; not read")
        return read_manifest(current, relative, limits)

    return read


def _disk_listing(root: Path) -> Callable[[FileTarget], list[str]]:
    """The regular files (not symlinks) in a pattern target's directory."""

    def listing(target: FileTarget) -> list[str]:
        directory = PurePosixPath(target.path).parent
        try:
            with os.scandir(root / directory) as entries:
                names = [entry.name for entry in entries if entry.is_file(follow_symlinks=False)]
        except OSError:
            return []
        return [(directory / name).as_posix() for name in names]

    return listing


def scan_data(
    target: Target, data: bytes, ruleset: RuleSet, config: ScanConfig, parsed: list[Parsed] | None = None
) -> ScanResult:
    if not target.named:
        return scan_file(target.relative, data, ruleset=ruleset, config=config, parsed=parsed)
    # `*` matches every path: the generic platform reads the file if no platform claims it.
    named = replace(config, extra_manifests=(*config.extra_manifests, "*"))
    result = scan_file(target.relative, data, ruleset=ruleset, config=named, parsed=parsed)
    if result.platform is not None or result.notices:
        return result
    why = "named on the command line, but its content is not a manifest this scanner reads; not checked"
    return result._replace(notices=(Notice(target.relative, NoticeKind.NOT_SCANNED, why),))


def read_manifest(path: str | Path, relative: str, limits: ScanLimits) -> bytes | Notice:
    """The file's bytes, or the notice that says why they were not read (never blocks on a FIFO: only a
    regular file is opened). Read through a raw descriptor: a buffered file object cost about 35 µs a
    file, more than the reading (issue 16)."""
    try:
        info = os.stat(path)  # noqa: PTH116 - a path string, as `Target` carries it (issue 16)
        if not stat.S_ISREG(info.st_mode):
            return Notice(relative, NoticeKind.UNREADABLE, "not a regular file; not scanned")
        if info.st_size > limits.max_bytes:
            return _too_large(relative, info.st_size, limits)
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = _read_up_to(functools.partial(os.read, descriptor), info.st_size, limits.max_bytes + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        return Notice(relative, NoticeKind.UNREADABLE, f"cannot read file ({error.strerror or 'error'})")
    return _too_large(relative, len(data), limits) if len(data) > limits.max_bytes else data


def _read_up_to(read: Callable[[int], bytes], size: int, limit: int) -> bytes:
    """What reading to the end or to `limit` bytes gives, asking first for the `size` bytes `stat` reported
    and one more: reading `limit` at once allocated a buffer of that size (the 2 MB limit) for every file
    (issue 16). Only a file that grew since `stat` is read on, to the same `limit`. `read` may return fewer
    bytes than asked (a raw read can); it returns nothing only at the end."""
    parts: list[bytes] = []
    total, wanted = 0, min(size + 1, limit)
    while total < wanted:
        part = read(wanted - total)
        if not part:
            break
        parts.append(part)
        total += len(part)
        if total > size:
            wanted = limit
    return b"".join(parts)


def was_read(result: ScanResult) -> bool:
    """False for a file that was skipped for its size or because it could not be read."""
    unread = {NoticeKind.UNREADABLE, NoticeKind.TOO_LARGE, NoticeKind.NOT_SCANNED}
    return (
        result.platform is not None
        or bool(result.findings)
        or not any(n.kind in unread for n in result.notices)
    )


def _too_large(relative: str, size: int, limits: ScanLimits) -> Notice:
    message = f"file is {size} bytes, over the {limits.max_bytes}-byte limit (max_file_size); not scanned"
    return Notice(relative, NoticeKind.TOO_LARGE, message)


def files_to_choose(jobs: int | None) -> int:
    """How many files `worker_count` needs to know of: beyond this many, its answer no longer changes."""
    if jobs is not None:
        return max(1, jobs)
    return PARALLEL_THRESHOLD * len(os.sched_getaffinity(0))


def worker_count(jobs: int | None, files: int) -> int:
    """Processes for `files` units of work: `jobs` if given, else one per core once there is enough work."""
    if jobs is not None:
        return max(1, min(jobs, files))
    if files < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), files // PARALLEL_THRESHOLD))


def init_worker(ruleset: RuleSet, config: ScanConfig) -> None:
    """A forked pool worker's initializer: the rules and config it scans with, sent once, not per file."""
    global _worker_state
    _worker_state = (ruleset, config)


def worker_state() -> tuple[RuleSet, ScanConfig]:
    assert _worker_state is not None, "worker started without init_worker"
    return _worker_state


def _scan_chunk(targets: list[Target]) -> list[Scanned]:
    return [_scan_in_worker(target) for target in targets]


def _scan_in_worker(target: Target) -> Scanned:
    return scan_with_targets(target, *worker_state())
