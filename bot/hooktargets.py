"""The pre-receive hook's `${file()}` targets: the files Serverless manifests read, scanned with their fix.

A push can bring a secret through a target in two ways, both followed in each pushed tip's tree:
- a manifest the push writes reads a file (written by the push or already there): each target is scanned;
- a manifest the push leaves alone reads a file the push writes (`api/env.json`, read by an unchanged
  `api/serverless.yml`): each manifest at the tip that holds `${file(` is read, and only the targets the push
  writes are scanned, with that manifest's fix.
Each target blob is reported once, attributed to the commit of the push that wrote it, else to the one that
made the manifest read it; the fingerprints of the latter are `inherited`: already in the repository before
the push. Everything stays within the hook's time bound and the size limit, and a manifest or target that
was not read or not scanned in full makes the push incomplete: fail closed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot.core.config import ScanConfig
from bot.core.filetargets import Consumer, FileTarget, follow, list_targets, matches
from bot.core.findings import INCOMPLETE_KINDS, Notice, NoticeKind, ScanResult
from bot.core.rules import RuleSet
from bot.files import is_manifest_path
from bot.gitrepo import BlobReader, Commit, TooLarge, tree_files

Key = tuple[str, str]  # (path, blob)


class Targets:
    """Follows the targets at the pushed tips; `incomplete` receives why the push was not scanned in full."""

    def __init__(
        self,
        root: Path,
        config: ScanConfig,
        ruleset: RuleSet,
        written: dict[Key, Commit],
        deadline: float,
        clock: Callable[[], float],
        incomplete: list[str],
    ) -> None:
        self._root, self._config, self._ruleset, self._written = root, config, ruleset, written
        self._deadline, self._clock, self._incomplete = deadline, clock, incomplete
        self.notices: list[ScanResult] = []  # references not followed, targets absent
        self._data: dict[Key, bytes | Notice] = {}  # target blobs read
        self._consumers: dict[Key, Consumer | None] = {}  # manifests at the tips left alone by the push
        self._earlier: set[str] = set()  # fingerprints in targets the push did not write
        self._brought: set[str] = set()  # fingerprints in targets the push wrote

    @property
    def inherited(self) -> frozenset[str]:
        """Fingerprints only in targets that were there before the push (which made a manifest read them)."""
        return frozenset(self._earlier - self._brought)

    def follow_at(self, tips: list[str], sources: dict[Key, bytes]) -> list[tuple[Commit, ScanResult]]:
        """Each target blob read and reported once, with the commit its findings are attributed to;
        `sources` are the pushed manifests that may read targets."""
        reported: set[Key] = set()
        found: list[tuple[Commit, ScanResult]] = []
        with BlobReader(self._root, self._config.limits.max_bytes) as reader:
            for tip in tips:
                files = {change.path: change.blob for change in tree_files(self._root, tip)}
                everything = _listing(list(files))
                for key, data in sources.items():
                    if files.get(key[0]) != key[1] or self._clock() > self._deadline:
                        continue
                    consumer = list_targets(key[0], data, self._config)
                    if consumer is None:
                        continue
                    for target, result in self._scan(reader, consumer, files, everything, reported):
                        seen = self._brought if target in self._written else self._earlier
                        seen.update(finding.fingerprint for finding in result.findings)
                        found.append((self._written.get(target, self._written[key]), result))
                pushed = _by_directory(path for path, blob in files.items() if (path, blob) in self._written)
                for consumer in self._readers_of(reader, files, pushed, sources) if pushed else ():
                    for target, result in self._scan(reader, consumer, files, _within(pushed), reported):
                        self._brought.update(f.fingerprint for f in result.findings)
                        found.append((self._written[target], result))
        return found

    def _scan(
        self,
        reader: BlobReader,
        consumer: Consumer,
        files: dict[str, str],
        listing: Callable[[FileTarget], list[str]],
        reported: set[Key],
    ) -> Iterator[tuple[Key, ScanResult]]:
        """The consumer's targets not reported yet; one scanned in part makes the push incomplete."""
        results, said = follow(
            consumer, self._reader(reader, files), listing, ruleset=self._ruleset, config=self._config
        )
        if said:
            self.notices.append(ScanResult(consumer.manifest, None, notices=tuple(said)))
        # A target left unread (past MAX_TARGETS) is as unscanned as one read in part: fail closed.
        self._incomplete.extend(
            f"{consumer.manifest}: {notice.message}" for notice in said if notice.kind in INCOMPLETE_KINDS
        )
        for result in results:
            target = (result.path, files[result.path])
            if target in reported:
                continue
            reported.add(target)
            if not result.complete and isinstance(self._data.get(target), bytes):  # else `_read` said why
                self._incomplete.append(f"{result.path}: not scanned in full")
            yield target, result

    def _readers_of(
        self,
        reader: BlobReader,
        files: dict[str, str],
        pushed: dict[str, list[str]],
        sources: dict[Key, bytes],
    ) -> Iterator[Consumer]:
        """The manifests at a tip, left alone by the push, that read some file the push writes: narrowed to
        those targets, without the notices that are not the push's concern."""
        for path, blob in files.items():
            if (path, blob) in sources or not is_manifest_path(path, self._config):
                continue
            if self._clock() > self._deadline:
                return  # the push is then incomplete: `scan_push` says the scan did not finish in time
            consumer = self._consumer(reader, path, blob)
            if consumer is None:
                continue
            kept = tuple(target for target in consumer.targets if _writes(target, pushed))
            if kept:
                yield consumer._replace(targets=kept, refused=())

    def _consumer(self, reader: BlobReader, path: str, blob: str) -> Consumer | None:
        if (path, blob) not in self._consumers:
            data = self._read(reader, path, blob, "a manifest that may read files of this push")
            parsed = list_targets(path, data, self._config) if isinstance(data, bytes) else None
            self._consumers[path, blob] = parsed
        return self._consumers[path, blob]

    def _reader(self, reader: BlobReader, files: dict[str, str]) -> Callable[[str], bytes | Notice | None]:
        def read(path: str) -> bytes | Notice | None:
            blob = files.get(path)
            if blob is None:
                return None
            if (path, blob) not in self._data:
                self._data[path, blob] = self._read(reader, path, blob, "a ${file()} target")
            return self._data[path, blob]

        return read

    def _read(self, reader: BlobReader, path: str, blob: str, what: str) -> bytes | Notice:
        """The blob, or why not (the push is then incomplete: fail closed)."""
        if self._clock() > self._deadline:
            self._incomplete.append(f"{path}: {what} not read in time")
            return Notice(path, NoticeKind.NOT_SCANNED, "not read within the time bound")
        data = reader.read(blob)
        if isinstance(data, bytes):
            return data
        self._incomplete.append(f"{path}: {what} could not be read in full")
        if isinstance(data, TooLarge):
            return Notice(path, NoticeKind.TOO_LARGE, f"{data.size:,} bytes, over the size limit")
        return Notice(path, NoticeKind.UNREADABLE, "not in the repository's objects")


def _by_directory(paths: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path in sorted(paths):
        grouped.setdefault(posixpath.dirname(path), []).append(path)
    return grouped


def _writes(target: FileTarget, pushed: dict[str, list[str]]) -> bool:
    """Whether the push writes a file the target names (at this tip)."""
    return any(matches(target, path) for path in pushed.get(posixpath.dirname(target.path), ()))


def _within(pushed: dict[str, list[str]]) -> Callable[[FileTarget], list[str]]:
    """Only the pushed files, for targets whose name is chosen at deploy time (`env.${opt:stage}.yml`)."""
    return lambda target: pushed.get(posixpath.dirname(target.path), [])


def _listing(paths: list[str]) -> Callable[[FileTarget], list[str]]:
    """A tip's files, for targets whose name is chosen at deploy time (`env.${opt:stage}.yml`)."""
    return lambda _: paths
