"""A file's bytes at a ref, or a blob's by its SHA, streamed with httpx and cut off at the size limit.

PyGithub's contents API returns base64 JSON and gives up past 1 MB; the raw media type serves files up to
100 MB, so the body is streamed and abandoned as soon as it passes `max_bytes` instead of being buffered.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from bot.github.protocol import FileTooLarge, UnreadableAnswer
from bot.github.retry import HttpStatusError

RAW = "application/vnd.github.raw+json"
RAW_LIMIT = 100 * 1024 * 1024  # GitHub refuses raw content past this size (403, code too_large)
# What a 200 for the raw media type must never be: a page from a proxy in front of GitHub, or JSON (a
# directory listing, a submodule or an error object), none of which is the file.
NOT_RAW = ("text/html", "application/xhtml+xml", "application/json")


def read_file(
    http: httpx.Client, token: str, repo: str, path: str, ref: str | None, *, max_bytes: int
) -> bytes | None:
    """None when the file (or the ref) does not exist; FileTooLarge past `max_bytes`. Without a `ref`,
    GitHub reads the repository's default branch."""
    url = f"repos/{repo}/contents/{quote(path, safe='/')}"
    return _stream(http, token, url, {"ref": ref} if ref is not None else {}, path, max_bytes)


def read_blob(http: httpx.Client, token: str, repo: str, sha: str, *, max_bytes: int) -> bytes | None:
    """A blob by its SHA (the raw media type: no base64 to buffer); None when GitHub does not have it."""
    return _stream(http, token, f"repos/{repo}/git/blobs/{quote(sha, safe='')}", {}, sha, max_bytes)


def _stream(
    http: httpx.Client, token: str, url: str, params: dict[str, str], path: str, max_bytes: int
) -> bytes | None:
    headers = {"Authorization": f"token {token}", "Accept": RAW}
    with http.stream("GET", url, params=params, headers=headers) as response:
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            _raise_for(response, path)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type in NOT_RAW:
            raise UnreadableAnswer(f"a {media_type} answer instead of the file's raw content")
        declared = int(response.headers.get("content-length") or 0)
        if declared > max_bytes:
            raise FileTooLarge(path, declared)
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > max_bytes:
                raise FileTooLarge(path, max(declared, len(data)))
        return bytes(data)


def _raise_for(response: httpx.Response, path: str) -> None:
    response.read()
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    message = str(payload.get("message", "")) if isinstance(payload, dict) else ""
    errors = str(payload.get("errors", "")) if isinstance(payload, dict) else ""
    if response.status_code == 403 and "too_large" in errors + message.replace(" ", "_").lower():
        raise FileTooLarge(path, RAW_LIMIT)
    raise HttpStatusError(response.status_code, response.headers, message)
