"""`${file(./secrets.json)}` targets of a Serverless manifest: which repository files they name, and how
their values are judged and fixed as the consuming manifest's.

A `${file()}` target is committed next to the manifest, so its literals are as exposed as the manifest's
own; Serverless reads it at deploy time and resolves the variables in it, so the consumer's fix
(`${ssm:/<service>/<stage>/<key>}`) fits there too. This module stays pure: `list_targets` turns the
references into repository paths, refusing any that leave the repository (an absolute path, `..` past the
root, a home directory) and bounding their number; the caller reads the files (at the scanned commit, or
from disk without following symlinks out of the tree) and passes them to `scan_target`.

A name built from deploy-time variables (`env.${opt:stage}.yml`) is never resolved against an environment:
each variable becomes a `*` in the file name only (`env.*.yml`), which the caller matches against the files
it knows exist in that directory; a variable in a directory part is refused.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from bot.core.config import ScanConfig
from bot.core.decoding import decode_manifest
from bot.core.detect import Choice, choose
from bot.core.errors import ManifestError
from bot.core.findings import Notice, NoticeKind, ScanResult
from bot.core.manifests.base import Advice, Format, Naming, Platform, Role, Site, Target, generic_key
from bot.core.manifests.common import walk_strings
from bot.core.references import analyze
from bot.core.rules import RuleSet
from bot.core.scanner import parse, scan_file
from bot.core.suppressions import is_path_ignored
from bot.core.tree import Document, KeyPath
from bot.core.variables import parse_variables

MAX_TARGETS = 20  # files read per manifest, patterns expanded included
_FORMATS = {
    ".yml": Format.YAML, ".yaml": Format.YAML, ".json": Format.JSON,
    ".js": Format.CODE, ".cjs": Format.CODE, ".mjs": Format.CODE, ".ts": Format.CODE,
}  # fmt: skip
_ENV_KEYS = ("environment",)
_UNSAFE_NAME = re.compile(r"[*?\[\]\\]|^~")
_DRIVE = re.compile(r"^[A-Za-z]:")  # compiled once: `resolve` runs for every `${file()}` (issue 16)


class FileTarget(NamedTuple):
    path: str  # repository-relative POSIX path; with `pattern`, each `*` stands for one deploy-time variable
    written: str  # as written in the manifest, for notices
    pattern: bool = False
    role: Role = Role.OTHER  # how the consumer uses the whole file (`environment: ${file(./env.yml)}`)


class Consumer(NamedTuple):
    """A manifest's file targets, and what a target's findings need from it."""

    manifest: str
    platform: Platform
    naming: Naming
    targets: tuple[FileTarget, ...] = ()
    refused: tuple[Notice, ...] = ()  # why a reference was not followed (outside the repository, ...)


class _Reference(NamedTuple):
    written: str
    consumer_path: KeyPath = ()


def list_targets(manifest: str, data: bytes, config: ScanConfig) -> Consumer | None:
    """The file targets of a manifest whose platform has `${file()}` (Serverless), or None for any other
    file (or one that does not parse: its own scan reports that)."""
    choice = choose(manifest, data, config.extra_manifests)
    if choice is None or not choice.platform.serverless_variables or choice.format is Format.CODE:
        return None
    if b"${file(" not in data:
        return None
    try:
        docs = parse(choice.format, decode_manifest(data, config.limits), config.limits)
    except ManifestError:
        return None
    return parsed_targets(manifest, choice, docs)


def parsed_targets(manifest: str, choice: Choice, docs: Sequence[Document]) -> Consumer | None:
    """`list_targets` for a manifest already parsed (by its scan, `bot.core.scanner.scan_file`'s `parsed`):
    the same answer, without parsing the file again."""
    if not choice.platform.serverless_variables or choice.format is Format.CODE:
        return None
    if not choice.platform.confirms(manifest, docs):
        return None
    naming = choice.platform.naming(manifest, docs)
    targets: dict[str, FileTarget] = {}
    refused: list[Notice] = []
    for reference in _references(docs):
        target = resolve(manifest, reference.written)
        if isinstance(target, str):
            refused.append(_note(manifest, target))
            continue
        role = _role(choice.platform, docs, reference.consumer_path)
        known = targets.get(target.path)
        if target.path == manifest:
            continue  # the manifest itself is scanned anyway
        if known is None and len(targets) >= MAX_TARGETS:
            why = f"${{file({target.written})}}: more than {MAX_TARGETS} file targets; not read"
            refused.append(Notice(manifest, NoticeKind.NOT_SCANNED, why))
        elif known is None or (known.role is Role.OTHER and role is not Role.OTHER):
            targets[target.path] = FileTarget(target.path, target.written, target.pattern, role)
    return Consumer(manifest, choice.platform, naming, tuple(targets.values()), tuple(refused))


def _note(manifest: str, why: str) -> Notice:
    return Notice(manifest, NoticeKind.FILE_TARGET, why)


def _references(docs: Sequence[Document]) -> Iterator[_Reference]:
    for doc in docs:
        for path, scalar in walk_strings(doc.root, holding="${file("):
            text = scalar.value
            if not isinstance(text, str) or "${file(" not in text:
                continue
            for variable in analyze(text).variables:
                for inner in variable.walk():
                    if inner.source == "file" and inner.params:
                        whole = (variable.start, variable.end) == (0, len(text)) and not inner.address
                        yield _Reference(inner.params[0], path if whole else ())


def _role(platform: Platform, docs: Sequence[Document], path: KeyPath) -> Role:
    """A whole file that is a function's environment (`environment: ${file(./env.yml)}`) is judged as one."""
    if not path or path[-1] not in _ENV_KEYS:
        return Role.OTHER
    probe = platform.site(docs[0], (*path, "PROBE"))
    return probe.role if probe.role in (Role.ENV_VAR, Role.SHARED_ENV) else Role.OTHER


def resolve(manifest: str, written: str) -> FileTarget | str:
    """The repository path a `${file(written)}` in `manifest` names, or why it is not followed."""
    raw = written.strip().strip("'\"").strip()
    if not raw or raw.endswith("/") or posixpath.basename(raw) in ("", ".", ".."):
        return f"${{file({raw})}}: not a file name; not followed"
    if raw.startswith("/") or _DRIVE.match(raw) or "\\" in raw or raw.startswith("~"):
        return f"${{file({raw})}}: not a path inside the repository; not followed"
    pattern = False
    if "${" in raw:
        head, _, name = raw.rpartition("/")
        if "${" in head:
            return f"${{file({raw})}}: a directory chosen at deploy time; not followed"
        star = _star_variables(name)
        if star is None:
            return f"${{file({raw})}}: a file name built from variables in an unexpected way; not followed"
        raw, pattern = (f"{head}/{star}" if head else star), True
    elif _UNSAFE_NAME.search(raw):
        return f"${{file({raw})}}: not a plain file name; not followed"
    directory = posixpath.dirname(manifest.replace("\\", "/"))
    path = posixpath.normpath(posixpath.join(directory, raw))
    if path == ".." or path.startswith("../") or path.startswith("/") or path == ".":
        return f"${{file({raw})}}: outside the repository; not followed"
    return FileTarget(path, raw if not pattern else written.strip().strip("'\""), pattern)


def _star_variables(name: str) -> str | None:
    """`env.${opt:stage}.yml` -> `env.*.yml`; None when the rest of the name is not plain."""
    variables = parse_variables(name)
    rest = name
    for variable in reversed(variables):
        rest = rest[: variable.start] + "\0" + rest[variable.end :]
    if "${" in rest or _UNSAFE_NAME.search(rest) or not rest.replace("\0", ""):
        return None
    return rest.replace("\0", "*")


def matches(target: FileTarget, path: str) -> bool:
    """Whether an existing repository file is what a (pattern) target names: each `*` spans at least one
    character of the file name and never a `/`."""
    if not target.pattern:
        return path == target.path
    head, _, name = target.path.rpartition("/")
    path_head, _, path_name = path.rpartition("/")
    if head != path_head:
        return False
    return _stars_match(name.split("*"), path_name)


def _stars_match(parts: list[str], name: str) -> bool:
    """Whether `name` is `parts` joined by runs of at least one character, each part matched at its leftmost
    place after the last (which leaves the most room for the rest). The pattern `[^/]+`.join(parts) tried
    every split of the name between its stars: a name with eight `${opt:x}`s took 5.6 s on a 64-letter file
    name, about ten times more per two more."""
    if len(parts) == 1:
        return name == parts[0]
    first, *middle, last = parts
    if not name.startswith(first):
        return False
    index = len(first)
    for part in middle:
        index = name.find(part, index + 1)
        if index < 0:
            return False
        index += len(part)
    return len(name) - len(last) > index and name.endswith(last)


Read = Callable[[str], "bytes | Notice | None"]  # a repository path's bytes, why not, or None when absent
Listing = Callable[[FileTarget], Sequence[str]]  # the repository files that may match a pattern target


def follow(
    consumer: Consumer, read: Read, listing: Listing, *, ruleset: RuleSet, config: ScanConfig
) -> tuple[list[ScanResult], list[Notice]]:
    """Each target of `consumer` read through `read` and scanned with the consumer's fix; notices for the
    references not followed and for targets that are absent. At most MAX_TARGETS files are read."""
    results: list[ScanResult] = []
    notices = list(consumer.refused)
    for target in consumer.targets:
        paths = sorted(path for path in listing(target) if matches(target, path)) if target.pattern else []
        if target.pattern and not paths:
            notices.append(
                _note(consumer.manifest, f"${{file({target.written})}}: no file matches {target.path}")
            )
        for path in paths or ([] if target.pattern else [target.path]):
            if is_path_ignored(path, config) or path == consumer.manifest:
                continue
            if len(results) >= MAX_TARGETS:
                why = f"{path}: more than {MAX_TARGETS} file targets; not read"
                notices.append(Notice(consumer.manifest, NoticeKind.NOT_SCANNED, why))
                continue
            data = read(path)
            if data is None:
                why = f"${{file({target.written})}}: {path} is not in the repository (ignored by git?)"
                notices.append(_note(consumer.manifest, why))
            elif isinstance(data, Notice):
                results.append(ScanResult(path, None, notices=(data,)))
            else:
                results.append(scan_target(consumer, target, path, data, ruleset=ruleset, config=config))
    return results, notices


def scan_target(
    consumer: Consumer, target: FileTarget, path: str, data: bytes, *, ruleset: RuleSet, config: ScanConfig
) -> ScanResult:
    """A target file's findings, with the consuming manifest's fix."""
    # Serverless reads any other name as YAML too
    fmt = next((fmt for suffix, fmt in _FORMATS.items() if path.lower().endswith(suffix)), Format.YAML)
    platform = _TargetPlatform(consumer, target.role, fmt)
    return scan_file(path, data, ruleset=ruleset, config=config, choice=Choice(platform, fmt))


class _TargetPlatform:
    """The consumer's platform, seen from a file it reads: its naming, references, commands and hints."""

    def __init__(self, consumer: Consumer, role: Role, fmt: Format) -> None:
        self._consumer = consumer
        self._role = role
        self._platform = consumer.platform
        self.id = consumer.platform.id
        self.serverless_variables = consumer.platform.serverless_variables
        self.lambda_env = consumer.platform.lambda_env
        self.docs = consumer.platform.docs
        self.note = f"read by {consumer.manifest} through ${{file()}}"
        self.format = fmt

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return self.format

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return True

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        return False

    def site(self, doc: Document, path: KeyPath) -> Site:
        key = generic_key(doc, path)
        return Site(key, self._role if len(path) == 1 else Role.OTHER)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        return self._consumer.naming

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        return iter(())

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        return iter(())

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return self._platform.reference(secret_name, env, site)

    def secret_name(self, naming: Naming, key: str) -> str:
        return self._platform.secret_name(naming, key)

    def store_command(self, secret_name: str, env: str) -> str | None:
        return self._platform.store_command(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return self._platform.hint(secret_name, env, site)
