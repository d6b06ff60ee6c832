"""`secrets-bot`: scan manifests from a terminal or CI, run the web process, run a queue worker.

`scan` reaches only `bot.core`, `bot.files` and `bot.reports`; the web and worker entry points are imported
inside their handlers so that a scan never pays for (or depends on) FastAPI, PyGithub or the queue.
Exit codes are a contract for CI: 0 nothing at or above the threshold, 1 findings at or above it, 2 usage or
configuration errors (a broken `.github/secrets-bot.yml`), a path or file that could not be read, or a file
that was not scanned in full (too large, binary, over the work budget, the scanner failed on it) unless the
config says `incomplete: neutral`. The rest is still scanned and reported, so that one bad path does not hide
the findings in the others, and nothing that was not fully scanned exits 0 by default: fail closed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot import __version__
from bot.core.config import ScanConfig
from bot.core.configfile import CONFIG_MAX_BYTES, CONFIG_PATHS, choose_config, parse_config
from bot.core.findings import FAIL_ON_CHOICES, Notice, NoticeKind, ScanResult, meets
from bot.hookdefaults import DEFAULT_MAX_COMMITS, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from bot.core.rules import RuleSet
    from bot.gitrepo import StartedLog
    from bot.history import GitScan
    from bot.reports.provenance import Repository
    from bot.settings import Settings
    from bot.verify.verifier import Session

    _Commands = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


# The command's own records are named tuples, not dataclasses: immutable and typed all the same, without
# compiling generated methods at every start (about 4 M instructions each; issue 16).
class LoadedConfig(NamedTuple):
    config: ScanConfig
    source: str | None  # where it came from, for messages; None when defaults apply
    problems: tuple[str, ...] = ()


class UsageError(Exception):
    """A command line that cannot be acted on; its message is shown as is."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse reports usage errors (2) and --help (0) by exiting
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        code: int = args.handler(args)
    except UsageError as error:
        print(f"secrets-bot: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return code


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The command line's parser. When `argv` starts with a command, only that command's parser is built:
    each costs about 0.2 ms of gettext look-ups at every start (issue 16), and a command's line is parsed by
    its own parser alone. Anything else (no command, an unknown one, a top-level option such as `--help`)
    gets every command, so that help and errors list them all."""
    parser = argparse.ArgumentParser(
        prog="secrets-bot", description="Find hard-coded secrets in serverless manifests."
    )
    parser.add_argument("--version", action="version", version=f"secrets-bot {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    named = argv[0] if argv else ""
    for build in [_COMMANDS[named]] if named in _COMMANDS else _COMMANDS.values():
        build(commands)
    return parser


def _add_scan(commands: _Commands) -> None:
    scan = commands.add_parser("scan", help="scan files and directories for hard-coded secrets")
    scan.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or directories to scan; with --history or --staged, the repository (default: .)",
    )
    source = scan.add_mutually_exclusive_group()
    source.add_argument(
        "--history",
        action="store_true",
        help="scan every commit of every branch and tag of the git repository, not the files on disk",
    )
    source.add_argument(
        "--staged", action="store_true", help="scan the manifests staged for the next commit (pre-commit)"
    )
    source.add_argument(
        "--changed-since",
        default=None,
        metavar="REV",
        help="scan the manifests that differ between REV and HEAD, as the work tree holds them "
        "(a pull request's changes: REV is its base)",
    )
    scan.add_argument(
        "--since", default=None, metavar="REV", help="with --history: only the commits after REV (REV..)"
    )
    scan.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    scan.add_argument(
        "--fail-on", choices=FAIL_ON_CHOICES, default=None, help="default: the config's, or medium"
    )
    scan.add_argument(
        "--config",
        type=Path,
        default=None,
        help="default: .github/secrets-bot.yml (or .yaml) at the repository root of the first PATH",
    )
    scan.add_argument("--output", type=Path, default=None, help="write the report here instead of stdout")
    scan.add_argument(
        "--verify",
        action="store_true",
        help="ask each credential's provider, read-only, whether it still works (sends the value to that "
        "provider's official host only; docs/verification.md). Active ones become critical",
    )
    scan.add_argument(
        "--jobs", type=_positive_int, default=None, metavar="N", help="worker processes (default: auto)"
    )
    scan.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="FILE",
        help="report only findings whose fingerprint is not in this baseline (see --write-baseline)",
    )
    scan.add_argument(
        "--write-baseline",
        type=Path,
        default=None,
        metavar="FILE",
        help="write every finding's fingerprint and redacted preview to FILE; exit 0 unless the scan "
        "was incomplete or misconfigured",
    )
    scan.add_argument(
        "--fingerprint-key-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="the key fingerprints are keyed with (hex or base64, 32 bytes or more; default: "
        "$SECRETS_BOT_FINGERPRINT_KEY, else ~/.config/secrets-bot/fingerprint.key, created on first use)",
    )
    scan.set_defaults(handler=_scan, usage=scan.format_usage)


def _add_serve(commands: _Commands) -> None:
    serve = commands.add_parser("serve", help="run the GitHub App web process")
    serve.add_argument(
        "--workers",
        type=_non_negative_int,
        default=None,
        metavar="N",
        help="worker processes to start and supervise (default: WORKERS)",
    )
    serve.set_defaults(handler=_serve)


def _add_worker(commands: _Commands) -> None:
    worker = commands.add_parser("worker", help="run a queue worker")
    worker.add_argument("--concurrency", type=_positive_int, default=2, metavar="N")
    worker.set_defaults(handler=_worker)


def _add_pre_receive(commands: _Commands) -> None:
    hook = commands.add_parser(
        "pre-receive",
        help="a git server's pre-receive hook: refuse a push that brings a hard-coded secret",
        description="Reads `<old> <new> <ref>` lines on stdin (GitHub Enterprise Server, git) in the "
        "receiving repository and exits 1, with each finding and its fix, when the pushed commits bring "
        "a secret.",
    )
    hook.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default=None, help="default: the config's")
    hook.add_argument(
        "--config", type=Path, default=None, help="default: .github/secrets-bot.yml of the default branch"
    )
    hook.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"scan time bound (default {DEFAULT_TIMEOUT:g}: GitHub Enterprise Server stops hooks at 5)",
    )
    hook.add_argument("--max-commits", type=_positive_int, default=DEFAULT_MAX_COMMITS, metavar="N")
    hook.add_argument(
        "--on-incomplete",
        choices=("refuse", "allow"),
        default="refuse",
        help="a push not scanned in full (time bound, too many commits, a blob too large) is refused "
        "(default) or let through",
    )
    hook.add_argument("--fingerprint-key-file", type=Path, default=None, metavar="FILE")
    hook.set_defaults(handler=_pre_receive)


def _add_version(commands: _Commands) -> None:
    version = commands.add_parser("version", help="print the version")
    version.set_defaults(handler=_version)


_COMMANDS: dict[str, Callable[[_Commands], None]] = {
    "scan": _add_scan,
    "serve": _add_serve,
    "worker": _add_worker,
    "pre-receive": _add_pre_receive,
    "version": _add_version,
}  # in the order `--help` lists them


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (got {text!r})")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number (got {text!r})")
    return value


def _non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})")
    return int(text)


def _scan(args: argparse.Namespace) -> int:
    from bot.workers import WorkerLost

    try:
        if args.history or args.staged or args.changed_since is not None:
            return _scan_git(args)  # before the scanner is loaded: see `_scan_git`
        return _scan_paths(args)
    except WorkerLost as error:  # some files were never scanned: no report, never a clean one
        raise UsageError(str(error)) from None


def _scan_paths(args: argparse.Namespace) -> int:
    from bot.batch import scan_paths
    from bot.files import repository_root

    if args.since is not None:
        raise UsageError("--since needs --history")
    if not args.paths:
        sys.stderr.write(args.usage())
        raise UsageError("name at least one PATH to scan (or use --history or --staged)")
    roots = [repository_root(path) for path in args.paths]
    if args.format == "sarif" and len(set(roots)) > 1:
        listed = ", ".join(sorted({str(root) for root in roots}))
        raise UsageError(f"a SARIF report covers one repository; these paths lie under {listed}")
    setup = _setup(args, roots[0])
    known = _known(args, setup)
    results = _scan_verified(
        args, setup, lambda config, jobs: scan_paths(args.paths, config, setup.ruleset, jobs=jobs)
    )
    return _report_files(args, results, setup, known, roots[0])


def _scan_verified(
    args: argparse.Namespace, setup: Setup, scan: Callable[[ScanConfig, int | None], list[ScanResult]]
) -> list[ScanResult]:
    """Run `scan(config, jobs)`, with `--verify` in one process (values never cross a process boundary,
    and the session sees them all) and its findings' values checked with their providers."""
    with _verification(args, setup) as session:
        if session is None:
            return scan(setup.config, args.jobs)
        from bot.verify.results import verify_results  # with its report modules: only for --verify

        results = scan(replace(setup.config, reveal=session.reveal), 1)
        verified, _ = verify_results(results, {}, session)
        return verified


def _scan_changed(args: argparse.Namespace, root: Path, setup: Setup, known: frozenset[str] | None) -> int:
    from bot.batch import scan_targets
    from bot.changed import changed_targets

    targets = changed_targets(root, args.changed_since, setup.config)
    results = _scan_verified(
        args, setup, lambda config, jobs: scan_targets(targets, config, setup.ruleset, jobs=jobs)
    )
    return _report_files(args, results, setup, known, root)


def _report_files(
    args: argparse.Namespace,
    scanned: list[ScanResult],
    setup: Setup,
    known: frozenset[str] | None,
    root: Path,
) -> int:
    """The report and exit code of a scan of files on disk."""
    from bot.batch import was_read

    results = _baselined(args, scanned, setup, known)
    tally = Tally(
        scanned=sum(1 for result in results if was_read(result) and result.path not in CONFIG_PATHS),
        unreadable=sum(1 for result in results if _unreadable(result)),
        incomplete=sum(1 for result in results if not result.complete),
    )
    _emit(args, results, setup, tally, root)
    return _exit_code(args, results, setup, tally)


def _scan_git(args: argparse.Namespace) -> int:
    """`--history`, `--staged` or `--changed-since`: the repository holding PATH (default: the current
    directory)."""
    from bot.gitrepo import GitError, start_log, work_tree_root

    if len(args.paths) > 1:
        raise UsageError("--history, --staged and --changed-since take one PATH: the repository")
    if args.since is not None and not args.history:
        raise UsageError("--since needs --history")
    try:
        root = work_tree_root(args.paths[0] if args.paths else Path.cwd())
        walks = args.history and args.changed_since is None
        # git walks the history while the scanner loads and the configuration is read (issue 16)
        with start_log(root, args.since) if walks else contextlib.nullcontext() as log:
            setup = _setup(args, root)
            known = _known(args, setup)
            if args.changed_since is not None:
                return _scan_changed(args, root, setup, known)
            scan = _scan_commits(args, root, setup, log)
    except GitError as error:
        raise UsageError(str(error)) from None
    results = _baselined(args, scan.results, setup, known)
    tally = Tally(
        scanned=scan.files_scanned,
        unreadable=scan.unreadable,
        incomplete=sum(1 for result in results if not result.complete),
        commits=scan.commits if args.history else None,
    )
    _emit(args, results, setup, tally, root, git=scan)
    return _exit_code(args, results, setup, tally)


def _scan_commits(args: argparse.Namespace, root: Path, setup: Setup, log: StartedLog | None) -> GitScan:
    """The history walked by `log` (`--history`) or the index (`--staged`), with verification if asked."""
    from bot.history import scan_history, scan_staged

    with _verification(args, setup) as session:
        config = setup.config if session is None else replace(setup.config, reveal=session.reveal)
        jobs = 1 if session else args.jobs
        if log is not None:
            scan = scan_history(root, config, setup.ruleset, log=log, jobs=jobs)
        else:
            scan = scan_staged(root, config, setup.ruleset, jobs=jobs)
        if session is not None:
            from bot.verify.results import verify_results

            verified, provenance = verify_results(scan.results, scan.provenance, session)
            scan = replace(scan, results=verified, provenance=provenance)
    return scan


class Setup(NamedTuple):
    loaded: LoadedConfig
    problems: tuple[str, ...]  # the config's, and a custom rule that does not compile
    ruleset: RuleSet
    config: ScanConfig  # with the fingerprint key


def _setup(args: argparse.Namespace, root: Path) -> Setup:
    from bot.core.rules import RuleError, RuleSet

    loaded = _load_config(args.config, root)
    problems = list(loaded.problems)
    try:
        ruleset = RuleSet.default().with_config(loaded.config)
    except RuleError as error:
        problems.append(str(error))
        ruleset = RuleSet.default().with_config(replace(loaded.config, custom_rules=()))
    config = replace(loaded.config, fingerprint_key=_fingerprint_key(args.fingerprint_key_file))
    return Setup(loaded, tuple(problems), ruleset, config)


@contextlib.contextmanager
def _verification(args: argparse.Namespace, setup: Setup) -> Iterator[Session | None]:
    """A verification session for `--verify`, unless the repository's config says `verify: false`.
    VERIFY_HISTORY=off and VERIFY_TIMEOUT apply as on the server (docs/verification.md)."""
    if not args.verify:
        yield None
        return
    if not setup.config.verify:
        print("secrets-bot: --verify ignored: the configuration says verify: false", file=sys.stderr)
        yield None
        return
    from bot.verify.verifier import Limits, Verifier

    verifier = Verifier(
        cache_seconds=0,
        verify_history=_verify_history(),
        limits=Limits(timeout=_verify_timeout()),
    )
    try:
        with verifier.session() as session:
            yield session
    finally:
        verifier.close()


def _verify_history() -> bool:
    """As the server reads it: only `on` or `off`, so that a `false` or `no` never sends history's values."""
    raw = os.environ.get("VERIFY_HISTORY", "on").strip().lower() or "on"
    if raw not in ("on", "off"):
        raise UsageError("VERIFY_HISTORY must be on or off")
    return raw == "on"


def _verify_timeout() -> float:
    from bot.verify.verifier import DEFAULT_TIMEOUT

    raw = os.environ.get("VERIFY_TIMEOUT", "").strip()
    try:
        timeout = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise UsageError("VERIFY_TIMEOUT must be a number of seconds from 0.5 to 30") from None
    if not 0.5 <= timeout <= 30:
        raise UsageError("VERIFY_TIMEOUT must be a number of seconds from 0.5 to 30")
    return timeout


def _exit_code(args: argparse.Namespace, results: Sequence[ScanResult], setup: Setup, tally: Tally) -> int:
    incomplete = tally.incomplete and setup.loaded.config.incomplete == "fail"
    if setup.problems or tally.unreadable or incomplete:
        return EXIT_ERROR
    if args.write_baseline is not None:  # every finding is now known: adopting is not failing
        return EXIT_CLEAN
    fail_on = args.fail_on or setup.loaded.config.fail_on
    found = any(meets(f.severity, fail_on) for result in results for f in result.findings)
    return EXIT_FINDINGS if found else EXIT_CLEAN


def _known(args: argparse.Namespace, setup: Setup) -> frozenset[str] | None:
    """The fingerprints of `--baseline`, read before scanning so that a bad file costs no scan."""
    from bot.baselinefile import BaselineError, load_baseline

    if args.baseline is None:
        return None
    try:
        return load_baseline(args.baseline, setup.config.fingerprint_key)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def _baselined(
    args: argparse.Namespace, results: list[ScanResult], setup: Setup, known: frozenset[str] | None
) -> list[ScanResult]:
    """`--write-baseline` records every finding; `--baseline` then hides the known ones from the report
    and the exit code (saying how many on stderr, so that nothing disappears unannounced)."""
    from bot.baselinefile import render_baseline

    if args.write_baseline is not None:
        findings = (finding for result in results for finding in result.findings)
        _write(args.write_baseline, render_baseline(findings, setup.config.fingerprint_key))
    if known is None:
        return results
    kept = [r._replace(findings=tuple(f for f in r.findings if f.fingerprint not in known)) for r in results]
    hidden = sum(len(result.findings) for result in results) - sum(len(result.findings) for result in kept)
    if hidden:
        print(
            f"secrets-bot: {hidden} known finding(s) in the baseline {args.baseline} not reported",
            file=sys.stderr,
        )
    return kept


class Tally(NamedTuple):
    scanned: int  # files read and scanned (the config file is not one)
    unreadable: int  # paths or files that could not be read or listed
    incomplete: int  # files not scanned in full (unreadable ones included)
    commits: int | None = None  # commits walked by a history scan


def _unreadable(result: ScanResult) -> bool:
    return any(notice.kind is NoticeKind.UNREADABLE for notice in result.notices)


def _load_config(explicit: Path | None, root: Path) -> LoadedConfig:
    """`--config`, else the repository's own file, read with the bot's rule (`bot.core.configfile`)."""
    from bot.files import absolute_path

    if explicit is not None:
        absolute = absolute_path(explicit)
        inside = absolute.is_relative_to(root)
        return _read_config(explicit, absolute.relative_to(root).as_posix() if inside else str(explicit), ())
    chosen, ambiguity = choose_config([name for name in CONFIG_PATHS if (root / name).is_file()])
    if chosen is None:
        return LoadedConfig(ScanConfig(), None)
    return _read_config(root / chosen, chosen, ambiguity)


def _read_config(source: Path, shown: str, ambiguity: tuple[str, ...]) -> LoadedConfig:
    """`shown` names the file in messages: relative to the repository root, like every other path."""
    try:
        with source.open("rb") as handle:
            raw = handle.read(CONFIG_MAX_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read config {source}: {error.strerror}") from None
    config, problems = parse_config(shown, raw)
    return LoadedConfig(config, shown, (*ambiguity, *problems))


def _fingerprint_key(explicit: Path | None) -> bytes:
    """The CLI's own key: a file named on the command line, the environment, or the user's key file.

    Without the key nobody can match a printed fingerprint against guesses; with the same key, runs on
    one machine (or a team sharing the file) print the same fingerprints, so allowlists keep working."""
    from bot.fingerprint_keys import CLI_ENV_NAME, BadKey, load_or_create_key_file, parse_key, user_key_path

    inline = os.environ.get(CLI_ENV_NAME, "").strip()
    try:
        if explicit is not None:
            return parse_key(explicit.read_text(encoding="ascii"))
        if inline:
            return parse_key(inline)
        return load_or_create_key_file(user_key_path(os.environ))
    except BadKey as error:
        where = explicit or (CLI_ENV_NAME if inline else user_key_path(os.environ))
        raise UsageError(f"fingerprint key ({where}) {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read or create the fingerprint key file ({type(error).__name__})") from None


def _config_notices(source: str | None, problems: Sequence[str]) -> tuple[Notice, ...]:
    where = source or "configuration"
    return tuple(Notice(where, NoticeKind.CONFIG_ERROR, problem) for problem in problems)


def _emit(
    args: argparse.Namespace,
    results: list[ScanResult],
    setup: Setup,
    tally: Tally,
    root: Path,
    *,
    git: GitScan | None = None,
) -> None:
    """The report to stdout (or --output); in text mode, notices and config problems to stderr."""
    from bot.reports.text import render_notices_text, render_text

    config_notices = _config_notices(setup.loaded.source, setup.problems)
    reported = [*results, *(ScanResult(n.path, None, notices=(n,)) for n in config_notices)]
    provenance = git.provenance if git is not None else None
    if args.format == "text":
        color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        summary = render_text(
            results,
            color=color,
            files_scanned=tally.scanned,
            unreadable=tally.unreadable,
            provenance=provenance,
            commits=tally.commits,
        )
        _write(args.output, summary)
        sys.stderr.write(render_notices_text(reported))
    elif args.format == "json":
        from bot.reports.json_report import render_json

        document = render_json(
            reported,
            tally.scanned,
            files_unreadable=tally.unreadable,
            provenance=provenance,
            commits=tally.commits,
        )
        _write(args.output, document)
    else:
        from bot.reports.sarif import render_sarif

        repository = _repository(root, git) if git is not None and args.history else None
        sarif = render_sarif(
            reported,
            setup.ruleset,
            source_root=_directory_uri(root),
            provenance=provenance,
            repository=repository,
        )
        _write(args.output, sarif)


def _repository(root: Path, git: GitScan) -> Repository:
    """The origin remote's URL without credentials (read from the local config), else the local root."""
    from bot.gitrepo import origin_url
    from bot.reports.provenance import Repository

    return Repository(origin_url(root) or _directory_uri(root), git.head)


def _directory_uri(root: Path) -> str:
    uri = root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _write(output: Path | None, document: str) -> None:
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
        return
    try:
        output.write_text(document, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None


def _serve(args: argparse.Namespace) -> int:
    from bot.web.server import run

    run(_settings(), workers=args.workers)
    return EXIT_CLEAN


def _worker(args: argparse.Namespace) -> int:
    from bot.jobs.worker import run

    run(_settings(), concurrency=args.concurrency)
    return EXIT_CLEAN


def _settings() -> Settings:
    from bot.settings import Settings, SettingsError

    try:
        return Settings.from_env()
    except SettingsError as error:  # names variables, never values
        raise UsageError(str(error)) from None


def _pre_receive(args: argparse.Namespace) -> int:
    from bot.prereceive import Limits, run

    limits = Limits(args.timeout, args.max_commits, allow_incomplete=args.on_incomplete == "allow")
    return run(
        Path.cwd(),
        sys.stdin,
        sys.stdout,
        config_file=args.config,
        fail_on=args.fail_on,
        limits=limits,
        fingerprint_key=_fingerprint_key(args.fingerprint_key_file),
    )


def _version(args: argparse.Namespace) -> int:
    print(f"secrets-bot {__version__}")
    return EXIT_CLEAN
