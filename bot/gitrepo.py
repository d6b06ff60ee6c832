"""The `git` program as the CLI uses it: which manifest blobs commits changed, what is staged, blob bytes.

Every call is a fixed argv (no shell, no user text where git could read an option: a revision is resolved
to a commit id first). Output is NUL-separated (`-z`), so paths with spaces, newlines or any Unicode are
read exactly, and it is streamed: the history is read one commit at a time, never held whole. Blobs come
from one `git cat-file --batch` process, a blob over the size limit is drained in chunks and never kept.
The environment is the caller's (a pre-commit hook's `GIT_INDEX_FILE` must be honoured), except that git
may not prompt, and may not fetch missing objects of a partial clone (`GIT_NO_LAZY_FETCH`, git 2.44+):
a scan never reaches the network.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import urlsplit, urlunsplit

# Regular files only: symlinks (120000) hold a path, gitlinks (160000) another repository's commit.
_FILE_MODES = frozenset({"100644", "100755", "100664"})
_HEADER = "\x01"  # starts each commit's header in `git log` output; raw entries start with ":"
_LOG_FORMAT = f"--format={_HEADER}%H%x00%an%x00%aI"
_CHUNK = 1 << 20
_AHEAD = 48  # blob requests written ahead of their answers: 48 x 65 bytes fit in any pipe (4 KB at least)
_PIPE_BYTES = 1 << 20  # Linux's default limit for an unprivileged process
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # SHA-1 or SHA-256 repositories
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]+):(?P<path>.+)$")


class GitError(Exception):
    """git could not do what was asked; the message is safe to show (no file content)."""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    author: str  # the author's name, as recorded (never the e-mail)
    date: str  # the author date, ISO 8601


@dataclass(frozen=True, slots=True)
class Change:
    """A blob that a commit (or the index) wrote at a path."""

    path: str
    blob: str


@dataclass(frozen=True, slots=True)
class TooLarge:
    size: int


@dataclass(frozen=True, slots=True)
class Missing:
    """The object is not in the repository (a partial clone's blob, a corrupt repository)."""


def git_environment() -> dict[str, str]:
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1"}


def git_argv(root: Path, *args: str) -> list[str]:
    """`git -C root args...` with git found on PATH once, as an absolute path."""
    program = shutil.which("git")
    if program is None:
        raise GitError("git is not installed (not found on PATH)")
    return [program, "-C", str(root), *args]


def run_git(root: Path, *args: str) -> bytes:
    """stdout of `git -C root args...`, or `GitError` with git's first line of complaint."""
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            git_argv(root, *args), capture_output=True, env=git_environment(), check=False
        )
    except OSError as error:
        raise GitError(f"cannot run git ({error.strerror})") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(reason[0] if reason else f"git {args[0]} failed")
    return done.stdout


def work_tree_root(path: Path) -> Path:
    """The top level of the work tree holding `path`; `GitError` when it is not in one."""
    start = path if path.is_dir() else path.parent
    if not start.is_dir():
        raise GitError(f"{path}: no such directory")
    try:
        top = run_git(start, "rev-parse", "--show-toplevel")
    except GitError:
        raise GitError(f"{path} is not in a git repository (or git is not installed)") from None
    return Path(os.fsdecode(top.rstrip(b"\n")))


def head_commit(root: Path) -> str | None:
    """HEAD's commit id, None in an empty repository (or on a branch with no commit yet)."""
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip() or None
    except GitError:
        return None


def resolve_commit(root: Path, revision: str) -> str:
    """The commit id a user's revision names; refuses anything git could read as an option."""
    if not revision or revision.startswith("-"):
        raise GitError(f"not a revision: {revision!r}")
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown revision {revision!r}") from None


def shallow_commits(root: Path) -> frozenset[str]:
    """The commits at a shallow clone's boundary (their parents were never fetched); empty otherwise."""
    path = Path(os.fsdecode(run_git(root, "rev-parse", "--git-path", "shallow").rstrip(b"\n")))
    shallow = path if path.is_absolute() else root / path
    try:
        return frozenset(shallow.read_text(encoding="ascii").split())
    except FileNotFoundError:
        return frozenset()


def origin_url(root: Path) -> str | None:
    """`remote.origin.url` without any credentials, as an absolute URI, or None (read locally, no network)."""
    try:
        raw = run_git(root, "config", "--get", "remote.origin.url").decode("utf-8", "replace").strip()
    except GitError:
        return None
    return public_url(raw)


def public_url(raw: str) -> str | None:
    """A remote URL with no user, password, query or fragment; `host:path` (scp-like ssh) as `ssh://`.
    None for anything else (a local path, a URL that cannot be parsed): better no URI than a leaky one."""
    scp = _SCP_LIKE.match(raw)
    if scp and "://" not in raw:
        return f"ssh://{scp['host']}/{scp['path'].lstrip('/')}"
    try:
        parts = urlsplit(raw)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in {"https", "http", "ssh", "git"} or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, f"{netloc}:{port}" if port else netloc, parts.path, "", ""))


def log_changes(root: Path, *, exclude: str | None = None) -> Iterator[tuple[Commit, list[Change]]]:
    """Each commit of every ref (and HEAD), parents before children and otherwise oldest first, with the
    blobs it wrote: a merge only with what differs from every parent (a conflict resolution, an evil
    merge), since the rest came from the branches merged. `exclude`: a commit id whose history is left out.
    """
    yield from _read_log(_start_log(root, _every_ref(exclude)))


def start_log(root: Path, since: str | None = None) -> StartedLog:
    """The walk of a history scan (after `since`, a revision, if given), started now."""
    return StartedLog(root, exclude=resolve_commit(root, since) if since is not None else None)


class StartedLog:
    """`log_changes` started before it is read: git walks the history while the caller loads the scanner
    and reads its configuration (issue 16). Its output waits in the pipe, widened to 1 MB where the system
    allows it (Linux), so that git is not stopped at the first 64 KB; a longer history waits for the
    reader, so memory stays bounded. Closing it stops a git that was not read to its end."""

    def __init__(self, root: Path, *, exclude: str | None = None) -> None:
        self._process = _start_log(root, _every_ref(exclude))

    def __enter__(self) -> StartedLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def changes(self) -> Iterator[tuple[Commit, list[Change]]]:
        yield from _read_log(self._process)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()
        self._process.wait()


def pushed_changes(root: Path, tips: list[str]) -> Iterator[tuple[Commit, list[Change]]]:
    """The commits reachable from `tips` (commit ids, never options) and from no ref yet, with their blobs,
    as `log_changes` gives them: in a pre-receive hook, exactly the commits a push brings."""
    if any(not _OBJECT_ID.fullmatch(tip) for tip in tips):
        raise GitError("not a commit id")
    yield from _read_log(_start_log(root, [*tips, "--not", "--all"]))


def _every_ref(exclude: str | None) -> list[str]:
    return ["--all", *(["--not", exclude] if exclude else [])]


def _start_log(root: Path, revisions: list[str]) -> subprocess.Popen[bytes]:
    argv = git_argv(root, "log", *revisions)
    argv += ["--date-order", "--reverse", "--root", "--raw", "-z", "--no-renames", "--no-abbrev"]
    argv += ["--no-color", "--no-show-signature", "--diff-merges=combined", _LOG_FORMAT, "--"]
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
            argv,
            bufsize=0,  # each read returns what git has written so far: parsing keeps pace with git
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=git_environment(),
        )
    except OSError as error:
        raise GitError(f"cannot run git ({error.strerror})") from None
    assert process.stdout is not None
    _widen(process.stdout)
    return process


def _widen(pipe: IO[bytes]) -> None:
    """A pipe of `_PIPE_BYTES` where the system has the setting (Linux), else the system's own size."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is not None:
        with contextlib.suppress(OSError):  # over the system's or the user's limit: the size stays
            fcntl.fcntl(pipe.fileno(), setting, _PIPE_BYTES)


def _read_log(process: subprocess.Popen[bytes]) -> Iterator[tuple[Commit, list[Change]]]:
    assert process.stdout is not None and process.stderr is not None
    try:
        yield from _parse_log(_tokens(process.stdout))
    finally:
        process.stdout.close()
        if not process.stderr.closed:  # else `StartedLog.close` stopped git: the walk was left, not failed
            complaint = process.stderr.read().decode("utf-8", "replace").strip()
            process.stderr.close()
            if process.wait() != 0:
                raise GitError(complaint.splitlines()[0] if complaint else "git log failed")


def staged_changes(root: Path) -> list[Change]:
    """The blobs the index holds for files that differ from HEAD (all of them before the first commit)."""
    raw = run_git(root, "diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-color")
    return list(_parse_raw(iter(raw.split(b"\0"))))


def changed_files(root: Path, base: str) -> list[str]:
    """The paths of regular files that differ between commit `base` and HEAD and still exist at HEAD (a
    rename is a deletion and an addition, so the new name is listed)."""
    raw = run_git(
        root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-color", base, "HEAD", "--"
    )
    return [change.path for change in _parse_raw(iter(raw.split(b"\0")))]


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-terminated fields of a byte stream, read in chunks. Reads may come back short (`bufsize=0`), so a
    field longer than a read is kept as its parts, joined once, and only each new chunk is searched: linear
    in the stream, not quadratic in its longest field."""
    partial: list[bytes] = []
    while chunk := stream.read(_CHUNK):
        first, *fields = chunk.split(b"\0")
        if not fields:
            partial.append(first)
            continue
        yield b"".join([*partial, first])
        partial = [fields.pop()]  # the field that goes on in the next chunk
        yield from fields
    if any(partial):
        yield b"".join(partial)


def _parse_log(tokens: Iterator[bytes]) -> Iterator[tuple[Commit, list[Change]]]:
    """Header fields are read by position and a path always follows its raw entry, so no path or author
    name, whatever it holds, can be mistaken for structure."""
    commit: Commit | None = None
    changes: list[Change] = []
    for token in tokens:
        text = token.lstrip(b"\n")
        if text.startswith(_HEADER.encode()):
            if commit is not None:
                yield commit, changes
            author, date = next(tokens, b""), next(tokens, b"")
            commit = Commit(text[1:].decode("ascii"), _decode(author), _decode(date))
            changes = []
        elif text.startswith(b":"):
            change = _change(text, next(tokens, b""))
            if change is not None:
                changes.append(change)
    if commit is not None:
        yield commit, changes


def _parse_raw(tokens: Iterator[bytes]) -> Iterator[Change]:
    for token in tokens:
        if token.startswith(b":"):
            change = _change(token, next(tokens, b""))
            if change is not None:
                yield change


def _change(meta: bytes, path: bytes) -> Change | None:
    """The blob written by one raw entry (`:old new sha sha S`, or `::...` for a merge: the last mode and
    id are the result's); None for a deletion, a symlink or a submodule."""
    parents = len(meta) - len(meta.lstrip(b":"))
    fields = meta.lstrip(b":").decode("ascii").split()
    mode, blob = fields[parents], fields[2 * parents + 1]
    if mode not in _FILE_MODES:
        return None
    return Change(os.fsdecode(path), blob)


def _decode(field: bytes) -> str:
    text = field.decode("utf-8", "replace")
    if text.isprintable():  # nearly every author and date: nothing to drop, and no pass per character
        return text
    return "".join(ch for ch in text if ch.isprintable())


class BlobReader:
    """One `git cat-file --batch` process: each blob's bytes, up to `max_bytes`."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        try:
            self._process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
                git_argv(root, "cat-file", "--batch"),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=git_environment(),
            )
        except OSError as error:
            raise GitError(f"cannot run git ({error.strerror})") from None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def read_many(self, blobs: Iterable[str]) -> Generator[bytes | TooLarge | Missing, None, None]:
        """`read` of each blob in turn, with up to `_AHEAD` requests written before their answers are read:
        git answers the next while this one is used, and no blob waits a round trip (issue 16). The
        requests ahead fit in any pipe, so writing them never waits for git (no thread is needed). A caller
        that stops early leaves the process stopped: its unread answers cannot be told apart from the next.
        """
        stdin = self._process.stdin
        assert stdin is not None
        wanted = list(blobs)
        asked = answered = 0
        try:
            while answered < len(wanted):
                if asked - answered <= _AHEAD // 2 and asked < len(wanted):
                    more = wanted[asked : answered + _AHEAD]
                    stdin.write("".join(blob + "\n" for blob in more).encode("ascii"))
                    stdin.flush()
                    asked += len(more)
                yield self._answer()
                answered += 1
        finally:
            if answered < len(wanted):
                self._process.kill()

    def read(self, blob: str) -> bytes | TooLarge | Missing:
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        return self._answer()

    def _answer(self) -> bytes | TooLarge | Missing:
        stdout = self._process.stdout
        assert stdout is not None
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            if not header:
                raise GitError("git cat-file stopped")
            return Missing()
        size = int(header[2])
        if size > self.max_bytes:
            _drain(stdout, size + 1)
            return TooLarge(size)
        data = stdout.read(size)
        if len(data) != size or stdout.read(1) != b"\n":  # git died in the blob (a corrupt object)
            raise GitError("git cat-file stopped in the middle of a blob")
        return data

    def close(self) -> None:
        if self._process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):  # git was stopped (`read_many` left early)
                self._process.stdin.close()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()


def _drain(stream: IO[bytes], size: int) -> None:
    while size > 0:
        size -= len(stream.read(min(size, _CHUNK))) or size


def tree_files(root: Path, commit: str) -> list[Change]:
    """Every regular file of a commit's tree, with its blob."""
    raw = run_git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    files = []
    for entry in raw.split(b"\0"):
        meta, tab, path = entry.partition(b"\t")
        fields = meta.decode("ascii").split()
        if tab and fields[0] in _FILE_MODES and fields[1] == "blob":
            files.append(Change(os.fsdecode(path), fields[2]))
    return files
