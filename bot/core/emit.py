"""Turning hits and advice into `Finding`s: location, message, redaction, fingerprint and fix.

This is the last place a secret value is seen: it goes into the redacted preview and the keyed fingerprint
and nowhere else. The repository's allowlist is applied here, before a finding exists; a finding that an
inline ignore comment covers is kept apart (`Emitter.suppressed`) so that a new waiver can be shown; an alias
that repeats a node is reported once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from bot.core.advisories import ADVISORY_DOCS
from bot.core.config import ScanConfig
from bot.core.findings import (
    Finding,
    Notice,
    NoticeKind,
    Remediation,
    Severity,
    Suppressed,
    fingerprint,
    is_legacy_fingerprint,
    legacy_fingerprint,
    redact,
)
from bot.core.folding import FoldedLines
from bot.core.judge import Candidate, Context, Hit
from bot.core.keypaths import KeyRedactor
from bot.core.linear import encodable
from bot.core.manifests.base import Advice, Format, Naming, Platform, Role, Target
from bot.core.references import describe
from bot.core.remediation import FixContext, LineBreaks, fix_scalar, locate, rewrite_line
from bot.core.rules import TokenMatch
from bot.core.sharedlines import settle_shared_lines
from bot.core.suppressions import Comments, ignore_comment_line, is_allowlisted
from bot.core.tree import Scalar, Style, dotted

_ENV_ROLES = (Role.ENV_VAR, Role.SHARED_ENV)
_FOLDED_STYLES = (Style.PLAIN, Style.SINGLE, Style.DOUBLE, Style.FOLDED)


class Emitter:
    def __init__(
        self,
        path: str,
        platform: Platform,
        fmt: Format,
        text: str,
        lines: list[str],
        line_starts: Sequence[int],
        config: ScanConfig,
        keys: KeyRedactor,
    ) -> None:
        self.path = path
        self.platform = platform
        self.fmt = fmt
        self.text = text
        self.lines = lines  # `text` split at `\n`, each line without its `\r`: the scan's own (issue 16)
        self.line_starts = line_starts
        self.config = config
        self.keys = keys
        self.seen: set[tuple[int, int, int, str]] = set()
        self._secrets: dict[int, str] = {}  # id(finding) -> its secret, for `settled` only
        self._legacy = frozenset(filter(is_legacy_fingerprint, config.allowlist.fingerprints))
        self.legacy_notices: dict[str, Notice] = {}  # legacy allowlist entry -> "replace it with ..."
        self.comments = Comments.HASH if fmt in (Format.YAML, Format.TOML) else Comments.SLASH
        self.suppressed: list[Suppressed] = []  # findings an inline ignore comment hides
        # id(finding) -> (key path as written, value) of a finding whose fingerprint `settled` computes: only
        # the listed findings pay for one (see `_print`).
        self._unprinted: dict[int, tuple[str, str]] = {}

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.config.disabled_rules

    def settled(self, findings: Sequence[Finding]) -> tuple[list[Finding], int]:
        """The file's most severe findings, at most `max_findings` of them, with their fingerprints and with
        replacement lines that fix every secret on their lines (or none); and how many were left out."""
        ranked = sorted(findings, key=lambda finding: (-finding.severity.rank, finding.sort_key()))
        listed = ranked[: self.config.limits.max_findings]
        settled = settle_shared_lines(listed, self.lines, self._secrets, findings)
        done = [self._printed(original, finding) for original, finding in zip(listed, settled, strict=True)]
        self._reveal(listed, done)
        self._secrets.clear()
        self._unprinted.clear()
        return sorted(done, key=Finding.sort_key), len(findings) - len(listed)

    def _reveal(self, listed: Sequence[Finding], done: Sequence[Finding]) -> None:
        """Each listed secret with its value, to the caller's `reveal` hook (verification), if any."""
        reveal = self.config.reveal
        if reveal is None:
            return
        for original, finding in zip(listed, done, strict=True):
            value = self._secrets.get(id(original))
            if value is not None:
                reveal(finding, value)

    def _print(self, key: str, rule: str, value: str) -> str:
        """The fingerprint now when the allowlist needs it to decide; else "" until `settled` lists it."""
        if self.config.allowlist.fingerprints:
            return self._fingerprint(key, rule, value)
        return ""

    def _printed(self, original: Finding, finding: Finding) -> Finding:
        pending = self._unprinted.get(id(original))
        if pending is None or finding.fingerprint:
            return finding
        key, value = pending
        return finding._replace(fingerprint=self._fingerprint(key, finding.rule, value))

    def _kept(self, finding: Finding, value: str, key: str, *, secret: bool = True) -> Finding:
        if secret:
            self._secrets[id(finding)] = value
        self._unprinted[id(finding)] = (key, value)
        return finding

    def secrets(
        self, hits: list[Hit], naming: Naming, *, whole_literal: bool, fixable: bool
    ) -> Iterable[Finding]:
        context = FixContext(self.platform, self.fmt, self.lines, naming)
        scalar = hits[0].candidate.scalar
        folded = FoldedLines(scalar, self.lines) if _is_folded(scalar) else None
        breaks = LineBreaks(hits[0].candidate.text)  # the hits' value's newlines, found once if asked
        for hit, remediation in zip(
            hits, fix_scalar(context, hits, whole_literal=whole_literal), strict=True
        ):
            line, column, end_line = locate(hit, self.lines, breaks)
            placed = (
                folded.place(hit.value, hit.start)
                if folded is not None and line == scalar.start.line
                else None
            )
            if placed is not None and not _is_whole(hit):
                line, column = placed
                end_line = line
            fix = remediation
            if not fixable or (line, end_line) != (scalar.start.line, scalar.end.line):
                fix = remediation._replace(replacement=None)
            key = dotted(hit.candidate.path)
            shown = self.keys.path(hit.candidate.path)
            value = hit.value
            print_ = self._print(key, hit.rule.id, value)
            if self._dropped((line, column, hit.start, hit.rule.id), value, print_, key):
                continue
            finding = Finding(
                path=self.path,
                line=line,
                column=column,
                end_line=end_line,
                key=shown,
                rule=hit.rule.id,
                severity=hit.rule.severity,
                message=self._message(hit, shown),
                redacted=redact(encodable(value)),
                fingerprint=print_,
                remediation=fix,
                platform=self.platform.id,
                extra=self._facts(hit),
            )
            if not self._waived(finding, value, key):
                yield self._kept(finding, value, key)

    def outside_values(self, matches: Iterable[TokenMatch]) -> Iterable[Finding]:
        """Provider-format tokens in comments or keys: committed all the same, and invisible to parsers."""
        for match in matches:
            if not self.enabled(match.rule.id):
                continue
            value = self.text[match.start : match.end]
            line = bisect_right(self.line_starts, match.start)
            end_line = bisect_right(self.line_starts, max(match.start, match.end - 1))
            column = match.start - self.line_starts[line - 1] + 1
            print_ = self._print("", match.rule.id, value)
            if self._dropped((line, column, 0, match.rule.id), value, print_, ""):
                continue
            first, last = self.lines[line - 1], self.lines[end_line - 1]
            tail = match.end - self.line_starts[end_line - 1]
            replacement = first[: column - 1] + "<removed>" + last[tail:]
            hint = (
                "Rotate the exposed value and delete it from the file: a comment is committed like any value."
            )
            finding = Finding(
                path=self.path,
                line=line,
                column=column,
                end_line=end_line,
                key="",
                rule=match.rule.id,
                severity=match.rule.severity,
                message=f"{match.rule.description} outside any value (in a comment or a key)",
                redacted=redact(encodable(value)),
                fingerprint=print_,
                remediation=Remediation(replacement, None, match.rule.docs or self.platform.docs, hint),
                platform=self.platform.id,
                extra=(("context", "comment"),),
            )
            if not self._waived(finding, value, ""):
                yield self._kept(finding, value, "")

    def advice(self, advice: Advice) -> Iterable[Finding]:
        if not self.enabled(advice.rule):
            return
        node = advice.node
        key = dotted(advice.path)
        value = node.value if isinstance(node, Scalar) and isinstance(node.value, str) else key
        print_ = self._print(key, advice.rule, value)
        if self._dropped((node.start.line, node.start.column, 0, advice.rule), value, print_, key):
            return
        replacement = None
        if advice.replacement_value is not None and isinstance(node, Scalar):
            replacement = rewrite_line(self.lines, node, advice.replacement_value, self.fmt)
        finding = Finding(
            path=self.path,
            line=node.start.line,
            column=node.start.column,
            end_line=node.end.line if isinstance(node, Scalar) else node.start.line,
            key=self.keys.path(advice.path),
            rule=advice.rule,
            severity=Severity.LOW,
            message=advice.message,
            redacted="",  # advice is about a name or a reference, not a secret: there is no value to preview
            fingerprint=print_,
            remediation=Remediation(replacement, None, ADVISORY_DOCS[advice.rule], advice.hint),
            platform=self.platform.id,
            extra=advice.extra,
        )
        if not self._waived(finding, value, key):
            yield self._kept(finding, value, key, secret=False)

    def _waived(self, finding: Finding, value: str, key: str) -> bool:
        """Whether an inline ignore comment covers the finding: it is then kept apart, not reported, with its
        fingerprint (a new waiver is told from an old one by it)."""
        comment = ignore_comment_line(self.lines, finding.line, finding.rule, self.comments)
        if comment is not None:
            printed = finding.fingerprint or self._fingerprint(key, finding.rule, value)
            self.suppressed.append(Suppressed(finding._replace(fingerprint=printed), comment))
        return comment is not None

    def _fingerprint(self, key: str, rule_id: str, value: str) -> str:
        return fingerprint(
            path=self.path, key=key, rule=rule_id, value=value, fingerprint_key=self.config.fingerprint_key
        )

    def _dropped(self, place: tuple[int, int, int, str], value: str, print_: str, key: str) -> bool:
        """Allowlisted, or already reported at this place (an alias repeats a node)."""
        line, rule_id = place[0], place[3]
        if is_allowlisted(value=value, fingerprint=print_, config=self.config):
            return True
        if self._legacy_allowlisted(key, rule_id, value, print_, line):
            return True
        if place in self.seen:
            return True
        self.seen.add(place)
        return False

    def _legacy_allowlisted(self, key: str, rule_id: str, value: str, print_: str, line: int) -> bool:
        """An allowlist entry in the v1 format still hides its finding, with a notice naming its
        replacement. The v1 fingerprint costs a PBKDF2, so it is computed only when such entries exist."""
        if not self._legacy:
            return False
        old = legacy_fingerprint(path=self.path, key=key, rule=rule_id, value=value)
        if old not in self._legacy:
            return False
        message = (
            f"allowlist entry {old} is a legacy (v1) fingerprint: it still hides this {rule_id} finding; "
            f"replace it with {print_}"
        )
        self.legacy_notices.setdefault(old, Notice(self.path, NoticeKind.LEGACY_FINGERPRINT, message, line))
        return True

    def _facts(self, hit: Hit) -> tuple[tuple[str, str], ...]:
        facts = [("context", hit.context.value)]
        consumer = _main_consumer(hit.candidate)
        if consumer is not None:
            facts.append(("consumer", self.keys.segment(consumer.consumer)))
        return tuple(facts)

    def _message(self, hit: Hit, key: str) -> str:
        candidate = hit.candidate
        consumer = _main_consumer(candidate)
        if hit.context is Context.FALLBACK and hit.fallback is not None:
            where = f"in the literal fallback of {describe(hit.fallback.reference)} at {key}"
        elif consumer is not None:
            kind = "environment variable " if consumer.consumer_role in _ENV_ROLES else ""
            where = f"at {key}, consumed by {kind}{self.keys.segment(consumer.consumer)}"
        elif hit.context is Context.PAIR:
            where = f"in {key} ({self.keys.segment(hit.name)}=...)"
        else:
            where = f"in {key}"
        note = f"; {self.platform.note}" if self.platform.note else ""
        return f"{hit.rule.description} {where}{note}"


def _is_folded(scalar: Scalar) -> bool:
    """A multi-line scalar that YAML folds into one line (plain, quoted or `>`)."""
    return scalar.start.line != scalar.end.line and scalar.style in _FOLDED_STYLES


def _is_whole(hit: Hit) -> bool:
    text = hit.candidate.text
    return hit.start <= len(text) - len(text.lstrip()) and hit.end >= len(text.rstrip())


def _main_consumer(candidate: Candidate) -> Target | None:
    """The consumer to name in the message: an environment variable if any, else the first one."""
    others = [t for t in candidate.consumers if t.consumer != candidate.site.key or t.path != candidate.path]
    for target in others:
        if target.consumer_role in _ENV_ROLES:
            return target
    return others[0] if others else None
