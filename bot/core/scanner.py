"""`scan_file`: bytes in, findings out. The one entry point of the pure core.

The steps, each cheap before the next: decide from the name and first bytes whether the file is a manifest
(most files are not, and cost nothing more); decode within limits; skip the rest when the raw text shows
that no finding is possible (`bot.core.prefilter`: most manifests hold no secret, and the tree is most of
the cost), after a syntax check that keeps the notices; parse into a position-carrying tree; let
the platform say what each value means and which literals other values point at; judge every string value
(`bot.core.judge`); turn hits into findings with a one-line fix (`bot.core.remediation`); drop what the
repository suppressed or allowlisted. A file that cannot be parsed is still read line by line, and the
result always says why a file was not fully scanned.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from bot.core.budget import Budget
from bot.core.config import ScanConfig, ScanLimits
from bot.core.decoding import decode_manifest
from bot.core.detect import Choice, choose
from bot.core.detectors import Detectors
from bot.core.emit import Emitter
from bot.core.errors import ManifestError
from bot.core.findings import (
    Finding,
    Notice,
    NoticeKind,
    ScanResult,
    Suppressed,
)
from bot.core.hosts import may_name_documentation_host, sample_host_values
from bot.core.judge import Candidate, Context, Hit, judge, may_hold_pairs
from bot.core.keypaths import KeyRedactor
from bot.core.linescan import line_document
from bot.core.manifests.base import Format, Naming, Role, Site, Target, is_self_parsing
from bot.core.manifests.common import scalar_advice
from bot.core.manifests.intrinsics import ArgRole, joined_text, visit_strings
from bot.core.manifests.jscode import load_code
from bot.core.perfile import one_file
from bot.core.prefilter import may_hold_finding
from bot.core.references import analyze
from bot.core.rulemodel import TokenMatch
from bot.core.rules import RuleSet
from bot.core.tree import Document, KeyPath, Node, Scalar, Style
from bot.core.unparsed import unparsed_settings
from bot.core.yamlsafe import load_yaml
from bot.core.yamlsafe import quick_check as yaml_quick_check

_Consumers = dict[int, dict[KeyPath, list[Target]]]  # per document: the targets at each path
_Outcome = tuple[tuple[Finding, ...], int, tuple[Notice, ...]]  # listed findings, omitted count, notices
# Outcomes after which the text is still safe to read line by line (not binary, not over the size limit).
_LINE_SCAN_KINDS = (
    NoticeKind.PARSE_ERROR,
    NoticeKind.ALIAS_LIMIT,
    NoticeKind.DEPTH_LIMIT,
    NoticeKind.INVALID_UTF8,
)
_ENV_ROLES = (Role.ENV_VAR, Role.SHARED_ENV)
Parsed = tuple[Choice, Sequence[Document]]  # a file's platform choice and its documents, as `parse` made them
_MIN_NUMERIC_SECRET = 6  # shorter integers are ports, sizes and timeouts


class _Gates(NamedTuple):
    """Which of the cheap necessary conditions a value passed (`_FileScan._judged`)."""

    tokens: bool  # its source overlaps a whole-file token match, or escapes may hide one
    keyed: bool  # a keyed rule may judge it under its key or a consumer's
    advice: bool  # per-value advice may be due


def _may_hold_pair_marker(text: str) -> bool:
    """What every text `bot.core.judge.may_hold_pairs` accepts holds (an assignment, a `key: value` line, a
    command line's option, a JSON field), tested first: most values hold none (issue 16;
    tests/core/test_value_gates.py checks it against `may_hold_pairs`)."""
    return "=" in text or ": " in text or '":' in text or "--" in text


def scan_file(
    path: str,
    data: bytes,
    *,
    ruleset: RuleSet,
    config: ScanConfig,
    prefilter: bool = True,
    choice: Choice | None = None,
    parsed: list[Parsed] | None = None,
) -> ScanResult:
    """Findings and notices for one file; `platform` is None when the file is not a manifest we know.

    Never raises: a defect of the scanner on some input is a notice and a line-by-line read of the file,
    never a file without findings (see `_after_internal_error`).

    `prefilter=False` parses every manifest, even one that `bot.core.prefilter` proves cannot hold a
    finding: the results are the same (bench/prefilter_check.py asserts it), only slower.
    `choice` overrides the platform: a `${file()}` target is read as its consumer's (bot.core.filetargets).
    `parsed`, when given, receives the platform choice and documents of a file parsed by its format, so that
    a caller that needs them too (its `${file()}` targets) does not parse the file again (issue 16)."""
    try:
        with one_file():
            return _scan_file(
                path, data, ruleset=ruleset, config=config, prefilter=prefilter, choice=choice, parsed=parsed
            )
    except Exception as error:
        return _after_internal_error(path, data, ruleset, config, type(error).__name__)


def _after_internal_error(
    path: str, data: bytes, ruleset: RuleSet, config: ScanConfig, error: str
) -> ScanResult:
    """The line scan's findings after the scanner raised `error` (a type name: a message can quote content),
    with a notice that marks the file incomplete; if even that fails, a notice that it was not scanned."""
    platform_id = "unknown"
    try:
        choice = choose(path, data, config.extra_manifests)
        if choice is None:
            raise ManifestError(NoticeKind.INTERNAL_ERROR, "not a manifest")
        platform_id = choice.platform.id
        text = data[: config.limits.max_bytes].decode("utf-8", errors="replace").removeprefix("\ufeff")
        scan = _FileScan(path, choice, text, ruleset, config, prefilter=False)
        findings, omitted, notices = scan.line_scan()
    except Exception as second:
        message = f"the scanner failed ({error}, then {type(second).__name__}); the file was not scanned"
        return ScanResult(path, platform_id, notices=(Notice(path, NoticeKind.INTERNAL_ERROR, message),))
    message = f"the scanner failed ({error}); the file was scanned line by line for secrets instead"
    notice = Notice(path, NoticeKind.INTERNAL_ERROR, message)
    return ScanResult(path, platform_id, findings, (notice, *notices), omitted, scan.suppressed())


def _scan_file(
    path: str,
    data: bytes,
    *,
    ruleset: RuleSet,
    config: ScanConfig,
    prefilter: bool,
    choice: Choice | None,
    parsed: list[Parsed] | None,
) -> ScanResult:
    choice = choice or choose(path, data, config.extra_manifests)
    if choice is None:
        return ScanResult(path, None)
    platform_id = choice.platform.id
    try:
        text = decode_manifest(data, config.limits)
    except ManifestError as error:
        if error.kind is not NoticeKind.INVALID_UTF8:
            return ScanResult(
                path, platform_id, notices=(Notice(path, error.kind, error.message, error.line),)
            )
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        return _FileScan(path, choice, text, ruleset, config, prefilter=prefilter).after_failure(error)
    scan = _FileScan(path, choice, text, ruleset, config, prefilter=prefilter)
    if scan.hopeless and _parses_quietly(choice, text, config.limits):
        return ScanResult(path, platform_id)
    try:
        if is_self_parsing(choice.platform):
            docs = choice.platform.load(text, config.limits)
        else:
            docs = parse(choice.format, text, config.limits)
            if parsed is not None:
                parsed.append((choice, docs))
    except ManifestError as error:
        return scan.after_failure(error)
    if not choice.platform.confirms(path, docs):
        return ScanResult(path, None)
    if choice.platform.is_encrypted(docs) or scan.hopeless:
        return ScanResult(path, platform_id)
    findings, omitted, notices = scan.findings(docs)
    legacy = scan.legacy_notices()
    return ScanResult(path, platform_id, findings, (*notices, *legacy), omitted, suppressed=scan.suppressed())


def _parses_quietly(choice: Choice, text: str, limits: ScanLimits) -> bool:
    """Whether a parse would raise no notice, judged without building a tree (see `bot.core.prefilter`
    for why a TOML file is not checked)."""
    if choice.format is Format.YAML:
        return yaml_quick_check(text, limits)
    if choice.format is Format.JSON:
        from bot.core.jsonpos import quick_check as json_quick_check  # see `parse`

        return json_quick_check(text, limits)
    return choice.format is Format.TOML


def parse(fmt: Format, text: str, limits: ScanLimits) -> list[Document]:
    # The JSON and TOML readers are imported when a file needs them: a scan of one YAML file paid for
    # importing both, and tomllib, at start-up (issue 16).
    if fmt is Format.YAML:
        return load_yaml(text, limits)
    if fmt is Format.JSON:
        from bot.core.jsonpos import load_json

        return [load_json(text, limits, allow_comments=True)]
    if fmt is Format.TOML:
        from bot.core.tomlpos import load_toml

        return [load_toml(text, limits)]
    return [load_code(text)]


class _FileScan:
    def __init__(
        self, path: str, choice: Choice, text: str, ruleset: RuleSet, config: ScanConfig, *, prefilter: bool
    ) -> None:
        self.path = path
        self.platform = choice.platform
        self.fmt = choice.format
        self.text = text
        self.ruleset = ruleset
        self.config = config
        self.detectors = Detectors(ruleset, text)
        # Without a whole-text match or an escape, no value can hold a token either: its text is in the file.
        self.tokens_possible = bool(self.detectors.unclaimed()) or "\\" in text
        # True when no finding can come out of this text: it is then parsed only if a notice may be due.
        self.hopeless = prefilter and not may_hold_finding(text, self.platform.id, ruleset, self.detectors)
        self.budget = Budget(config.limits.max_work)
        self._may_judge_key = self.detectors.may_judge_key  # once per value: bound once (issue 16)
        self._sample_mappings: dict[
            int, set[KeyPath]
        ] = {}  # per document: values a documentation host beside them speaks for

    @functools.cached_property
    def lines(self) -> list[str]:
        lines = self.text.split("\n")
        if "\r" not in self.text:  # most files: no line to trim (issue 16)
            return lines
        return [line.removesuffix("\r") for line in lines]

    @functools.cached_property
    def line_starts(self) -> list[int]:
        # Each line's length plus its `\n`, summed in C rather than by a generator per line (issue 16).
        # Without a `\r`, `lines` is the text split at `\n` as it is: one split serves both (issue 16).
        raw = self.lines if "\r" not in self.text else self.text.split("\n")
        lengths = map(operator.add, map(len, raw), itertools.repeat(1))
        return list(itertools.accumulate(lengths, initial=0))

    @functools.cached_property
    def emit(self) -> Emitter:
        keys = KeyRedactor(self.ruleset)
        lines, starts = self.lines, self.line_starts
        return Emitter(self.path, self.platform, self.fmt, self.text, lines, starts, self.config, keys)

    def legacy_notices(self) -> tuple[Notice, ...]:
        """The emitter's notices about legacy allowlist entries. An `Emitter` that was never made has none
        (they are added only as it emits a finding), so a file without findings never makes one (issue 16:
        making one read the whole text)."""
        return tuple(self.emit.legacy_notices.values()) if "emit" in self.__dict__ else ()

    def suppressed(self) -> tuple[Suppressed, ...]:
        """The findings an inline ignore comment hid; none when no `Emitter` was made (see above)."""
        return tuple(self.emit.suppressed) if "emit" in self.__dict__ else ()

    def after_failure(self, error: ManifestError) -> ScanResult:
        """A notice for what went wrong, and the secrets a line-by-line read still finds."""
        findings: tuple[Finding, ...] = ()
        omitted, notices = 0, tuple[Notice, ...]()
        legacy: tuple[Notice, ...] = ()
        suppressed: tuple[Suppressed, ...] = ()
        message = error.message
        if error.kind in _LINE_SCAN_KINDS:
            if not self.hopeless:
                findings, omitted, notices = self.line_scan()
                legacy = self.legacy_notices()
                suppressed = self.suppressed()
            message = f"{message}; the file was scanned line by line for secrets instead"
        notice = Notice(self.path, error.kind, message, error.line)
        return ScanResult(
            self.path, self.platform.id, findings, (notice, *notices, *legacy), omitted, suppressed=suppressed
        )

    def line_scan(self) -> _Outcome:
        """The file read line by line (`bot.core.linescan`), without fixes (its nesting is unknown)."""
        doc = line_document(self.text, self.ruleset)
        return self._settled(self._judged([doc], Naming(), {}, fixable=False))

    def findings(self, docs: Sequence[Document]) -> _Outcome:
        naming = self.platform.naming(self.path, docs)
        consumers: _Consumers = {}
        for target in self.platform.targets(docs):
            consumers.setdefault(target.doc_index, {}).setdefault(target.path, []).append(target)
        found = list(self._judged(docs, naming, consumers, fixable=True))
        outside = self._outside_values()
        if outside:  # `Emitter.outside_values` of none is none: most files need no `Emitter` (issue 16)
            found.extend(self.emit.outside_values(outside))
        for advice in self.platform.advice(docs, naming):
            found.extend(self.emit.advice(advice))
        return self._settled(found)

    def _outside_values(self) -> list[TokenMatch]:
        """Tokens in comments or keys, and settings the parser does not see (`bot.core.unparsed`) where no
        token is."""
        tokens = self.detectors.unclaimed()
        if self.fmt not in (Format.YAML, Format.TOML, Format.JSON):
            return tokens
        unparsed = unparsed_settings(self.text, self.detectors)
        return tokens + [
            match for match in unparsed if not self.detectors.overlaps_token(match.start, match.end)
        ]

    def _settled(self, found: list[Finding]) -> _Outcome:
        """The listed findings, how many more there are, and the notices that say what was left out."""
        # `Emitter.settled` of no findings is none, and none left out (issue 16: see `legacy_notices`)
        findings, omitted = self.emit.settled(found) if found else ([], 0)
        notices: list[Notice] = []
        if omitted:
            message = f"{omitted} more findings not listed (at most {len(findings)} are listed per file)"
            notices.append(Notice(self.path, NoticeKind.TRUNCATED, message))
        if self.budget.exhausted:
            message = (
                f"the file needed more work than its budget ({self.config.limits.max_work:,} units) and was "
                "not judged to its end; the findings listed come from the part that was"
            )
            notices.append(Notice(self.path, NoticeKind.BUDGET, message))
        return tuple(findings), omitted, tuple(notices)

    def _judged(
        self, docs: Sequence[Document], naming: Naming, consumers: _Consumers, *, fixable: bool
    ) -> list[Finding]:
        """Findings for every value of `docs`, and for the tokens only their `!Join`s make.

        The cheap necessary conditions of `_value` are asked here, in the walk, with what they need bound
        once per file: most values pass none, and the call per value and its lookups were saved (issue 16).
        Each test is the one `_value` made; `_may_hold_token` is always asked when tokens are possible, as
        it marks the whole-file matches a value claims."""
        found: list[Finding] = []
        spend, name, value_role = self.budget.spend, ArgRole.NAME, ArgRole.VALUE
        site_of, may_judge_key = self.platform.site, self._may_judge_key
        tokens_possible, may_hold_token = self.tokens_possible, self._may_hold_token
        for index, doc in enumerate(docs):
            joins: dict[int, tuple[Node, KeyPath]] = {}
            doc_consumers = consumers.get(index)
            for path, scalar, role, join, join_path in visit_strings(doc.root):
                if role is name:
                    continue
                if not spend(scalar):
                    return found
                if join is not None:
                    joins[id(join)] = (join, join_path)
                text = scalar.value
                if type(text) is not str:  # `visit_strings` yields strings and integers only
                    written = self._as_written(scalar)
                    if written is None:
                        continue
                    scalar, text = written, str(written.value)
                site = site_of(doc, path)
                consumed = doc_consumers.get(path) if doc_consumers else None
                targets = tuple(consumed) if consumed else ()
                tokens = tokens_possible and may_hold_token(scalar)
                keyed = role is value_role and (
                    may_judge_key(site.key) or (bool(targets) and self._may_judge_targets(targets))
                )
                pairs = site.pairs or (_may_hold_pair_marker(text) and may_hold_pairs(text))
                # `_may_need_advice` needs one of these (issue 16: it is asked of every value)
                advice = (
                    fixable and ("~" in text or site.role in _ENV_ROLES) and self._may_need_advice(text, site)
                )
                if tokens or keyed or pairs or advice:
                    gates = _Gates(tokens, keyed, advice)
                    found.extend(self._value(index, doc, path, scalar, site, targets, gates, naming, fixable))
            for join, join_path in joins.values():
                found.extend(self._joined(index, doc, join, join_path, naming))
        return found

    def _value(
        self,
        index: int,
        doc: Document,
        key_path: KeyPath,
        scalar: Scalar,
        site: Site,
        targets: tuple[Target, ...],
        gates: _Gates,
        naming: Naming,
        fixable: bool,
    ) -> list[Finding]:
        """Findings for one value that passed one of the cheap necessary conditions in `_judged`."""
        text = str(scalar.value)
        analysis = analyze(text)
        if analysis.is_ciphertext:
            return []
        keyed = gates.keyed
        sample = keyed and self._beside_sample_host(index, doc, key_path)
        candidate = Candidate(index, key_path, scalar, site, targets, sample_host=sample)
        hits = [
            hit
            for hit in judge(candidate, analysis, self.detectors, tokens=gates.tokens, keyed=keyed)
            if self.emit.enabled(hit.rule.id)
        ]
        found = (
            list(self.emit.secrets(hits, naming, whole_literal=analysis.is_literal, fixable=fixable))
            if hits
            else []
        )
        if gates.advice:
            for item in scalar_advice(
                self.platform, index, key_path, scalar, site, analysis, naming, bool(hits)
            ):
                found.extend(self.emit.advice(item))
        return found

    def _beside_sample_host(self, index: int, doc: Document, key_path: KeyPath) -> bool:
        """Whether a documentation host beside the value speaks for it (`bot.core.hosts`); the document's
        mappings are read once, on the first value that asks."""
        found = self._sample_mappings.get(index)
        if found is None:
            named = self._names_documentation_host
            found = self._sample_mappings[index] = sample_host_values(doc.root) if named else set()
        return bool(found) and key_path in found

    @functools.cached_property
    def _names_documentation_host(self) -> bool:
        """`may_name_documentation_host` of the file, asked once per file rather than per document."""
        return may_name_documentation_host(self.text)

    def _as_written(self, scalar: Scalar) -> Scalar | None:
        """An integer scalar as the text written in the file, when it is long enough to be a password."""
        if scalar.start.line != scalar.end.line or scalar.start.line > len(self.lines):
            return None
        raw = self.lines[scalar.start.line - 1][scalar.start.column - 1 : scalar.end.column - 1]
        return dataclasses.replace(scalar, value=raw) if len(raw) >= _MIN_NUMERIC_SECRET else None

    def _may_hold_token(self, scalar: Scalar) -> bool:
        """Whether the scalar's source overlaps a whole-file token match (or hides one behind escapes)."""
        starts = self.line_starts
        if scalar.end.line > len(starts):
            return True
        start = starts[scalar.start.line - 1] + scalar.start.column - 1
        end = starts[scalar.end.line - 1] + scalar.end.column - 1
        if self.detectors.may_hold_token(start, end):
            return True
        return scalar.style is not Style.PLAIN and self.text.find("\\", start, end) >= 0

    def _may_need_advice(self, text: str, site: Site) -> bool:
        """Cheap necessary conditions of `scalar_advice`, so that most values skip reference analysis."""
        if self.platform.serverless_variables and "~" in text:
            return True
        if site.role is Role.SHARED_ENV:
            return True
        return site.role is Role.ENV_VAR and "ssm-secure" in text

    def _may_judge_targets(self, targets: tuple[Target, ...]) -> bool:
        """Whether a keyed rule may judge the value under a consumer's key (a whole-value reference)."""
        may_judge = self._may_judge_key
        return any(target.whole and may_judge(target.consumer) for target in targets)

    def _joined(
        self, index: int, doc: Document, join: Node, join_path: KeyPath, naming: Naming
    ) -> Iterable[Finding]:
        """Tokens that only appear once the literal parts of a `!Join` are put together."""
        joined = joined_text(join)
        if joined is None:
            return
        text, parts = joined
        for match in self.detectors.find_tokens(text):
            for offset, part, relative in parts:
                if offset <= match.start < offset + len(str(part.value)) and self.emit.enabled(match.rule.id):
                    path = (*join_path, *relative)
                    candidate = Candidate(index, path, part, self.platform.site(doc, path))
                    start, end = match.start - offset, min(match.end - offset, len(str(part.value)))
                    context = (
                        Context.LITERAL if (start, end) == (0, len(str(part.value))) else Context.FRAGMENT
                    )
                    hit = Hit(candidate, match.rule, start, end, context)
                    # A token split over parts keeps its other parts in any one-line fix: text advice only.
                    whole = match.start >= offset and match.end - offset <= len(str(part.value))
                    yield from self.emit.secrets([hit], naming, whole_literal=True, fixable=whole)
