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
    merge_base: str | None = None
    for item, result in scanned:
        if not (result.findings or result.suppressed):
            continue
        if item.status in NO_BASE_VERSION:
            waived.extend(result.suppressed)
            continue
        merge_base = merge_base or gateway.merge_base(repo, base_sha, head_sha)
        base = _base_result(gateway, repo, item, merge_base, scan, max_bytes)
        if isinstance(base, str):
            unread.append(f"{item.previous_path or item.path}: {base}")
            waived.extend(result.suppressed)
            continue
        hidden = {entry.finding.fingerprint for entry in base.suppressed}
        known = hidden | {finding.fingerprint for finding in base.findings}
        preexisting.update(f.fingerprint for f in result.findings if f.fingerprint in known)
        waived.extend(entry for entry in result.suppressed if entry.finding.fingerprint not in hidden)
    return Baseline(frozenset(preexisting), tuple(waived), tuple(unread))


def _base_result(
    gateway: GitHubGateway,
    repo: str,
    item: ChangedFile,
    merge_base: str,
    scan: Callable[[str, bytes], ScanResult],
    max_bytes: int,
) -> ScanResult | str:
    """The base version's scan under the head's path, or why it could not be read."""
    try:
        data = gateway.file_content(repo, item.previous_path or item.path, merge_base, max_bytes=max_bytes)
    except FileTooLarge as error:
        return f"{error.size:,} bytes at the merge base, over the {max_bytes:,}-byte limit"
    except UnreadableAnswer:
        return "GitHub kept answering with something other than the file"
    return scan(item.path, data) if data is not None else ScanResult(item.path, None)
