"""The terminal report: grouped by file, one frame per finding, the fix right under it.

The frame never shows the source line, because that line holds the secret: it shows the line number, the
key and the redacted preview instead. Colour is the caller's decision (a terminal, and no NO_COLOR).

Repository text (paths, keys, commands built from them, notices) reaches terminals and CI logs: its control
characters (a newline in a file name, an escape sequence) are shown escaped (`\x0a`), so one field stays on
its line and paints nothing. No file name can give GitHub Actions a workflow command: a line that would
start with `::` (after spaces) starts with `\x3a\x3a` instead (`::add-mask::`, `::error::`), and `##[`,
the legacy form the runner honours anywhere in a line (`##[add-mask]`, `##[stop-commands]`), is shown as
`#\x23[` wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby

from bot.core.findings import Finding, Notice, ScanResult, Severity
from bot.reports import validity
from bot.reports.provenance import Provenance

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_GREEN = "\x1b[32m"
_SEVERITY_COLORS = {
    Severity.CRITICAL: "\x1b[1;41;97m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
}
_GUTTER = 8
_CONTROL = [*range(0x00, 0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0)]  # all but tab
_ESCAPED = {code: f"\\x{code:02x}" for code in _CONTROL} | {0x2028: "\\u2028", 0x2029: "\\u2029"}
_WORKFLOW_COMMAND = "::"
_LEGACY_COMMAND = "##["  # the runner finds this one anywhere in a line, not only at its start
_BY_RANK_DESC = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class _Style:
    def __init__(self, *, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def severity(self, severity: Severity) -> str:
        return self.paint(f"{severity.upper():<6}", _SEVERITY_COLORS[severity])

    def gutter(self, label: str) -> str:
        return self.paint(f"{label:>{_GUTTER}} |", _DIM)


def render_text(
    results: Sequence[ScanResult],
    *,
    color: bool,
    files_scanned: int | None = None,
    unreadable: int = 0,
    provenance: Mapping[Finding, Provenance] | None = None,
    commits: int | None = None,
) -> str:
    """Findings only; notices go to stderr through `render_notices_text`. `unreadable` counts the paths
    and files that could not be read or listed, which the summary line names. A history scan passes each
    finding's `provenance` and the number of `commits` walked."""
    style = _Style(color=color)
    origins = provenance or {}
    findings = sorted((f for result in results for f in result.findings), key=Finding.sort_key)
    blocks = [
        _file_block(path, list(group), style, origins)
        for path, group in groupby(findings, key=lambda f: f.path)
    ]
    scanned = len(results) if files_scanned is None else files_scanned
    summary = _summary(findings, files_scanned=scanned, style=style)
    if commits is not None:
        summary += f" History: {_plural(commits, 'commit')} walked."
    if unreadable:
        summary += style.paint(f" {_plural(unreadable, 'path')} could not be read (see the notices).", _BOLD)
    partial = sum(1 for result in results if not result.complete) - unreadable
    if partial > 0:
        summary += style.paint(f" {_plural(partial, 'file')} not scanned in full (see the notices).", _BOLD)
    return _no_workflow_commands("".join(blocks) + summary + "\n")


def _file_block(
    path: str, findings: list[Finding], style: _Style, origins: Mapping[Finding, Provenance]
) -> str:
    lines = [style.paint(_shown(path), _BOLD)]
    for finding in findings:
        lines.extend(_finding_frame(finding, style, origins.get(finding)))
    return "\n".join(lines) + "\n\n"


def _finding_frame(finding: Finding, style: _Style, origin: Provenance | None) -> list[str]:
    key_name = _shown(finding.key.rsplit(".", 1)[-1])
    redacted = _shown(finding.redacted)
    shown = f"{key_name}: {redacted}" if key_name else redacted
    where = f"{finding.line}:{finding.column}"
    lines = [
        f"  {where}  {style.severity(finding.severity)}  {finding.rule}  {_shown(finding.key)}",
        f"  {_shown(finding.message)}",
    ]
    if finding.redacted:  # advice carries no value to preview
        lines.append(f"{style.gutter(str(finding.line))} {shown}")
    said = validity.note(finding)
    if said:
        lines.append(f"{style.gutter('verified')} {style.paint(said, _BOLD)}")
    if origin is not None:
        lines.append(f"{style.gutter('commit')} {_origin(origin, style)}")
    remediation = finding.remediation
    if remediation is not None:
        # A finding deleted since has no line left to fix; rotating it is what remains.
        if remediation.replacement is not None and (origin is None or origin.in_head):
            # A fix over several lines is shown line by line, each line's own text escaped.
            fix = remediation.replacement.strip().split("\n") if remediation.replacement.strip() else []
            for index, part in enumerate(fix or ["delete this line"]):
                label = "fix" if index == 0 else ""
                lines.append(f"{style.gutter(label)} {style.paint(_shown(part), _GREEN)}")
        if remediation.runtime_hint is not None:  # rotation first, then the command
            lines.append(f"{style.gutter('runtime')} {_shown(remediation.runtime_hint)}")
        if remediation.store_command is not None:
            lines.append(f"{style.gutter('store')} {_shown(remediation.store_command)}")
        lines.append(f"{style.gutter('docs')} {_shown(remediation.docs)}")
    lines.append(f"{style.gutter('id')} {finding.fingerprint}")
    return lines


def _origin(origin: Provenance, style: _Style) -> str:
    """Where a history finding came from; one that is gone from HEAD is still leaked: rotate it."""
    state = (
        "(still in HEAD)"
        if origin.in_head
        else style.paint("(deleted since: still in the history, rotate it)", _BOLD)
    )
    return f"{origin.short} by {_shown(origin.author)}, {_shown(origin.author_date[:10])} {state}"


def _summary(findings: list[Finding], *, files_scanned: int, style: _Style) -> str:
    files = _plural(files_scanned, "file")
    if not findings:
        return style.paint(f"No secrets found in {files} scanned.", _GREEN)
    tally = {severity: sum(1 for f in findings if f.severity is severity) for severity in _BY_RANK_DESC}
    # `critical` only when some value was verified active: most scans never verify.
    counts = ", ".join(
        f"{count} {severity}"
        for severity, count in tally.items()
        if count or severity is not Severity.CRITICAL
    )
    affected = len({f.path for f in findings})
    return style.paint(
        f"{_plural(len(findings), 'finding')} ({counts}) in {affected} of {files} scanned.", _BOLD
    )


def render_notices_text(results: Iterable[ScanResult]) -> str:
    """One line per notice, for stderr: the reader must know which files were not fully understood."""
    notices = sorted((n for r in results for n in r.notices), key=lambda n: (n.path, n.line or 0))
    return _no_workflow_commands("".join(f"{_notice_line(notice)}\n" for notice in notices))


def _notice_line(notice: Notice) -> str:
    where = f"{notice.path}:{notice.line}" if notice.line is not None else notice.path
    return f"notice: {_shown(where)}: {notice.kind}: {_shown(notice.message)}"


def inert(text: str) -> str:
    """Repository text in a line of the caller's own (the pre-receive hook's reasons), made inert as here."""
    return _no_workflow_commands(_shown(text))


def _shown(text: str) -> str:
    """Repository text on one line, inert in a terminal: control characters escaped (`\\x0a`)."""
    return text.translate(_ESCAPED)


def _no_workflow_commands(text: str) -> str:
    """No line starts (after spaces) with `::` and none holds `##[`: GitHub Actions would take either as a
    workflow command."""
    lines = text.replace(_LEGACY_COMMAND, "#\\x23[").split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith(_WORKFLOW_COMMAND):
            lines[index] = line.replace(_WORKFLOW_COMMAND, "\\x3a\\x3a", 1)
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
