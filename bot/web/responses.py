"""What every HTML page of the bot shares: strict security headers, and a small urlencoded form reader."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse

MAX_FORM_BYTES = 16_384


def html_response(content: str, status: int = 200, *, form_target: str | None = None) -> HTMLResponse:
    """No script at all, styles from this origin only, forms post here (or to `form_target`), no framing."""
    forms = "'self'" + (f" {form_target}" if form_target else "")
    policy = (
        f"default-src 'none'; style-src 'self'; img-src 'self'; form-action {forms}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(content, status_code=status, headers=headers)


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form (no multipart dependency); oversized or undecodable bodies read as empty."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {key: values[-1] for key, values in parsed.items()}
