"""Read what a target changed and scan it: the repository's config, the changed manifests, nothing else.

Every file is fetched once, at the scanned SHA, and only if it is a manifest by name or by the repository's
own patterns. A file that cannot be read (too large, gone, garbled answers) gets a notice that marks it as
not scanned, which keeps the check from passing; it is never silently dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.core.config import ScanConfig
from bot.core.filetargets import follow, list_targets
from bot.core.findings import Finding, Notice, NoticeKind, ScanResult
from bot.core.repoconfig import load_repo_config
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
from bot.jobs.targets import Target
from bot.reports.check_run import CheckContext
from bot.reports.diff import commentable_lines

logger = logging.getLogger(__name__)

CONFIG_PATH = ".github/secrets-bot.yml"
CONFIG_MAX_BYTES = 64_000
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


@dataclass(frozen=True, slots=True)
class RepoConfig:
    config: ScanConfig
    ruleset: RuleSet
    problems: tuple[str, ...]


def scan_target(
    target: Target, gateway: GitHubGateway, ruleset_base: RuleSet, fingerprint_key: bytes = b""
) -> ScanReport:
    """`fingerprint_key` keys every published fingerprint (the server's secret; see `Settings.scan_key`)."""
    repo_config = load_config(gateway, target.repo, target.config_ref, ruleset_base)
    repo_config = replace(repo_config, config=replace(repo_config.config, fingerprint_key=fingerprint_key))
    changed, listing_notices = _changed_files(target, gateway)
    manifests = [
        item
        for item in changed
        if item.status != "removed" and is_manifest_path(item.path, repo_config.config)
    ]
    findings: list[Finding] = []
    notices: list[Notice] = list(listing_notices)
    omitted: list[tuple[str, int]] = []
    incomplete: set[str] = set()
    scanned = 0
    results: dict[str, ScanResult] = {}
    read: list[tuple[str, bytes]] = []
    for item in manifests:
        result = _read(gateway, target, item.path, repo_config.config)
        if isinstance(result, bytes):
            read.append((item.path, result))
            result = _scan_one(item.path, result, repo_config)
            scanned += 1
        results[item.path] = result
    followed, target_notices = file_targets(target, gateway, read, changed, repo_config)
    notices.extend(target_notices)
    for path, result in followed.items():  # a target read as a manifest too keeps its consumer's fix
        scanned += path not in results
        if path not in results or results[path].platform != result.platform:
            results[path] = result
    for path, result in results.items():
        findings.extend(result.findings)
        notices.extend(result.notices)
        if result.notices:
            incomplete.add(path)
        if result.omitted:
            omitted.append((path, result.omitted))
    context = CheckContext(
        fail_on=repo_config.config.fail_on,
        leaked=target.leaked,
        config_problems=repo_config.problems,
        config_changed=target.pull is not None and _touches_config(changed),
        files_scanned=scanned,
        incomplete=repo_config.config.incomplete,
        omitted=tuple(omitted),
    )
    commentable = {item.path: commentable_lines(item.patch) for item in changed if item.path in results}
    cap = repo_config.config.max_inline_comments
    return ScanReport(tuple(findings), tuple(notices), context, commentable, frozenset(incomplete), cap)


def load_config(gateway: GitHubGateway, repo: str, ref: str, ruleset_base: RuleSet) -> RepoConfig:
    """`.github/secrets-bot.yml` at `ref`; problems are reported in the check run, never fatal."""
    try:
        raw = gateway.file_content(repo, CONFIG_PATH, ref, max_bytes=CONFIG_MAX_BYTES)
    except FileTooLarge:
        return RepoConfig(
            ScanConfig(), ruleset_base, (f"{CONFIG_PATH} is over {CONFIG_MAX_BYTES:,} bytes; ignored",)
        )
    except UnreadableAnswer:
        problem = (
            f"{CONFIG_PATH} could not be read (GitHub kept answering with something else); defaults used"
        )
        return RepoConfig(ScanConfig(), ruleset_base, (problem,))
    if raw is None:
        return RepoConfig(ScanConfig(), ruleset_base, ())
    try:
        config, problems = load_repo_config(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return RepoConfig(ScanConfig(), ruleset_base, (f"{CONFIG_PATH} is not UTF-8 text; ignored",))
    try:
        ruleset = ruleset_base.with_config(config)
    except RuleError as error:
        return RepoConfig(config, ruleset_base, (*problems, f"custom rules ignored: {error}"))
    return RepoConfig(config, ruleset, tuple(problems))


def _changed_files(target: Target, gateway: GitHubGateway) -> tuple[list[ChangedFile], list[Notice]]:
    """The changed files, and a notice when some of them could not be known.

    GitHub lists at most 3,000 files of a pull request and 300 of a comparison, without saying so. A listing
    at its cap is completed from the two commits' trees (two calls, only then); if even a tree listing is
    truncated, the changes cannot all be known and the scan says so instead of passing what it never saw."""
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


def _read(gateway: GitHubGateway, target: Target, path: str, config: ScanConfig) -> bytes | ScanResult:
    """The file's bytes, or a result whose notice says why it was not scanned."""
    data = _fetch(gateway, target, path, config)
    if data is None:
        return _unscanned(path, NoticeKind.UNREADABLE, f"not found at {target.head_sha[:7]}")
    return data if isinstance(data, bytes) else ScanResult(path, None, notices=(data,))


def _fetch(gateway: GitHubGateway, target: Target, path: str, config: ScanConfig) -> bytes | Notice | None:
    """The file's bytes at the scanned commit, why they could not be read, or None when it is absent."""
    limit = config.limits.max_bytes
    try:
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
        except Exception as error:  # the type only, as in `_scan_one`
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


def _scan_one(path: str, data: bytes, repo_config: RepoConfig) -> ScanResult:
    """One file that crashes the scanner is a notice on that file, not a failed check for the whole PR."""
    try:
        return scan_file(path, data, ruleset=repo_config.ruleset, config=repo_config.config)
    except Exception as error:  # the type only: a message could quote the file's content
        logger.error("scanner error on one file: %s", type(error).__name__)
        return _unscanned(path, NoticeKind.INTERNAL_ERROR, f"internal error {type(error).__name__}")


def _touches_config(changed: Sequence[ChangedFile]) -> bool:
    return any(CONFIG_PATH in (item.path, item.previous_path) for item in changed)
