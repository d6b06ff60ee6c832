"""Every pushed commit counts: the manifests each commit of a pull request or push wrote, scanned once each.

A secret committed and then deleted is still in the branch's history (and in `refs/pull/N/head`), so the
head alone cannot answer for a push. The commits are listed (1 call per 100), each one's changed files are
read (1 call per commit; the head commit's versions are the head's, already scanned, so it costs nothing),
and each distinct manifest blob is read once by its SHA and scanned whole under its path. A finding that
some commit held but the head no longer does is a history finding; one still at the head keeps its head
location and is only named with the commit that introduced it. A history finding whose value was already in
that file at the base (merge base, or the push's `before`) is not this change's. Whatever could not be read
(commits past the cap, a commit with more files than GitHub lists, a blob too large) is a notice that keeps
the scan from passing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.config import ScanConfig
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult
from bot.core.firstseen import introduced_by
from bot.files import is_manifest_path
from bot.github.protocol import (
    PULL_COMMITS_CAP,
    CommitInfo,
    CommitRange,
    FileTooLarge,
    GitHubGateway,
    UnreadableAnswer,
)
from bot.jobs.targets import Target
from bot.reports.provenance import Provenance
from bot.reports.rotation import Presence

Scan = Callable[[str, bytes], ScanResult]


@dataclass(frozen=True, slots=True)
class CommitScan:
    history: tuple[tuple[Finding, Provenance], ...] = ()  # findings gone at the head, located at their commit
    introduced: Mapping[str, Provenance] = field(default_factory=dict)  # head fingerprint -> first commit
    commits: int = 0  # commits scanned
    skipped: int = 0  # commits not scanned (past the cap)
    notices: tuple[Notice, ...] = ()
    presence: Presence = field(default_factory=Presence)  # where each value is, for acknowledgements


def scan_commits(
    target: Target, gateway: GitHubGateway, config: ScanConfig, head: Iterable[ScanResult], scan: Scan
) -> CommitScan:
    """`head` holds the head's results (findings and waived findings count as present at the head)."""
    if not config.history:
        return CommitScan()
    listed = _list(target, gateway, config)
    commits = listed.commits[-config.max_commits :]
    skipped = listed.total - len(commits)
    notices = _skipped_notices(skipped, capped=target.pull is not None and listed.total >= PULL_COMMITS_CAP)
    blobs: dict[str, bytes | Notice] = {}
    scans: dict[tuple[str, str], ScanResult] = {}
    walk: list[tuple[CommitInfo, tuple[Finding, ...]]] = []
    for commit in commits:
        if commit.sha == target.head_sha:
            continue  # its files are the head's
        changes = gateway.commit_changes(target.repo, commit.sha)
        if not changes.complete:
            notices.append(_commit_notice(commit))
        found: list[Finding] = []
        for item in changes.files:
            if item.status == "removed" or not is_manifest_path(item.path, config):
                continue
            key = (item.path, item.blob)
            if key not in scans:
                scans[key] = _scan_blob(gateway, target, item.path, item.blob, commit, config, blobs, scan)
                notices.extend(scans[key].notices)
            found += scans[key].findings
        walk.append((commit, tuple(found)))
    origin = introduced_by(walk)
    at_head = {f.fingerprint for result in head for f in _present(result)}
    gone = {fp: entry for fp, entry in origin.items() if fp not in at_head}
    kept = _not_on_base(target, gateway, gone, config, scan)
    head_commit = next((c for c in commits if c.sha == target.head_sha), None)
    introduced = {
        fp: _provenance(commit, in_head=True) for fp, (_, commit) in origin.items() if fp in at_head
    }
    if head_commit is not None:
        for fingerprint in at_head - introduced.keys():
            introduced[fingerprint] = _provenance(head_commit, in_head=True)
    history = tuple((finding, _provenance(commit, in_head=False)) for finding, commit in kept)
    presence = _presence(walk, frozenset(at_head), [commit.sha for commit in commits], target.head_sha)
    return CommitScan(history, introduced, len(commits), skipped, tuple(notices), presence)


def _presence(
    walk: Iterable[tuple[CommitInfo, tuple[Finding, ...]]],
    at_head: frozenset[str],
    commits: list[str],
    head_sha: str,
) -> Presence:
    """Which scanned commits hold each value (the head holds what the head scan found)."""
    holds: dict[str, set[str]] = {fingerprint: {head_sha} for fingerprint in at_head}
    for commit, found in walk:
        for finding in found:
            holds.setdefault(finding.fingerprint, set()).add(commit.sha)
    return Presence(at_head, tuple(commits), {fp: frozenset(shas) for fp, shas in holds.items()})


def _list(target: Target, gateway: GitHubGateway, config: ScanConfig) -> CommitRange:
    if target.pull is not None:
        return gateway.pull_request_commits(target.repo, target.pull.number)
    if target.compare_base is None or target.compare_base == target.head_sha:
        return CommitRange((), 0)
    return gateway.compare_commits(
        target.repo, target.compare_base, target.head_sha, newest=config.max_commits
    )


def _present(result: ScanResult) -> Iterable[Finding]:
    yield from result.findings
    yield from (entry.finding for entry in result.suppressed)


def _scan_blob(
    gateway: GitHubGateway,
    target: Target,
    path: str,
    blob: str,
    commit: CommitInfo,
    config: ScanConfig,
    blobs: dict[str, bytes | Notice],
    scan: Scan,
) -> ScanResult:
    """The blob read once whatever paths it appears at; scanned under `path`."""
    if blob not in blobs:
        blobs[blob] = _read_blob(gateway, target.repo, path, blob, commit, config.limits.max_bytes)
    data = blobs[blob]
    if isinstance(data, Notice):
        return ScanResult(path, None, notices=(Notice(path, data.kind, data.message),))
    return scan(path, data)


def _read_blob(
    gateway: GitHubGateway, repo: str, path: str, blob: str, commit: CommitInfo, limit: int
) -> bytes | Notice:
    where = f"at commit {commit.sha[:7]}"
    try:
        return gateway.blob(repo, blob, max_bytes=limit)
    except FileTooLarge as error:
        return Notice(
            path, NoticeKind.TOO_LARGE, f"{where}: {error.size:,} bytes, over the {limit:,}-byte limit"
        )
    except UnreadableAnswer:
        return Notice(path, NoticeKind.UNREADABLE, f"{where}: GitHub kept answering with something else")


def _not_on_base(
    target: Target,
    gateway: GitHubGateway,
    gone: Mapping[str, tuple[Finding, CommitInfo]],
    config: ScanConfig,
    scan: Scan,
) -> list[tuple[Finding, CommitInfo]]:
    """History findings whose value the file already held at the base are not this change's. A base
    version that cannot be read proves nothing: its findings are kept."""
    if not gone:
        return []
    base = _base(target, gateway)
    known: dict[str, frozenset[str]] = {}
    kept: list[tuple[Finding, CommitInfo]] = []
    for fingerprint, (finding, commit) in sorted(gone.items(), key=lambda item: item[1][0].sort_key()):
        if base is not None and finding.path not in known:
            known[finding.path] = _fingerprints_at(gateway, target.repo, finding.path, base, config, scan)
        if fingerprint not in known.get(finding.path, frozenset()):
            kept.append((finding, commit))
    return kept


def _base(target: Target, gateway: GitHubGateway) -> str | None:
    if target.pull is not None:
        return gateway.merge_base(target.repo, target.pull.base_sha, target.head_sha)
    return target.compare_base


def _fingerprints_at(
    gateway: GitHubGateway, repo: str, path: str, ref: str, config: ScanConfig, scan: Scan
) -> frozenset[str]:
    try:
        data = gateway.file_content(repo, path, ref, max_bytes=config.limits.max_bytes)
    except (FileTooLarge, UnreadableAnswer):
        return frozenset()
    if data is None:
        return frozenset()
    return frozenset(f.fingerprint for f in _present(scan(path, data)))


def _provenance(commit: CommitInfo, *, in_head: bool) -> Provenance:
    return Provenance(commit.sha, commit.author, "", in_head=in_head)


def _skipped_notices(skipped: int, *, capped: bool) -> list[Notice]:
    """Commits left out are never reported clean: past `max_commits`, or past GitHub's 250 per PR."""
    notices = []
    if skipped:
        why = f"{skipped:,} older commit{'s were' if skipped != 1 else ' was'} not scanned (max_commits)"
        notices.append(Notice("", NoticeKind.NOT_SCANNED, why))
    if capped:
        why = f"GitHub lists at most {PULL_COMMITS_CAP} commits of a pull request; any more were not scanned"
        notices.append(Notice("", NoticeKind.NOT_SCANNED, why))
    return notices


def _commit_notice(commit: CommitInfo) -> Notice:
    why = f"commit {commit.sha[:7]} changed more files than GitHub lists; some of them were not scanned"
    return Notice("", NoticeKind.NOT_SCANNED, why)
