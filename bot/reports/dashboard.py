"""The `Serverless secrets dashboard` issue: its body, rendered from the findings store, and the boxes people
tick in it.

One issue per repository lists what the default branch holds (open secrets, recently fixed ones, acknowledged
ones); each open secret has a task-list box that asks for a fix pull request. The issue is recognised by a
hidden marker (never by its title, which anyone can copy), and each box by a hidden marker on its own line
carrying the finding's fingerprint, so ticking is read per finding whatever else people edit in the body.
Pure: the findings come in (the store's rows fit `DashboardFinding`), Markdown goes out. Only redacted
previews appear; every piece of repository text goes through `bot.reports.markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from bot.core.advisories import ADVISORY_IDS
from bot.core.findings import Severity
from bot.reports import markdown

TITLE = "Serverless secrets dashboard"
MARKER = "<!-- secrets-bot:dashboard -->"
FIX_LABEL = "open a fix pull request"
MAX_BODY = 60_000  # characters; GitHub refuses an issue body over 65,536
MAX_READ = 262_144  # characters of an edited body read for boxes: a payload is not trusted to be GitHub-sized
MAX_TICKED = 50  # fingerprints taken from one edit
RECENTLY_FIXED = 10
_OPEN_BUDGET = 24_000
_BOXES_BUDGET = 20_000
_FIXED_BUDGET = 6_000
_ACKNOWLEDGED_BUDGET = 6_000

_SEVERITIES = frozenset(item.value for item in Severity)
_FIX_MARKER = re.compile(r"<!-- secrets-bot:fix fingerprint=([0-9A-Za-z_-]{1,128}) -->")
_FINGERPRINT = re.compile(r"[0-9A-Za-z_-]{1,128}")
_COMMIT = re.compile(r"<!-- secrets-bot:dashboard-commit ([0-9a-f]{40}) -->")
_TASK = re.compile(r"[ \t]{0,3}[-*+][ \t]+\[([ xX])\][ \t]")
_OPEN_HEAD = "| File | Rule | Severity | Value | First seen |\n| --- | --- | --- | --- | --- |"
_FIXED_HEAD = "| File | Rule | Value | Fixed |\n| --- | --- | --- | --- |"
_ACKNOWLEDGED_HEAD = "| File | Rule | Value | First seen |\n| --- | --- | --- | --- |"


class DashboardFinding(Protocol):
    """What the dashboard shows of a stored finding (`bot.store.StoredFinding` fits)."""

    @property
    def fingerprint(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def redacted(self) -> str: ...
    @property
    def state(self) -> str: ...  # open | fixed | acknowledged
    @property
    def first_seen_at(self) -> datetime: ...
    @property
    def fixed_at(self) -> datetime | None: ...
    @property
    def fix_pull(self) -> int | None: ...


def secrets_only(findings: Sequence[DashboardFinding]) -> list[DashboardFinding]:
    """Advisories are advice about handling, not leaked values: they have no place on the dashboard."""
    return [finding for finding in findings if finding.rule not in ADVISORY_IDS]


def has_open(findings: Sequence[DashboardFinding]) -> bool:
    return any(finding.state == "open" for finding in secrets_only(findings))


def render_dashboard(
    findings: Sequence[DashboardFinding],
    *,
    repo: str,
    scanned_sha: str | None,
    web_url: str,
    fixes_allowed: bool,
) -> str:
    """The issue's body. `scanned_sha`: the default-branch commit last scanned, where file links point.
    `fixes_allowed`: the installation granted `contents: write`, so fix pull requests can be offered."""
    shown = secrets_only(findings)
    opened = sorted((f for f in shown if f.state == "open"), key=_by_severity)
    fixed = sorted((f for f in shown if f.state == "fixed"), key=_by_fix_time)[:RECENTLY_FIXED]
    acknowledged = sorted((f for f in shown if f.state == "acknowledged"), key=_by_place)
    link = _linker(web_url, repo, scanned_sha)
    at = f" at {markdown.code(scanned_sha[:7])}" if scanned_sha else ""
    parts = [MARKER + (f"\n<!-- secrets-bot:dashboard-commit {scanned_sha} -->" if scanned_sha else "")]
    if opened:
        parts += [
            f"The default branch holds {_secrets(len(opened))}{at}. The bot updates this issue after every "
            "scan of the default branch; edits to it are overwritten.",
            _ROTATE,
            f"### Open: {len(opened)}",
            _table(opened, _OPEN_HEAD, lambda f: _open_row(f, link), _OPEN_BUDGET),
            _fix_section(opened, fixes_allowed),
        ]
    else:
        parts.append(
            f"Nothing is open any more: the default branch holds no hard-coded secret the bot knows of{at}. "
            "The bot closed this issue and reopens it when a scan of the default branch finds a new one."
        )
    if fixed:
        parts += [
            "### Recently fixed",
            "No longer on the default branch, but still in its history: a value that was not rotated is "
            "still exposed.",
            _table(fixed, _FIXED_HEAD, _fixed_row, _FIXED_BUDGET),
        ]
    if acknowledged:
        parts += [
            f"### Acknowledged: {len(acknowledged)}",
            _table(acknowledged, _ACKNOWLEDGED_HEAD, _acknowledged_row, _ACKNOWLEDGED_BUDGET),
        ]
    return _fit("\n\n".join(parts) + "\n")


def is_dashboard(body: str | None) -> bool:
    """Whether a body carries the dashboard's marker (the bot's own issue is also told by its author)."""
    return body is not None and MARKER in body[:MAX_READ]


def rendered_at(body: str) -> str | None:
    """The commit a body was rendered at: a body that differs from a new one only by it need not be
    written again (its links still show those lines, at that commit)."""
    found = _COMMIT.search(body[:MAX_READ])
    return found.group(1) if found else None


def newly_ticked(previous: str, edited: str) -> list[str]:
    """Fingerprints whose box went from unticked in `previous` to ticked in `edited`, in the edited order.

    Only task-list lines with exactly one fix marker count; a marker pasted on a new line, a box ticked in
    both bodies, or one that is gone are not asked for. Each body is read up to MAX_READ characters, line by
    line, with patterns that cannot backtrack: the work is bounded whatever the payload holds."""
    before = _boxes(previous)
    after = _boxes(edited)
    asked = [fp for fp, ticked in after.items() if ticked and before.get(fp) is False]
    return asked[:MAX_TICKED]


def fix_marker(fingerprint: str) -> str:
    if not _FINGERPRINT.fullmatch(fingerprint):
        raise ValueError("a fingerprint is 1 to 128 letters, digits, '-' or '_'")
    return f"<!-- secrets-bot:fix fingerprint={fingerprint} -->"


_ROTATE = (
    "> [!CAUTION]\n"
    "> These values are on the default branch, so everyone who can read the repository (and its history) "
    "has them. Rotate each secret (revoke it and issue a new one) before anything else: removing it from the "
    "file does not make it safe again."
)
_NO_FIXES = (
    "Fix pull requests are not offered: this installation has not granted the App **Contents: write**, which "
    "it needs to push a branch with the fix. An owner of the account can grant it under Settings → GitHub "
    "Apps → Configure (accept the App's requested permissions); the boxes appear after the next scan."
)


def _fix_section(opened: Sequence[DashboardFinding], fixes_allowed: bool) -> str:
    if not fixes_allowed:
        return "### Fix pull requests\n\n" + _NO_FIXES
    intro = (
        "Tick a box and the bot opens (or updates) one pull request that replaces the literal with a "
        "reference to a secrets store. Only people with write access can ask."
    )
    lines: list[str] = []
    used = 0
    for index, finding in enumerate(opened):
        line = _box(finding)
        if used + len(line) + 1 > _BOXES_BUDGET:
            lines.append(f"\n_... and {len(opened) - index} more, without a box here: fix those first._")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n\n".join(("### Fix pull requests", intro, "\n".join(lines)))


def _box(finding: DashboardFinding) -> str:
    where = markdown.code(f"{finding.path}:{finding.line}")
    pull = f" (fix pull request #{finding.fix_pull})" if finding.fix_pull is not None else ""
    return (
        f"- [ ] {FIX_LABEL} for {where} {markdown.code(finding.rule)}{pull} {fix_marker(finding.fingerprint)}"
    )


def _boxes(body: str) -> dict[str, bool]:
    """fingerprint -> ticked, for the first task-list line carrying each fingerprint's marker."""
    states: dict[str, bool] = {}
    for line in body[:MAX_READ].splitlines():
        task = _TASK.match(line)
        if task is None:
            continue
        marked = _FIX_MARKER.findall(line)
        if len(marked) == 1:
            states.setdefault(marked[0], task.group(1) != " ")
    return states


def _linker(web_url: str, repo: str, sha: str | None) -> Callable[[DashboardFinding], str]:
    def link(finding: DashboardFinding) -> str:
        label = f"{finding.path}:{finding.line}"
        if sha is None:
            return markdown.code(label, table=True)
        url = f"{web_url.rstrip('/')}/{repo}/blob/{sha}/{quote(finding.path)}#L{finding.line}"
        return (
            markdown.link(url, label, table=True)
            if url.startswith("https://")
            else markdown.code(label, table=True)
        )

    return link


def _open_row(finding: DashboardFinding, link: Callable[[DashboardFinding], str]) -> str:
    cells = (
        link(finding),
        markdown.code(finding.rule, table=True),
        markdown.text(finding.severity),
        _value(finding),
        _day(finding.first_seen_at),
    )
    return "| " + " | ".join(cells) + " |"


def _fixed_row(finding: DashboardFinding) -> str:
    fixed = _day(finding.fixed_at) if finding.fixed_at is not None else ""
    cells = (_where(finding), markdown.code(finding.rule, table=True), _value(finding), fixed)
    return "| " + " | ".join(cells) + " |"


def _acknowledged_row(finding: DashboardFinding) -> str:
    cells = (
        _where(finding),
        markdown.code(finding.rule, table=True),
        _value(finding),
        _day(finding.first_seen_at),
    )
    return "| " + " | ".join(cells) + " |"


def _where(finding: DashboardFinding) -> str:
    return markdown.code(f"{finding.path}:{finding.line}", table=True)


def _value(finding: DashboardFinding) -> str:
    return markdown.code(finding.redacted, table=True) if finding.redacted else ""


def _table(
    findings: Sequence[DashboardFinding], head: str, row_of: Callable[[DashboardFinding], str], budget: int
) -> str:
    rows: list[str] = []
    used = len(head)
    for index, finding in enumerate(findings):
        row = row_of(finding)
        if used + len(row) + 1 > budget:
            rows.append(f"\n_... and {len(findings) - index} more._")
            break
        rows.append(row)
        used += len(row) + 1
    return "\n".join([head, *rows])


def _secrets(count: int) -> str:
    return f"{count} hard-coded secret{'s' if count != 1 else ''}"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _by_severity(finding: DashboardFinding) -> tuple[int, str, int, str]:
    """Most severe first: a secret verified active (`critical`) heads the list, before any budget cuts it."""
    rank = Severity(finding.severity).rank if finding.severity in _SEVERITIES else 0
    return (-rank, *_by_place(finding))


def _by_place(finding: DashboardFinding) -> tuple[str, int, str]:
    return (finding.path, finding.line, finding.fingerprint)


def _by_fix_time(finding: DashboardFinding) -> tuple[float, str, int, str]:
    fixed = finding.fixed_at.timestamp() if finding.fixed_at is not None else 0.0
    return (-fixed, *_by_place(finding))


def _fit(body: str) -> str:
    """A last guard under GitHub's limit; the section budgets already keep the body well below it."""
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 16] + "\n\n(truncated)\n"
