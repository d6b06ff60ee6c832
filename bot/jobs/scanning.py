"""Read what a target changed and scan it: the repository's config, the changed manifests, nothing else.

Every file is fetched once, at the scanned SHA, and only if it is a manifest by name or by the repository's
own patterns. A file that cannot be read (too large, gone, garbled answers) gets a notice that marks it as
not scanned, which keeps the check from passing; it is never silently dropped. A pull request's manifests
with findings are then compared with their merge-base versions (`bot.jobs.baseline`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from bot.core.config import ScanConfig
from bot.core.configfile import CONFIG_MAX_BYTES, CONFIG_PATHS, choose_config, too_large
from bot.core.filetargets import follow, list_targets
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult
from bot.core.repoconfig import load_layered_config
from bot.core.rules import RuleError, RuleSet
from bot.core.scanner import scan_file
from bot.files import is_manifest_path
from bot.github.protocol import (
    COMPARE_FILES_CAP,
    PULL_FILES_CAP,
    ChangedFile,
    FileTooLarge,
    GitHubGateway,
    UnreadableAnswer,
)
from bot.jobs.baseline import Baseline, compare_with_base
from bot.jobs.commits import scan_commits
from bot.jobs.orgdefaults import org_defaults, org_reads
from bot.jobs.parallel import alongside, read_all, read_both
from bot.jobs.targets import Target
from bot.jobs.verification import verified
from bot.reports.check_run import CheckContext
from bot.reports.diff import added_lines, commentable_lines, hunk_ranges
from bot.reports.rotation import Presence
from bot.verify.verifier import Verifier

logger = logging.getLogger(__name__)

CONFIG_PATH = CONFIG_PATHS[0]
_DEPLOY_TIME_NAME = "a name chosen at deploy time; only the files this change touches were matched"


@dataclass(frozen=True, slots=True)
class ScanReport:
    findings: tuple[Finding, ...]
    notices: tuple[Notice, ...]
    context: CheckContext
    commentable: Mapping[str, frozenset[int]]  # path -> lines a review comment may point at
    # Paths not read, or read only in part (too large, unparsable): their old comments are not "resolved".
    incomplete: frozenset[str] = frozenset()
    max_inline_comments: int = ScanConfig().max_inline_comments  # the repository's cap on review comments
    # path -> lines the pull request adds: the only lines where a finding already on the base is commented
    added: Mapping[str, frozenset[int]] = field(default_factory=dict)
    # Where each value is (head, commits): what `/secrets-bot rotated` acknowledgements may cover.
    presence: Presence = field(default_factory=Presence)
    # Every path the change touched (previous names of renamed files included): what a push answers for.
    scope: frozenset[str] = frozenset()
    # path -> (first, last) RIGHT-side line of each hunk: where a comment over several lines may go.
    hunks: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    dashboard: bool = ScanConfig().dashboard  # the repository keeps a dashboard issue (`dashboard:`)


@dataclass(frozen=True, slots=True)
class RepoConfig:
    config: ScanConfig
    ruleset: RuleSet
    problems: tuple[str, ...]


def scan_target(
    target: Target,
    gateway: GitHubGateway,
    ruleset_base: RuleSet,
    fingerprint_key: bytes = b"",
    verifier: Verifier | None = None,
) -> ScanReport:
    """`fingerprint_key` keys every published fingerprint (the server's secret; see `Settings.scan_key`).
    With a `verifier` (VERIFY_SECRETS=on) and unless the repository says `verify: false`, the values are
    checked with their providers while this scan holds them (`bot.jobs.verification`)."""
    # The listing (PyGithub) is in flight while the config files are read (httpx): `bot.jobs.parallel`.
    (changed, listing_notices), repo_config = alongside(
        lambda: _changed_files(target, gateway),
        lambda: keyed_config(gateway, target.repo, target.config_ref, ruleset_base, fingerprint_key),
    )
    listing = (changed, listing_notices)
    if verifier is None or not repo_config.config.verify:
        return _scan_target(target, gateway, repo_config, listing)
    with verifier.session() as session:
        revealing = replace(repo_config, config=replace(repo_config.config, reveal=session.reveal))
        return verified(_scan_target(target, gateway, revealing, listing), session)


def _scan_target(
    target: Target,
    gateway: GitHubGateway,
    repo_config: RepoConfig,
    listing: tuple[list[ChangedFile], list[Notice]],
) -> ScanReport:
    changed, listing_notices = listing
    manifests = [
        item
        for item in changed
        if item.status != "removed" and is_manifest_path(item.path, repo_config.config)
    ]
    findings: list[Finding] = []
    notices: list[Notice] = list(listing_notices)
    omitted: list[tuple[str, int]] = []
    incomplete: set[str] = set()
    results: list[tuple[ChangedFile, ScanResult]] = []
    read: list[tuple[str, bytes]] = []
    fetched = read_all(lambda item: _read(gateway, target, item, repo_config.config), manifests)
    for item, result in zip(manifests, fetched, strict=True):
        if isinstance(result, bytes):
            read.append((item.path, result))
            result = scan_one(item.path, result, repo_config)
        results.append((item, result))
    followed, target_notices = file_targets(target, gateway, read, changed, repo_config)
    notices.extend(target_notices)
    scanned = len(read) + sum(1 for path in followed if path not in {item.path for item, _ in results})
    results = _with_targets(results, followed, changed)
    for item, result in results:
        findings.extend(result.findings)
        notices.extend(result.notices)
        if result.notices:
            incomplete.add(item.path)
        if result.omitted:
            omitted.append((item.path, result.omitted))
    config = repo_config.config
    baseline = _baseline(target, gateway, results, repo_config)
    history = scan_commits(
        target,
        gateway,
        config,
        [result for _, result in results],
        lambda path, data: scan_one(path, data, repo_config),
    )
    notices.extend(history.notices)
    context = CheckContext(
        fail_on=config.fail_on,
        leaked=target.leaked,
        config_problems=repo_config.problems,
        config_changed=target.pull is not None and _touches_config(changed),
        files_scanned=scanned,
        incomplete=config.incomplete,
        omitted=tuple(omitted),
        base_branch=target.pull.base_ref if target.pull is not None else None,
        pr_fails_on=config.pr_fails_on,
        preexisting=baseline.preexisting,
        waived=baseline.waived,
        waivers_in_pr=config.waivers_in_pr,
        base_unread=baseline.unread,
        history=history.history,
        introduced_by={
            fp: where for fp, where in history.introduced.items() if fp not in baseline.preexisting
        },
        commits_scanned=history.commits,
        commits_skipped=history.skipped,
        web_url=gateway.web_url(),
        repo=target.repo,
    )
    commentable = {item.path: commentable_lines(item.patch) for item in manifests}
    added = {item.path: added_lines(item.patch) for item in manifests}
    return ScanReport(
        tuple(findings),
        tuple(notices),
        context,
        commentable,
        frozenset(incomplete),
        config.max_inline_comments,
        added,
        history.presence,
        frozenset(item.path for item in changed)
        | {item.previous_path for item in changed if item.previous_path},
        {item.path: hunk_ranges(item.patch) for item in manifests},
        dashboard=config.dashboard,
    )


def _baseline(
    target: Target,
    gateway: GitHubGateway,
    results: Sequence[tuple[ChangedFile, ScanResult]],
    repo_config: RepoConfig,
) -> Baseline:
    """A pull request is measured against its merge base; a push answers for everything at its head."""
    if target.pull is None:
        return Baseline()
    if repo_config.config.waivers_in_pr == "allow":  # waivers stay silent: no base read for them
        results = [(item, result._replace(suppressed=())) for item, result in results]
    return compare_with_base(
        gateway,
        target.repo,
        target.pull.base_sha,
        target.head_sha,
        results,
        lambda path, data: scan_one(path, data, repo_config),
        repo_config.config.limits.max_bytes,
    )


def _with_targets(
    results: list[tuple[ChangedFile, ScanResult]],
    followed: Mapping[str, ScanResult],
    changed: Sequence[ChangedFile],
) -> list[tuple[ChangedFile, ScanResult]]:
    """The changed manifests' results with their `${file()}` targets': a target read as a manifest too keeps
    its consumer's reading (its fix), and one the change does not touch is compared with the base as
    unchanged, so that its findings count as already there."""
    index = {item.path: position for position, (item, _) in enumerate(results)}
    touched = {item.path: item for item in changed}
    merged = list(results)
    for path, result in followed.items():
        position = index.get(path)
        if position is None:
            merged.append((touched.get(path, ChangedFile(path, "unchanged")), result))
        elif merged[position][1].platform != result.platform:
            merged[position] = (merged[position][0], result)
    return merged


def keyed_config(
    gateway: GitHubGateway, repo: str, ref: str, ruleset_base: RuleSet, fingerprint_key: bytes
) -> RepoConfig:
    """The repository's config at `ref`, fingerprinting with the server's key."""
    repo_config = load_config(gateway, repo, ref, ruleset_base)
    return replace(repo_config, config=replace(repo_config.config, fingerprint_key=fingerprint_key))


def load_config(gateway: GitHubGateway, repo: str, ref: str, ruleset_base: RuleSet) -> RepoConfig:
    """`.github/secrets-bot.yml` (or `.yaml`) at `ref` over the organisation's defaults; problems are
    reported in the check run, never fatal."""
    # The four possible files (own and organisation's, .yml and .yaml) are read at once (bot.jobs.parallel).
    own_reads = [partial(_fetch_config, gateway, repo, path, ref) for path in CONFIG_PATHS]
    fetched, org_outcomes = read_both(own_reads, org_reads(gateway, repo, CONFIG_MAX_BYTES))
    own, problems = _own_config(dict(zip(CONFIG_PATHS, fetched, strict=True)))
    org = org_defaults(repo, org_outcomes, CONFIG_MAX_BYTES)
    config, found = load_layered_config(own, org.text, defaults_name=f"{org.source} defaults")
    problems = [*problems, *([org.problem] if org.problem else []), *found]
    try:
        ruleset = ruleset_base.with_config(config)
    except RuleError as error:
        return RepoConfig(config, ruleset_base, (*problems, f"custom rules ignored: {error}"))
    return RepoConfig(config, ruleset, tuple(problems))


def _own_config(fetched: Mapping[str, bytes | str | None]) -> tuple[str | None, list[str]]:
    """The repository's own file as text (None when absent or unusable), and why it is unusable."""
    chosen, ambiguity = choose_config([path for path, raw in fetched.items() if raw is not None])
    if chosen is None:
        return None, []
    raw = fetched[chosen]
    if not isinstance(raw, bytes):
        return None, [*ambiguity, str(raw)]
    try:
        return raw.decode("utf-8"), list(ambiguity)
    except UnicodeDecodeError:
        return None, [*ambiguity, f"{chosen} is not UTF-8 text; ignored"]


def _fetch_config(gateway: GitHubGateway, repo: str, path: str, ref: str) -> bytes | str | None:
    """The file's bytes, None when it is absent, or the problem that kept it from being read."""
    try:
        return gateway.file_content(repo, path, ref, max_bytes=CONFIG_MAX_BYTES)
    except FileTooLarge:
        return too_large(path)
    except UnreadableAnswer:
        return f"{path} could not be read (GitHub kept answering with something else); ignored"


def _changed_files(target: Target, gateway: GitHubGateway) -> tuple[list[ChangedFile], list[Notice]]:
    """The changed files, and a notice when some of them could not be known.

    GitHub lists at most 3,000 files of a pull request and 300 of a comparison, without saying so. A listing
    at its cap is completed from the two commits' trees (two calls, only then); if even a tree listing is
    truncated, the changes cannot all be known and the scan says so instead of passing what it never saw."""
    if target.whole_tree:
        return _whole_tree(target, gateway)
    if target.pull is not None:
        base = target.pull.base_sha
        listed = gateway.pull_request_files(target.repo, target.pull.number)
        cap = PULL_FILES_CAP
    elif target.compare_base is not None:
        base = target.compare_base
        listed = gateway.compare_files(target.repo, base, target.head_sha)
        cap = COMPARE_FILES_CAP
    else:
        raise ValueError("a push scan needs a base to compare with")
    if len(listed) < cap:
        return listed, []
    trees = gateway.tree_changes(target.repo, base, target.head_sha)
    seen = {item.path for item in listed}
    files = listed + [ChangedFile(path, "modified") for path in trees.paths if path not in seen]
    if trees.complete:
        return files, []
    why = (
        f"GitHub lists only {cap:,} changed files and the repository's tree is too large to list in full, "
        "so some changed files could not be found"
    )
    return files, [Notice("", NoticeKind.NOT_SCANNED, why)]


def _whole_tree(target: Target, gateway: GitHubGateway) -> tuple[list[ChangedFile], list[Notice]]:
    """Every file at the head, from one recursive listing; a truncated listing is said, never passed."""
    tree = gateway.tree(target.repo, target.head_sha)
    files = [ChangedFile(path, "unchanged", blob=sha) for path, sha in tree.blobs.items()]
    if tree.complete:
        return files, []
    why = "the repository's tree is too large for GitHub to list in full, so some files could not be found"
    return files, [Notice("", NoticeKind.NOT_SCANNED, why)]


def _read(
    gateway: GitHubGateway, target: Target, item: ChangedFile, config: ScanConfig
) -> bytes | ScanResult:
    """The file's bytes, or a result whose notice says why it was not scanned."""
    path = item.path
    data = _fetch(gateway, target, path, config, blob=item.blob)
    if data is None:
        return _unscanned(path, NoticeKind.UNREADABLE, f"not found at {target.head_sha[:7]}")
    return data if isinstance(data, bytes) else ScanResult(path, None, notices=(data,))


def _fetch(
    gateway: GitHubGateway, target: Target, path: str, config: ScanConfig, *, blob: str | None = None
) -> bytes | Notice | None:
    """The file's bytes at the scanned commit, why they could not be read, or None when it is absent.
    A file named by a tree listing is read by its blob SHA (no path lookup)."""
    limit = config.limits.max_bytes
    try:
        if blob is not None:
            return gateway.blob(target.repo, blob, max_bytes=limit)
        return gateway.file_content(target.repo, path, target.head_sha, max_bytes=limit)
    except FileTooLarge as error:
        return Notice(path, NoticeKind.TOO_LARGE, f"{error.size:,} bytes, over the {limit:,}-byte limit")
    except UnreadableAnswer:
        return Notice(path, NoticeKind.UNREADABLE, "GitHub kept answering with something other than the file")


def file_targets(
    target: Target,
    gateway: GitHubGateway,
    manifests: Sequence[tuple[str, bytes]],
    changed: Sequence[ChangedFile],
    repo_config: RepoConfig,
) -> tuple[dict[str, ScanResult], list[Notice]]:
    """The `${file()}` targets of the scanned manifests, read at the scanned commit and scanned with their
    consumer's fix (the first consumer's, when several read one file). A name built from deploy-time
    variables (`env.${opt:stage}.yml`) is matched only against the files this change touches: listing the
    repository's tree would cost calls on every scan."""
    config = repo_config.config
    present = [item.path for item in changed if item.status != "removed"]
    results: dict[str, ScanResult] = {}
    notices: list[Notice] = []
    for path, data in manifests:
        consumer = list_targets(path, data, config)
        if consumer is None:
            continue
        try:
            found, said = follow(
                consumer,
                lambda wanted: _fetch(gateway, target, wanted, config),
                lambda _: present,
                ruleset=repo_config.ruleset,
                config=config,
            )
        except Exception as error:  # the type only, as in `scan_one`
            logger.error("scanner error on a file target: %s", type(error).__name__)
            notices.append(Notice(path, NoticeKind.INTERNAL_ERROR, f"internal error {type(error).__name__}"))
            continue
        notices.extend(said)
        notices.extend(
            Notice(path, NoticeKind.FILE_TARGET, f"${{file({item.written})}}: {_DEPLOY_TIME_NAME}")
            for item in consumer.targets
            if item.pattern
        )
        for result in found:
            results.setdefault(result.path, result)
    return results, notices


def _unscanned(path: str, kind: NoticeKind, why: str) -> ScanResult:
    return ScanResult(path, None, notices=(Notice(path, kind, why),))


def scan_one(path: str, data: bytes, repo_config: RepoConfig) -> ScanResult:
    """One file that crashes the scanner is a notice on that file, not a failed check for the whole PR."""
    try:
        return scan_file(path, data, ruleset=repo_config.ruleset, config=repo_config.config)
    except Exception as error:  # the type only: a message could quote the file's content
        logger.error("scanner error on one file: %s", type(error).__name__)
        return _unscanned(path, NoticeKind.INTERNAL_ERROR, f"internal error {type(error).__name__}")


def _touches_config(changed: Sequence[ChangedFile]) -> bool:
    return any(path in (item.path, item.previous_path) for item in changed for path in CONFIG_PATHS)
