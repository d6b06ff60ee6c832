"""What a pull request brings, measured against its merge base: findings it introduces, findings already on
the base branch, and inline waivers (`# secrets-bot: ignore`) it adds.

A changed manifest's base version is read at the merge base (where the pull request's diff starts; a renamed
or copied file under its previous name) and scanned under its new path, so that fingerprints, which include
the path, match across a rename. Only manifests with findings or waivers at the head are read again, after
one call for the merge base; an added file has no base version and needs no read. A base version that cannot
be read is never taken as proof of anything: its file's findings all count as introduced and its waivers as
new, and the check run says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.findings import ScanResult, Suppressed
from bot.github.protocol import ChangedFile, FileTooLarge, GitHubGateway, UnreadableAnswer
from bot.jobs.parallel import read_all

NO_BASE_VERSION = frozenset({"added"})  # statuses of files that did not exist at the merge base


@dataclass(frozen=True, slots=True)
class Baseline:
    preexisting: frozenset[str] = frozenset()  # fingerprints of head findings already at the merge base
    waived: tuple[Suppressed, ...] = ()  # findings hidden by an ignore comment the pull request adds
    unread: tuple[str, ...] = ()  # "path: why" for base versions that could not be read


def compare_with_base(
    gateway: GitHubGateway,
    repo: str,
    base_sha: str,
    head_sha: str,
    scanned: Sequence[tuple[ChangedFile, ScanResult]],
    scan: Callable[[str, bytes], ScanResult],
    max_bytes: int,
) -> Baseline:
    """`scanned` holds each changed manifest with its result at the head; `scan` scans bytes as a path."""
    waived: list[Suppressed] = []
    preexisting: set[str] = set()
    unread: list[str] = []
    relevant = [(item, result) for item, result in scanned if result.findings or result.suppressed]
    compared = [item for item, _ in relevant if item.status not in NO_BASE_VERSION]
    # One call for the merge base, then the base versions read together (`bot.jobs.parallel`); each is
    # scanned here, in the job's thread, under its deadline.
    merge_base = gateway.merge_base(repo, base_sha, head_sha) if compared else ""
    read = read_all(lambda item: _read_base(gateway, repo, item, merge_base, max_bytes), compared)
    bases = dict(zip(map(id, compared), read, strict=True))
    for item, result in relevant:
        if item.status in NO_BASE_VERSION:
            waived.extend(result.suppressed)
            continue
        data = bases[id(item)]
        if isinstance(data, str):
            unread.append(f"{item.previous_path or item.path}: {data}")
            waived.extend(result.suppressed)
            continue
        base = scan(item.path, data) if data is not None else ScanResult(item.path, None)
        hidden = {entry.finding.fingerprint for entry in base.suppressed}
        known = hidden | {finding.fingerprint for finding in base.findings}
        preexisting.update(f.fingerprint for f in result.findings if f.fingerprint in known)
        waived.extend(entry for entry in result.suppressed if entry.finding.fingerprint not in hidden)
    return Baseline(frozenset(preexisting), tuple(waived), tuple(unread))


def _read_base(
    gateway: GitHubGateway, repo: str, item: ChangedFile, merge_base: str, max_bytes: int
) -> bytes | str | None:
    """The base version's bytes (None when absent at the merge base), or why it could not be read."""
    try:
        return gateway.file_content(repo, item.previous_path or item.path, merge_base, max_bytes=max_bytes)
    except FileTooLarge as error:
        return f"{error.size:,} bytes at the merge base, over the {max_bytes:,}-byte limit"
    except UnreadableAnswer:
        return "GitHub kept answering with something other than the file"
