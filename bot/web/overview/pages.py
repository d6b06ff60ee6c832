"""The overview's HTML: server-rendered, no script, every inserted value escaped, GitHub's look (Primer-like
`static/overview.css`). Controls are labelled, the table has a caption and scoped headers, errors and notices
are announced (`role="alert"` / `role="status"`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from bot import __version__
from bot.github.user_access import AccessibleRepository
from bot.store import FindingState, StoredFinding
from bot.web.overview.chart import trend_svg
from bot.web.overview.links import dashboard_url, line_url, pull_url
from bot.web.overview.query import AGES, SORTS, STATES, Filters
from bot.web.overview.summary import InstallationSummary
from bot.web.pages import document_start

MAX_ROWS = 500  # the page shows this many rows; the exports hold them all


@dataclass(frozen=True, slots=True)
class Table:
    findings: Sequence[StoredFinding]
    filters: Filters
    repositories: Sequence[AccessibleRepository]
    platforms: Sequence[str]
    rules: Sequence[str]
    scanned: dict[str, str | None]
    dashboard_issues: dict[str, int | None]
    csrf: str
    now: datetime


def _layout(title: str, body: str, *, login: str | None = None, csrf: str = "") -> str:
    account = ""
    if login is not None:
        account = f"""<div class="account"><span>Signed in as <strong>{escape(login)}</strong></span>
<form method="post" action="/overview/logout"><input type="hidden" name="csrf" value="{escape(csrf)}">
<button type="submit" class="btn-link">Sign out</button></form></div>"""
    return f"""{document_start(title, "/overview/overview.css")}
<a class="skip" href="#content">Skip to content</a>
<header class="header"><a class="brand" href="/overview">Serverless Secrets Bot</a>
<span class="version">{escape(__version__)}</span>{account}</header>
<main id="content">
{body}
</main>
</body>
</html>
"""


def sign_in_page(*, error: str | None = None) -> str:
    alert = f'<p class="flash flash-error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""<div class="blankslate">
<h1>Open findings across your repositories</h1>
{alert}
<p>Sign in with GitHub to see the hard-coded secrets this bot found in the repositories you can access through
its installations. The bot asks GitHub which repositories those are; you never see one you cannot read.</p>
<p><a class="btn btn-primary" href="/overview/login">Sign in with GitHub</a></p>
</div>"""
    return _layout("Overview", body)


def problem_page(title: str, message: str, *, login: str | None = None, csrf: str = "") -> str:
    body = f"""<h1>{escape(title)}</h1>
<p class="flash flash-error" role="alert">{escape(message)}</p>
<p><a href="/overview">Back to the overview</a></p>"""
    return _layout(title, body, login=login, csrf=csrf)


def fix_requested_page(repo: str, *, login: str, csrf: str) -> str:
    body = f"""<h1>Fix pull request requested</h1>
<p class="flash" role="status">The bot will open (or update) the fix pull request for this finding in
<strong>{escape(repo)}</strong> shortly. It checks your write access
with GitHub again before it does.</p>
<p><a href="/overview">Back to the overview</a></p>"""
    return _layout("Fix requested", body, login=login, csrf=csrf)


def overview_page(*, login: str, summaries: Sequence[InstallationSummary], table: Table, web_url: str) -> str:
    sections = "".join(
        _installation(summary, web_url, index, table.dashboard_issues)
        for index, summary in enumerate(summaries)
    )
    if not summaries:
        sections = """<div class="blankslate"><p>You can access no repository through an installation of this
App. Ask an owner to install it, or to give you access to the repositories it is installed on.</p></div>"""
    body = f"""<h1>Overview</h1>
{sections}
{_filters(table)}
{_table(table, web_url)}"""
    return _layout("Overview", body, login=login, csrf=table.csrf)


def _installation(
    summary: InstallationSummary, web_url: str, index: int, issues: dict[str, int | None]
) -> str:
    oldest = "none"
    if summary.oldest_open is not None:
        oldest = f"{escape(summary.oldest_open.repo)}, since {summary.oldest_open.first_seen_at:%Y-%m-%d}"
    median = _duration(summary.median_time_to_fix) if summary.median_time_to_fix is not None else "no fix yet"
    repos = (
        "".join(
            f'<li><a href="/overview?{escape(Filters(repo=repo).query())}">{escape(repo)}</a> '
            f'<span class="counter">{count}</span> '
            f'<a class="muted" href="{escape(_dashboard(web_url, repo, issues))}">dashboard</a></li>'
            for repo, count in summary.open_by_repository
        )
        or "<li>No open findings.</li>"
    )
    severities = "".join(
        f'<li><span class="label label-{escape(name)}">{escape(name)}</span> {count}</li>'
        for name, count in summary.open_by_severity
    )
    platforms = (
        "".join(
            f'<li>{escape(name)} <span class="counter">{count}</span></li>'
            for name, count in summary.open_by_platform
        )
        or "<li>none</li>"
    )
    return f"""<section class="box" aria-labelledby="installation-{index}">
<div class="box-header"><h2 id="installation-{index}">{escape(summary.account)}</h2>
<span class="muted">{summary.repositories} repositor{"y" if summary.repositories == 1 else "ies"} you can
access · {summary.open_total} open finding{"" if summary.open_total == 1 else "s"}</span></div>
<div class="box-body grid">
<div><h3>Repositories with open findings</h3><ul class="plain">{repos}</ul></div>
<div><h3>Open by severity</h3><ul class="plain">{severities}</ul>
<h3>Open by platform</h3><ul class="plain">{platforms}</ul></div>
<div><h3>Oldest open finding</h3><p>{oldest}</p>
<h3>Median time to fix</h3><p>{escape(median)}</p></div>
</div>
<div class="box-body"><h3>Opened and fixed per week</h3>
{trend_svg(summary.weeks, chart_id=f"trend-{index}")}
<p class="legend"><span class="swatch opened"></span> opened <span class="swatch fixed"></span> fixed</p>
</div>
</section>"""


def _duration(span: timedelta) -> str:
    if span < timedelta(hours=1):
        return f"{max(int(span.total_seconds() // 60), 1)} minutes"
    if span < timedelta(days=2):
        return f"{int(span.total_seconds() // 3600)} hours"
    return f"{span.days} days"


def _options(values: Sequence[str], chosen: str, everything: str) -> str:
    options = [f'<option value="">{escape(everything)}</option>']
    options += [
        f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(value)}</option>'
        for value in values
    ]
    return "".join(options)


def _select(name: str, label: str, options: str) -> str:
    return (
        f'<div><label for="f-{name}">{label}</label>'
        f'<select id="f-{name}" name="{name}">{options}</select></div>'
    )


def _filters(table: Table) -> str:
    filters = table.filters
    repos = [repo.full_name for repo in table.repositories]
    states = "".join(
        f'<option value="{state}"{" selected" if state == filters.state else ""}>{state}</option>'
        for state in STATES
    )
    ages = "".join(
        f'<option value="{age}"{" selected" if age == filters.age else ""}>'
        f"{'any age' if age == 0 else f'open {age}+ days'}</option>"
        for age in AGES
    )
    sorts = "".join(
        f'<option value="{sort}"{" selected" if sort == filters.sort else ""}>{sort}</option>'
        for sort in SORTS
    )
    orders = "".join(
        f'<option value="{order}"{" selected" if order == filters.order else ""}>{label}</option>'
        for order, label in (("desc", "descending"), ("asc", "ascending"))
    )
    severities = ["critical", "high", "medium", "low"]  # critical: verified active (docs/verification.md)
    return f"""<form method="get" action="/overview" class="filters box" aria-labelledby="filters-title">
<div class="box-header"><h2 id="filters-title">Findings</h2></div>
<div class="box-body filter-grid">
{_select("repo", "Repository", _options(repos, filters.repo, "all repositories"))}
{_select("platform", "Platform", _options(table.platforms, filters.platform, "all platforms"))}
{_select("rule", "Rule", _options(table.rules, filters.rule, "all rules"))}
{_select("severity", "Severity", _options(severities, filters.severity, "all severities"))}
{_select("state", "State", states)}
{_select("age", "Age", ages)}
{_select("sort", "Sort by", sorts)}
{_select("order", "Order", orders)}
<div class="actions"><button type="submit" class="btn btn-primary">Apply filters</button>
<a class="btn" href="/overview/export.csv?{escape(filters.query())}">Export CSV</a>
<a class="btn" href="/overview/export.sarif?{escape(filters.query())}">Export SARIF</a></div>
</div>
</form>"""


def _table(table: Table, web_url: str) -> str:
    writers = {repo.full_name for repo in table.repositories if repo.can_push}
    rows = "".join(
        _row(finding, table, web_url, finding.repo in writers) for finding in table.findings[:MAX_ROWS]
    )
    shown = min(len(table.findings), MAX_ROWS)
    more = (
        f'<p class="muted">Showing {shown} of {len(table.findings)}; the exports hold them all.</p>'
        if len(table.findings) > MAX_ROWS
        else ""
    )
    if not rows:
        rows = '<tr><td colspan="9">No finding matches these filters.</td></tr>'
    return f"""<div class="table-wrap"><table class="findings">
<caption>{len(table.findings)} finding{"" if len(table.findings) == 1 else "s"} match these filters</caption>
<thead><tr><th scope="col">Repository</th><th scope="col">Location</th><th scope="col">Rule</th>
<th scope="col">Severity</th><th scope="col">Platform</th><th scope="col">Secret (redacted)</th>
<th scope="col">First seen</th><th scope="col">State</th><th scope="col">Links and actions</th></tr></thead>
<tbody>{rows}</tbody></table></div>{more}"""


def _dashboard(web_url: str, repo: str, issues: dict[str, int | None]) -> str:
    return dashboard_url(web_url, repo, issues.get(repo))


def _row(finding: StoredFinding, table: Table, web_url: str, can_push: bool) -> str:
    age = (table.now - finding.first_seen_at).days
    links = [f'<a href="{escape(_dashboard(web_url, finding.repo, table.dashboard_issues))}">dashboard</a>']
    if finding.fix_pull:
        url = pull_url(web_url, finding.repo, finding.fix_pull)
        links.append(f'<a href="{escape(url)}">fix #{finding.fix_pull}</a>')
    if can_push and finding.state is FindingState.OPEN:
        label = f"Open fix pull request for {finding.path} line {finding.line} in {finding.repo}"
        links.append(
            f"""<form method="post" action="/overview/fix" class="inline">
<input type="hidden" name="csrf" value="{escape(table.csrf)}">
<input type="hidden" name="repo" value="{escape(finding.repo)}">
<input type="hidden" name="fingerprint" value="{escape(finding.fingerprint)}">
<button type="submit" class="btn btn-sm" aria-label="{escape(label)}">Open fix pull request</button>
</form>"""
        )
    location = f"{finding.path}:{finding.line}"
    url = line_url(web_url, finding, table.scanned.get(finding.repo))
    return f"""<tr><td>{escape(finding.repo)}</td>
<td><a href="{escape(url)}"><code>{escape(location)}</code></a></td>
<td>{escape(finding.rule)}</td>
<td><span class="label label-{escape(finding.severity)}">{escape(finding.severity)}</span></td>
<td>{escape(finding.platform)}</td>
<td><code>{escape(finding.redacted)}</code><br>
<span class="muted fingerprint" title="fingerprint">{escape(finding.fingerprint[:16])}</span></td>
<td><time datetime="{finding.first_seen_at.isoformat()}">{finding.first_seen_at:%Y-%m-%d}</time><br>
<span class="muted">{age} days</span></td>
<td><span class="state state-{escape(finding.state.value)}">{escape(finding.state.value)}</span></td>
<td class="actions-cell">{" ".join(links)}</td></tr>"""
