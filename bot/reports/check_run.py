"""The check run a scan reports: conclusion, title, a readable summary and one annotation per finding.

GitHub caps every text field of a check run at 65,535 characters and refuses a request with more than 50
annotations; this module keeps each text under the cap (measured in UTF-8 bytes, which is stricter) and
leaves the batching of annotations to the edge. Only redacted previews appear; the value is not known here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.findings import Finding, Notice, NoticeKind, Severity, meets
from bot.reports.model import Annotation, CheckRunOutput

NAME = "Serverless secrets"
MAX_TEXT = 65_535
MAX_ANNOTATION_TITLE = 255
MAX_LISTED = 50  # notices, skipped files and config problems listed in the summary before "... and N more"

_LEVELS = {Severity.HIGH: "failure", Severity.MEDIUM: "warning", Severity.LOW: "notice"}
_TABLE_HEAD = "| File | Line | What | Value | Fix |\n| --- | ---: | --- | --- | --- |"


@dataclass(frozen=True)
class CheckContext:
    fail_on: str = "medium"
    leaked: bool = False  # a secret reached the default branch or a pushed commit
    config_problems: tuple[str, ...] = ()
    config_changed: bool = False  # the pull request edits .github/secrets-bot.yml
    skipped: tuple[str, ...] = ()  # files not scanned, each with its reason
    files_scanned: int = 0


def render_check_run(
    findings: Sequence[Finding], notices: Sequence[Notice], context: CheckContext
) -> tuple[str, CheckRunOutput]:
    """(conclusion, output) for a scan that finished."""
    ordered = sorted(findings, key=Finding.sort_key)
    tail = _tail(notices, context)
    output = CheckRunOutput(
        title=_title(len(ordered)),
        summary=_summary(ordered, context, tail),
        text=_details(ordered) if ordered else None,
        annotations=tuple(_annotation(finding) for finding in ordered),
    )
    return conclusion_for(ordered, context.fail_on), output


def render_failed_scan(reason: str) -> CheckRunOutput:
    """For a scan that could not finish: says so plainly, so the check never stays in progress."""
    summary = (
        "The scan could not finish, so this commit was **not** checked for hard-coded secrets.\n\n"
        f"Reason: {_one_line(reason)}\n\n"
        "Push again or comment `/secrets-bot rescan` on the pull request to retry."
    )
    return CheckRunOutput(title="Scan could not finish", summary=clip(summary, MAX_TEXT))


def conclusion_for(findings: Sequence[Finding], fail_on: str) -> str:
    if any(meets(finding.severity, fail_on) for finding in findings):
        return "failure"
    return "neutral" if findings else "success"


def clip(text: str, limit: int) -> str:
    """`text` cut on a line boundary so that its UTF-8 encoding fits `limit` bytes, saying that it was cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    note = "\n\n_(truncated: the full list is in the annotations)_"
    budget = limit - len(note.encode("utf-8"))
    head = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    cut = head.rfind("\n")
    return (head[:cut] if cut > 0 else head) + note


def _title(count: int) -> str:
    if count == 0:
        return "No hard-coded secrets"
    return f"{count} hard-coded secret{'s' if count != 1 else ''} found"


def _summary(findings: Sequence[Finding], context: CheckContext, tail: str) -> str:
    files = len({finding.path for finding in findings})
    scanned = f"{context.files_scanned} manifest file{'s' if context.files_scanned != 1 else ''}"
    if findings:
        lead = f"Found {_title(len(findings)).removesuffix(' found')} in {files} of {scanned} scanned."
    else:
        lead = f"Scanned {scanned}: no hard-coded secrets found."
    head = lead + ("\n\n" + _leak_warning() if context.leaked and findings else "")
    budget = MAX_TEXT - len((head + tail).encode("utf-8")) - 200
    table = _table(findings, budget) if findings else ""
    return clip("\n\n".join(part for part in (head, table, tail) if part), MAX_TEXT)


def _leak_warning() -> str:
    return (
        "> [!CAUTION]\n"
        "> These values are in a pushed commit, so they are exposed in the repository history. Rotate each "
        "secret (revoke it and issue a new one) before anything else: removing it from the file does not "
        "make it safe again."
    )


def _table(findings: Sequence[Finding], budget: int) -> str:
    rows: list[str] = []
    used = len(_TABLE_HEAD)
    for index, finding in enumerate(findings):
        row = _row(finding)
        if used + len(row.encode("utf-8")) + 1 > budget:
            rest = len(findings) - index
            rows.append(f"\n_... and {rest} more finding{'s' if rest != 1 else ''}, shown as annotations._")
            break
        rows.append(row)
        used += len(row.encode("utf-8")) + 1
    return "\n".join([_TABLE_HEAD, *rows])


def _row(finding: Finding) -> str:
    what = f"**{finding.severity.value}** {_cell(finding.message)}"
    what += f" in {_code(finding.key)}" if finding.key else ""
    remediation = finding.remediation
    fix = ""
    if remediation is not None and remediation.replacement:
        fix = _code(_shorten(remediation.replacement.strip(), 80))
    if remediation is not None and remediation.docs:
        fix = f"{fix} [docs]({remediation.docs})".strip()
    cells = (
        _code(finding.path),
        str(finding.line),
        what,
        _code(finding.redacted),
        fix or "see the annotation",
    )
    return "| " + " | ".join(cells) + " |"


def _tail(notices: Sequence[Notice], context: CheckContext) -> str:
    legacy = [notice for notice in notices if notice.kind is NoticeKind.LEGACY_FINGERPRINT]
    sections = [
        _listing(
            "Files not fully scanned",
            [_notice_line(n) for n in notices if n.kind is not NoticeKind.LEGACY_FINGERPRINT],
        ),
        _listing("Allowlist entries to update", [_notice_line(notice) for notice in legacy]),
        _listing("Skipped", [_code(reason) for reason in context.skipped]),
        _listing("Configuration problems", [_cell(problem) for problem in context.config_problems]),
    ]
    if context.config_changed:
        sections.append(
            "This pull request changes `.github/secrets-bot.yml`; the configuration from the base branch was "
            "used, so a change cannot switch off its own check."
        )
    if context.fail_on == "never":
        sections.append("This repository's `fail_on: never` keeps the check from failing.")
    else:
        sections.append(f"The check fails on findings of severity `{context.fail_on}` or higher.")
    return "\n\n".join(section for section in sections if section)


def _listing(heading: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    shown = [f"- {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(f"- ... and {len(items) - MAX_LISTED} more")
    return f"### {heading}\n" + "\n".join(shown)


def _notice_line(notice: Notice) -> str:
    where = f"{_code(notice.path)}" + (f" line {notice.line}" if notice.line else "")
    return f"{where}: {_cell(notice.message)} ({notice.kind.value})"


def _details(findings: Sequence[Finding]) -> str:
    blocks = [_detail(finding) for finding in findings]
    return clip("## How to fix each finding\n\n" + "\n\n".join(blocks), MAX_TEXT)


def _detail(finding: Finding) -> str:
    lines = [f"#### {_code(finding.path)} line {finding.line}: {_cell(finding.message)}"]
    remediation = finding.remediation
    if remediation is not None and remediation.store_command:
        lines += ["Store the value outside the repository:", _fenced(remediation.store_command, "shell")]
    if remediation is not None and remediation.replacement:
        lines += ["Then reference it instead of the literal:", _fenced(remediation.replacement, "")]
    if remediation is not None and remediation.runtime_hint:
        lines.append(_one_line(remediation.runtime_hint))
    if remediation is not None and remediation.docs:
        lines.append(f"Docs: {remediation.docs}")
    return "\n".join(lines)


def _annotation(finding: Finding) -> Annotation:
    return Annotation(
        path=finding.path,
        start_line=finding.line,
        end_line=max(finding.end_line, finding.line),
        level=_LEVELS[finding.severity],
        title=_shorten(f"Hard-coded secret: {finding.rule}", MAX_ANNOTATION_TITLE),
        message=clip(_annotation_message(finding), MAX_TEXT),
    )


def _annotation_message(finding: Finding) -> str:
    lines = [f"{finding.message} (value {finding.redacted})."]
    remediation = finding.remediation
    if remediation is not None and remediation.replacement:
        lines.append(f"Fix: replace the line with: {remediation.replacement.strip()}")
    if remediation is not None and remediation.store_command:
        lines.append(f"Store the value first: {remediation.store_command}")
    if remediation is not None and remediation.docs:
        lines.append(f"Docs: {remediation.docs}")
    return "\n".join(lines)


def _fenced(text: str, language: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def _code(text: str) -> str:
    """A Markdown code span that survives backticks and table pipes in repository-supplied text."""
    text = _one_line(text).replace("|", "\\|")
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
