"""The opened-vs-fixed trend as a small SVG drawn on the server: no script, no chart library, a text
alternative for screen readers (`role="img"` with a title and a description listing every week)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.web.overview.summary import Week

WIDTH = 560
HEIGHT = 160
MARGIN_LEFT = 28
MARGIN_BOTTOM = 22
MARGIN_TOP = 10


def trend_svg(weeks: Sequence[Week], *, chart_id: str) -> str:
    """Paired bars per week: opened (red) and fixed (green), with the week's date under every other pair."""
    peak = max([1, *(week.opened for week in weeks), *(week.fixed for week in weeks)])
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = (WIDTH - MARGIN_LEFT) / max(len(weeks), 1)
    bar = max(slot / 2 - 3, 2)
    parts = [
        f'<line x1="{MARGIN_LEFT}" y1="{HEIGHT - MARGIN_BOTTOM}" x2="{WIDTH}" y2="{HEIGHT - MARGIN_BOTTOM}" '
        'class="axis"/>',
        f'<text x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + 8}" class="tick" text-anchor="end">{peak}</text>',
        f'<text x="{MARGIN_LEFT - 4}" y="{HEIGHT - MARGIN_BOTTOM}" class="tick" text-anchor="end">0</text>',
    ]
    for index, week in enumerate(weeks):
        x = MARGIN_LEFT + index * slot + 2
        for offset, value, kind in ((0.0, week.opened, "opened"), (bar + 1, week.fixed, "fixed")):
            height = plot_height * value / peak
            y = HEIGHT - MARGIN_BOTTOM - height
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'class="{kind}">'
                f"<title>{escape(week.start.isoformat())}: {value} {kind}</title></rect>"
            )
        if index % 2 == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 6}" class="tick">{week.start.strftime("%d %b")}</text>'
            )
    description = "; ".join(
        f"week of {week.start.isoformat()}: {week.opened} opened, {week.fixed} fixed" for week in weeks
    )
    return (
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">Findings opened and fixed per week</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
