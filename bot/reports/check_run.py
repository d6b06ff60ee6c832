"""The check run a scan reports: conclusion, title, a readable summary and one annotation per finding.

GitHub caps every text field of a check run at 65,535 characters and refuses a request with more than 50
annotations; this module keeps each text under the cap (measured in UTF-8 bytes, which is stricter) and
leaves the batching of annotations to the edge. Only redacted previews appear; the value is not known here.
Every piece of repository text goes through `bot.reports.markdown`. A file that was not scanned in full
(see `INCOMPLETE_KINDS`) is listed as "not scanned" and keeps the check from passing.

A pull request answers for what it adds: findings already on its base branch are listed once, under their
own heading, and (unless `pr_fails_on: all`) do not fail it; ignore comments it adds are listed as waivers
and keep the check from `success` (`waivers_in_pr`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from bot.core.findings import INCOMPLETE_KINDS, Finding, Notice, NoticeKind, Severity, Suppressed, meets
from bot.reports import dismiss, markdown, validity
from bot.reports.kinds import counted, is_advisory, secrets_phrase, split
from bot.reports.model import Annotation, CheckRunOutput
from bot.reports.provenance import Provenance
from bot.reports.review import HISTORY_ADVICE
from bot.reports.rotation import Acknowledged

NAME = "Serverless secrets"
MAX_TEXT = 65_535
MAX_ANNOTATION_TITLE = 255
MAX_LISTED = 50  # notices, unscanned files and config problems listed in the summary before "... and N more"

_LEVELS = {
    Severity.CRITICAL: "failure",
    Severity.HIGH: "failure",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}
_TABLE_HEAD = "| File | Line | What | Value | Fix |\n| --- | ---: | --- | --- | --- |"
_ADVICE_HEAD = "| File | Line | Advice | Fix |\n| --- | ---: | --- | --- |"
_ROTATED_HEAD = "| File | Line | What | Value | Acknowledged by |\n| --- | ---: | --- | --- | --- |"
_WAIVER_HEAD = "| File | Line | Rule | Value | Ignore comment |\n| --- | ---: | --- | --- | --- |"


@dataclass(frozen=True)
class CheckContext:
    fail_on: str = "medium"
    leaked: bool = False  # a secret reached the default branch or a pushed commit
    config_problems: tuple[str, ...] = ()
    config_changed: bool = False  # the pull request edits .github/secrets-bot.yml
    files_scanned: int = 0
    incomplete: str = "fail"  # fail | neutral: the conclusion when some file was not scanned in full
    omitted: tuple[tuple[str, int], ...] = ()  # (path, findings past the per-file cap, not listed)
    base_branch: str | None = None  # a pull request's base branch; None for a push (no split)
    pr_fails_on: str = "introduced"  # introduced | all
    preexisting: frozenset[str] = frozenset()  # fingerprints of findings already at the merge base
    waived: tuple[Suppressed, ...] = ()  # findings hidden by ignore comments the pull request adds
    waivers_in_pr: str = "report"  # allow | report | deny
    base_unread: tuple[str, ...] = ()  # "path: why" for base versions that could not be read
    # The repository's dashboard issue, once the org-install work opens one: the pre-existing point to it.
    dashboard_url: str | None = None
    # Findings a writer acknowledged as rotated (`bot.reports.rotation`): listed, not failing.
    acknowledged: tuple[Acknowledged, ...] = ()
    # Findings some pushed commit held but the head no longer does, each with the commit that held it.
    history: tuple[tuple[Finding, Provenance], ...] = ()
    introduced_by: Mapping[str, Provenance] = field(default_factory=dict)  # head fingerprint -> first commit
    commits_scanned: int = 0
    commits_skipped: int = 0  # past `max_commits`
    web_url: str = "https://github.com"  # GitHub's web origin, for links to a file at a commit
    repo: str = ""
    # A push's acknowledgement record (the reply to a commit's command, hidden markers): kept at the top of
    # the text, which GitHub stores with the App's own run, so that clipping never cuts it.
    records: str = ""

    @property
    def omitted_count(self) -> int:
        return sum(count for _, count in self.omitted)


def render_check_run(
    findings: Sequence[Finding], notices: Sequence[Notice], context: CheckContext
) -> tuple[str, CheckRunOutput]:
    """(conclusion, output) for a scan that finished."""
    ordered = sorted(findings, key=Finding.sort_key)
    old = [finding for finding in ordered if finding.fingerprint in context.preexisting]
    new = [finding for finding in ordered if finding.fingerprint not in context.preexisting]
    waived = _waivers(context)
    unscanned = _unscanned_paths(notices)
    tail = _tail(notices, context)
    secrets, advisories = split(new)
    title = _title(len(secrets) + context.omitted_count, len(advisories), unscanned, bool(old))
    title += "".join(_pull_titles(context, len(old), len(waived)))
    title += f"; {len(context.acknowledged)} acknowledged as rotated" if context.acknowledged else ""
    title += _history_title(context)
    output = CheckRunOutput(
        title=title,
        summary=_summary(new, context, len(unscanned), tail, old, waived),
        text=_text(context.records, _details(ordered, context) if ordered or context.history else None),
        annotations=(
            *(_annotation(f, context if f.fingerprint in context.preexisting else None) for f in ordered),
            *(_waiver_annotation(entry, context) for entry in waived),
        ),
    )
    return _pull_conclusion(counted_findings(new, ordered, context), waived, context, unscanned), output


def counted_findings(
    new: Sequence[Finding], everything: Sequence[Finding], context: CheckContext
) -> list[Finding]:
    """The findings that can fail the check: the pull request's own (or all, `pr_fails_on: all`; a push
    answers for all) and every history finding, whose value is exposed in a pushed commit."""
    counted = new if context.pr_fails_on == "introduced" else everything
    return [*counted, *(finding for finding, _ in context.history)]


def _waivers(context: CheckContext) -> tuple[Suppressed, ...]:
    """The waivers a pull request adds, unless the repository lets them stay silent."""
    return () if context.waivers_in_pr == "allow" else context.waived


def _pull_conclusion(
    counted: Sequence[Finding], waived: Sequence[Suppressed], context: CheckContext, unscanned: list[str]
) -> str:
    """`deny` counts a waived finding as if its comment were absent; `report` keeps the check from success."""
    if context.waivers_in_pr == "deny":
        counted = [*counted, *(entry.finding for entry in waived)]
    conclusion = conclusion_for(counted, context, incomplete_files=len(unscanned))
    return "neutral" if conclusion == "success" and waived else conclusion


def _pull_titles(context: CheckContext, old: int, waived: int) -> list[str]:
    titles = [f"; {old} already on {context.base_branch}"] if old else []
    return titles + ([f"; {waived} waived in this pull request"] if waived else [])


def render_failed_scan(reason: str) -> CheckRunOutput:
    """For a scan that could not finish: says so plainly, so the check never stays in progress."""
    summary = (
        "The scan could not finish, so this commit was **not** checked for hard-coded secrets.\n\n"
        f"Reason: {markdown.text(reason)}\n\n"
        "Push again or comment `/secrets-bot rescan` on the pull request to retry."
    )
    return CheckRunOutput(title="Scan could not finish", summary=clip(summary, MAX_TEXT))


def render_waiting(until: datetime) -> CheckRunOutput:
    """For a scan rescheduled until GitHub's rate limit resets: the run stays in progress and says why."""
    at = until.astimezone(UTC).strftime("%H:%M")
    return CheckRunOutput(
        title=f"Waiting for GitHub's rate limit until {at} UTC",
        summary=(
            f"GitHub's rate limit: waiting until {at} UTC. The scan is rescheduled for then and resumes by "
            "itself; this check completes when it has run."
        ),
    )


def conclusion_for(findings: Sequence[Finding], context: CheckContext, *, incomplete_files: int = 0) -> str:
    """Never `success` while a file was not scanned in full; findings past the per-file cap (severity
    unknown) fail the check like listed ones, unless `fail_on: never`."""
    fail_on = context.fail_on
    if any(meets(finding.severity, fail_on) for finding in findings):
        return "failure"
    if context.omitted_count and fail_on != "never":
        return "failure"
    if incomplete_files:
        return "neutral" if context.incomplete == "neutral" else "failure"
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


def _unscanned_paths(notices: Sequence[Notice]) -> list[str]:
    """Distinct paths not scanned in full ("" stands for files that could not even be listed)."""
    return list(dict.fromkeys(notice.path for notice in notices if notice.kind in INCOMPLETE_KINDS))


def _title(count: int, advisories: int, unscanned: list[str], old: bool = False) -> str:
    """ "2 hard-coded secrets found; 1 advisory", "No hard-coded secrets; 1 advisory": advice apart."""
    none = "no new hard-coded secrets" if old else "no hard-coded secrets"
    found = f"{secrets_phrase(count)} found" if count else none if advisories or old else ""
    found += f"; {counted(0, advisories)}" if advisories else ""
    files = len([path for path in unscanned if path])
    missed = f"{files} file{'s' if files != 1 else ''} not scanned in full" if files else ""
    if "" in unscanned:
        missed = "; ".join(part for part in (missed, "changed files not all listed") if part)
    title = "; ".join(part for part in (found, missed) if part) or "No hard-coded secrets"
    return title[0].upper() + title[1:]


def _summary(
    findings: Sequence[Finding],
    context: CheckContext,
    unscanned: int,
    tail: str,
    old: Sequence[Finding] = (),
    waived: Sequence[Suppressed] = (),
) -> str:
    files = len({finding.path for finding in findings})
    scanned = f"{context.files_scanned} manifest file{'s' if context.files_scanned != 1 else ''}"
    secrets, advisories = split(findings)
    total = len(secrets) + context.omitted_count
    if total:
        lead = f"Found {counted(total, len(advisories))} in {files} of {scanned} scanned."
    else:
        read = " in what could be read" if unscanned else ""
        lead = f"Scanned {scanned}: no hard-coded secrets found{read}."
        if old:
            lead = f"Scanned {scanned}: this pull request adds no hard-coded secrets{read}."
        if advisories:
            lead += f" {_capital(counted(0, len(advisories)))} on how secrets are handled in {files} file"
            lead += "s." if files != 1 else "."
    if context.omitted_count:
        lead += f" {context.omitted_count} of them are counted but not listed (per-file cap)."
    if context.history:
        lead += f" **{len(context.history)} more in pushed commits**, no longer at the head: see below."
    if unscanned:
        lead += (
            f"\n\n**{unscanned} file{'s were' if unscanned != 1 else ' was'} not scanned in full**, so "
            'this check cannot pass: see "Not scanned" below.'
        )
    leaked = (context.leaked and secrets) or context.history
    head = lead + ("\n\n" + _leak_warning() if leaked else "")
    live = [f for f in (*secrets, *old, *(f for f, _ in context.history)) if validity.verified_active(f)]
    if live:
        head = _live_warning(len(live)) + "\n\n" + head
    budget = MAX_TEXT - len((head + tail).encode("utf-8")) - 200
    table = _table(secrets, budget, _TABLE_HEAD, _row) if secrets else ""
    budget -= len(table.encode("utf-8"))
    advice = _table(advisories, budget, _ADVICE_HEAD, _advice_row) if advisories else ""
    advice = f"### Advisories\n{advice}" if advice else ""
    budget -= len(advice.encode("utf-8"))
    waivers = _waiver_section(waived, context, budget // 2) if waived else ""
    budget -= len(waivers.encode("utf-8"))
    already = _already_section(old, context, budget) if old else ""
    budget -= len(already.encode("utf-8"))
    rotated = _rotated_section(context.acknowledged, budget) if context.acknowledged else ""
    budget -= len(rotated.encode("utf-8"))
    history = _history_section(context, budget) if context.history else ""
    commits = _commits_line(context)
    parts = (head, table, advice, waivers, already, history, rotated, commits, tail)
    return clip("\n\n".join(part for part in parts if part), MAX_TEXT)


def _waiver_section(waived: Sequence[Suppressed], context: CheckContext, budget: int) -> str:
    """Ignore comments the pull request adds, each with what it hides, so that reviewers can judge it."""
    if context.waivers_in_pr == "deny":
        why = (
            "This repository's `waivers_in_pr: deny` does not honour ignore comments added by a pull "
            "request: these findings count as if the comments were absent."
        )
    else:
        why = (
            "This pull request adds ignore comments that hide these findings. Reviewers: check that each is "
            "a false alarm. The check is neutral, not success, while it adds waivers (`waivers_in_pr`)."
        )
    entries = sorted(waived, key=lambda entry: entry.finding.sort_key())
    rows = _table([entry.finding for entry in entries], budget, _WAIVER_HEAD, _waiver_row(entries))
    return f"### Waived in this pull request\n{why}\n\n{rows}"


def _waiver_row(entries: Sequence[Suppressed]) -> Callable[[Finding], str]:
    comment_line = {id(entry.finding): entry.comment_line for entry in entries}

    def row(finding: Finding) -> str:
        path, line, _ = _where_and_what(finding)
        value = markdown.code(finding.redacted, table=True) if finding.redacted else ""
        comment = f"line {comment_line[id(finding)]}"
        return "| " + " | ".join((path, line, markdown.code(finding.rule, table=True), value, comment)) + " |"

    return row


def _already_section(old: Sequence[Finding], context: CheckContext, budget: int) -> str:
    """Findings the pull request did not add: listed once, here, and (by default) not failing it."""
    branch = markdown.code(context.base_branch or "")
    failing = (
        "failing this pull request (`pr_fails_on: all`)"
        if context.pr_fails_on == "all"
        else ("not failing this pull request")
    )
    heading = f"### Already on {branch}: {len(old)} finding{'s' if len(old) != 1 else ''} — {failing}"
    why = (
        "They were in these files at the merge base, before this pull request. They still need fixing on the "
        "base branch, but they are not this pull request's to fix, and they get no inline comment unless it "
        "changes their line."
    )
    if context.dashboard_url:
        why += f" The repository's {markdown.link(context.dashboard_url, 'secrets dashboard')} tracks them."
    secrets, advisories = split(old)
    rows = _table(secrets, budget, _TABLE_HEAD, _row) if secrets else ""
    advice = _table(advisories, budget - len(rows.encode("utf-8")), _ADVICE_HEAD, _advice_row)
    return "\n\n".join(part for part in (heading, why, rows, advice if advisories else "") if part)


def _rotated_section(entries: Sequence[Acknowledged], budget: int) -> str:
    """Acknowledged rotations, with who said so and when: reviewers can see that a person vouched for it."""
    heading = f"### Acknowledged as rotated: {len(entries)} — not failing this check"
    why = (
        "These values are no longer in the head and a person with write access said they were rotated "
        "(`/secrets-bot rotated`). The value stays in the history: a new commit that adds it again fails."
    )
    by = {id(entry.finding): entry.acknowledgement for entry in entries}

    def row(finding: Finding) -> str:
        said = by[id(finding)]
        at = markdown.code(said.sha[:7], table=True)
        when = markdown.code(said.at[:16].replace("T", " ") + " UTC", table=True)
        who = f"@{markdown.text(said.by)}, {when}, at {at}"
        value = markdown.code(finding.redacted, table=True)
        return "| " + " | ".join((*_where_and_what(finding), value, who)) + " |"

    findings = sorted((entry.finding for entry in entries), key=Finding.sort_key)
    return "\n\n".join((heading, why, _table(findings, budget, _ROTATED_HEAD, row)))


def _history_title(context: CheckContext) -> str:
    secrets, _ = split(finding for finding, _ in context.history)
    return f"; {secrets_phrase(len(secrets))} in pushed commits" if secrets else ""


_HISTORY_HEAD = (
    "| File | Line | Commit | Rule | Value | Committed by |\n| --- | ---: | --- | --- | --- | --- |"
)


def _history_section(context: CheckContext, budget: int) -> str:
    """Findings gone at the head but still in a pushed commit: listed here and in the review body only (no
    annotation: their line no longer exists at the head)."""
    count = len(context.history)
    heading = f"### In pushed commits: {count} finding{'s' if count != 1 else ''} no longer at the head"
    rows = [_history_row(finding, where, context) for finding, where in context.history]
    kept: list[str] = []
    used = len(_HISTORY_HEAD) + len(HISTORY_ADVICE) + len(heading) + 10
    for index, row in enumerate(rows):
        if used + len(row.encode("utf-8")) + 1 > budget:
            kept.append(f"\n_... and {len(rows) - index} more, listed under the fixes below._")
            break
        kept.append(row)
        used += len(row.encode("utf-8")) + 1
    return "\n\n".join((heading, "\n".join([_HISTORY_HEAD, *kept]), HISTORY_ADVICE))


def _history_row(finding: Finding, where: Provenance, context: CheckContext) -> str:
    url = f"{context.web_url.rstrip('/')}/{context.repo}/blob/{where.commit}/{quote(finding.path)}"
    linked = url.startswith("https://")  # else (a plain-http test host) the SHA alone, never a raw URL
    commit = (
        markdown.link(f"{url}#L{finding.line}", where.short, table=True) if linked else f"`{where.short}`"
    )
    cells = (
        markdown.code(finding.path, table=True),
        str(finding.line),
        commit,
        markdown.code(finding.rule, table=True),
        markdown.code(finding.redacted, table=True) if finding.redacted else "",
        markdown.text(where.author),
    )
    return "| " + " | ".join(cells) + " |"


def _commits_line(context: CheckContext) -> str:
    if not context.commits_scanned:
        return ""
    line = f"Scanned {context.commits_scanned} pushed commit{'s' if context.commits_scanned != 1 else ''}"
    if context.commits_skipped:
        line += f"; {context.commits_skipped} older ones were not scanned (`max_commits`)"
    return line + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _live_warning(count: int) -> str:
    """First in the summary: a credential its provider accepted is the emergency (rows say when checked)."""
    said = (
        "1 secret verified active with its provider: rotate it now."
        if count == 1
        else f"{count} secrets verified active with their providers: rotate them now."
    )
    return f"> [!WARNING]\n> **{said}** The rows marked critical say when each was checked."


def _leak_warning() -> str:
    return (
        "> [!CAUTION]\n"
        "> These values are in a pushed commit, so they are exposed in the repository history. Rotate each "
        "secret (revoke it and issue a new one) before anything else: removing it from the file does not "
        "make it safe again."
    )


def _table(findings: Sequence[Finding], budget: int, head: str, row_of: Callable[[Finding], str]) -> str:
    rows: list[str] = []
    used = len(head)
    for index, finding in enumerate(findings):
        row = row_of(finding)
        if used + len(row.encode("utf-8")) + 1 > budget:
            rest = len(findings) - index
            rows.append(f"\n_... and {rest} more finding{'s' if rest != 1 else ''}, shown as annotations._")
            break
        rows.append(row)
        used += len(row.encode("utf-8")) + 1
    return "\n".join([head, *rows])


def _row(finding: Finding) -> str:
    cells = (*_where_and_what(finding), markdown.code(finding.redacted, table=True), _fix_cell(finding))
    return "| " + " | ".join(cells) + " |"


def _advice_row(finding: Finding) -> str:
    """No value cell: advice is about a name or a reference, and has no secret to preview."""
    return "| " + " | ".join((*_where_and_what(finding), _fix_cell(finding))) + " |"


def _where_and_what(finding: Finding) -> tuple[str, str, str]:
    what = f"**{finding.severity.value}** {markdown.text(finding.message)}"
    what += f" in {markdown.code(finding.key, table=True)}" if finding.key else ""
    said = validity.note(finding)
    what += f" **{said}**" if said and validity.verified_active(finding) else (f" {said}" if said else "")
    return markdown.code(finding.path, table=True), str(finding.line), what


def _fix_cell(finding: Finding) -> str:
    remediation = finding.remediation
    fix = ""
    if remediation is not None and remediation.replacement:
        fix = markdown.code(_shorten(remediation.replacement.strip(), 80), table=True)
    if remediation is not None and remediation.docs:
        fix = f"{fix} {markdown.link(remediation.docs, 'docs', table=True)}".strip()
    return fix or "see the annotation"


def _tail(notices: Sequence[Notice], context: CheckContext) -> str:
    unscanned = [notice for notice in notices if notice.kind in INCOMPLETE_KINDS]
    legacy = [notice for notice in notices if notice.kind is NoticeKind.LEGACY_FINGERPRINT]
    other = [
        notice
        for notice in notices
        if notice.kind not in INCOMPLETE_KINDS and notice.kind is not NoticeKind.LEGACY_FINGERPRINT
    ]
    sections = [
        _listing("Not scanned", [_notice_line(notice, "not scanned: ") for notice in unscanned]),
        _listing(
            "Findings not listed",
            [
                f"{count} more finding{'s' if count != 1 else ''} not listed in {markdown.code(path)}"
                for path, count in context.omitted
            ],
        ),
        _listing("Notes on scanned files", [_notice_line(notice) for notice in other]),
        _listing("Allowlist entries to update", [_notice_line(notice) for notice in legacy]),
        _listing("Configuration problems", [markdown.text(problem) for problem in context.config_problems]),
        _listing(
            "Base versions not read",
            [
                f"{markdown.text(where)}: its findings all count as introduced by this pull request"
                for where in context.base_unread
            ],
        ),
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
    if unscanned and context.incomplete == "neutral":
        sections.append(
            "This repository's `incomplete: neutral` makes an incomplete scan neutral, not failed."
        )
    return "\n\n".join(section for section in sections if section)


def _listing(heading: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    shown = [f"- {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(f"- ... and {len(items) - MAX_LISTED} more")
    return f"### {heading}\n" + "\n".join(shown)


def _notice_line(notice: Notice, prefix: str = "") -> str:
    """A notice without a path is about the pull request as a whole (files past GitHub's listing caps)."""
    where = markdown.code(notice.path) + (f" line {notice.line}" if notice.line else "") + ": "
    return f"{where if notice.path else ''}{prefix}{markdown.text(notice.message)} ({notice.kind.value})"


def _text(records: str, details: str | None) -> str | None:
    if not records:
        return details
    return (
        records if details is None else f"{records}\n\n{clip(details, MAX_TEXT - len(records.encode()) - 2)}"
    )


def _details(findings: Sequence[Finding], context: CheckContext) -> str:
    blocks = [_detail(finding, context.introduced_by.get(finding.fingerprint)) for finding in findings]
    blocks += [_detail(finding, where) for finding, where in context.history]
    return clip("## How to fix each finding\n\n" + "\n\n".join(blocks), MAX_TEXT)


def _detail(finding: Finding, origin: Provenance | None = None) -> str:
    kind = "Advice: " if is_advisory(finding) else ""
    at = (
        f" (commit {markdown.code(origin.short)}, no longer at the head)"
        if origin and not origin.in_head
        else ""
    )
    where = f"#### {markdown.code(finding.path)} line {finding.line}{at}: "
    lines = [f"{where}{kind}{markdown.text(finding.message)}"]
    said = validity.note(finding)
    if said:
        lines.append(f"**{said}**" if validity.verified_active(finding) else said)
    if origin is not None:
        lines.append(f"First committed in {markdown.code(origin.short)} by {markdown.text(origin.author)}.")
    remediation = finding.remediation
    if remediation is not None and remediation.runtime_hint:  # rotation first, then the command
        lines.append(markdown.text(remediation.runtime_hint))
    if remediation is not None and remediation.store_command:
        lines += ["Run outside the repository:", markdown.fenced(remediation.store_command, "shell")]
    gone = origin is not None and not origin.in_head  # nothing left to fix at the head
    if remediation is not None and remediation.replacement and not gone:
        lines += ["Then change the line to:", markdown.fenced(remediation.replacement)]
    elif remediation is not None and remediation.replacement == "" and not gone:
        lines.append("Then delete the line.")
    if remediation is not None and remediation.docs:
        lines.append(f"Docs: {markdown.link(remediation.docs, remediation.docs)}")
    return "\n".join(lines) + "\n\n" + dismiss.details(finding)


def _annotation(finding: Finding, already: CheckContext | None = None) -> Annotation:
    """A finding already on the base branch (`already` holds the context then) is a notice, saying so."""
    title = f"{_kind(finding)}: {finding.rule}"
    if already is not None:
        title = f"Already on {already.base_branch}: {title}"
    return Annotation(
        path=finding.path,
        start_line=finding.line,
        end_line=max(finding.end_line, finding.line),
        level=_LEVELS[finding.severity] if already is None else "notice",
        title=_shorten(markdown.plain(title), MAX_ANNOTATION_TITLE),
        message=clip(markdown.plain(_annotation_message(finding)), MAX_TEXT),
    )


def _waiver_annotation(entry: Suppressed, context: CheckContext) -> Annotation:
    finding = entry.finding
    honoured = "is not honoured here (waivers_in_pr: deny)" if context.waivers_in_pr == "deny" else "hides it"
    value = f" (value {finding.redacted})" if finding.redacted else ""
    message = (
        f"{finding.message}{value}. An ignore comment this pull request adds on line {entry.comment_line} "
        f"{honoured}: confirm that it is a false alarm."
    )
    return Annotation(
        path=finding.path,
        start_line=finding.line,
        end_line=max(finding.end_line, finding.line),
        level=_LEVELS[finding.severity] if context.waivers_in_pr == "deny" else "warning",
        title=_shorten(markdown.plain(f"Waived in this pull request: {finding.rule}"), MAX_ANNOTATION_TITLE),
        message=clip(markdown.plain(message), MAX_TEXT),
    )


def _kind(finding: Finding) -> str:
    return "Advice" if is_advisory(finding) else "Hard-coded secret"


def _annotation_message(finding: Finding) -> str:
    lines = [f"{finding.message} (value {finding.redacted})." if finding.redacted else f"{finding.message}."]
    said = validity.note(finding)
    if said:
        lines.append(said)
    remediation = finding.remediation
    if remediation is not None and remediation.runtime_hint:
        lines.append(remediation.runtime_hint)
    if remediation is not None and remediation.store_command:
        lines.append(f"Then run: {remediation.store_command}")
    if remediation is not None and remediation.replacement is not None:
        fix = remediation.replacement.strip()
        lines.append(f"Fix: replace the line with: {fix}" if fix else "Fix: delete the line.")
    lines.append(dismiss.plain(finding))
    if remediation is not None and remediation.docs:
        lines.append(f"Docs: {remediation.docs}")
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
