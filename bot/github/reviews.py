"""Pull-request reviews and their comments, posted so that a retry never shows a comment twice.

A review is created in one request (all inline comments at once, event COMMENT). If that request fails
ambiguously (5xx, reset, cut-off answer), the review comments already on the pull request are searched for
the hidden markers of the drafts before anything is sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from bot.github.protocol import ReviewComment
from bot.github.session import PER_PAGE, Session
from bot.reports.markers import fingerprints_in
from bot.reports.model import DraftComment

MAX_PAGES = 100


def review_comments(session: Session, repo: str, number: int) -> list[ReviewComment]:
    listing = session.repo(repo).get_pull(number).get_review_comments()

    def page_of(page: int) -> list[ReviewComment]:
        return [ReviewComment(c.id, c.body, c.path, c.line, c.user.login) for c in listing.get_page(page)]

    comments: list[ReviewComment] = []
    for page in range(MAX_PAGES):
        batch = session.read("list review comments", partial(page_of, page))
        comments += batch
        if len(batch) < PER_PAGE:
            break
    return comments


def create_review(
    session: Session, repo: str, number: int, *, commit_sha: str, body: str, comments: Sequence[DraftComment]
) -> None:
    if not body and not comments:
        return
    payload = {
        "commit_id": commit_sha,
        "event": "COMMENT",
        "body": body,
        "comments": [_draft(comment) for comment in comments],
    }
    markers = {fp for comment in comments for fp in fingerprints_in(comment.body)}

    def post() -> bool:
        session.request("POST", f"/repos/{repo}/pulls/{number}/reviews", body=payload)
        return True

    def posted() -> bool | None:
        found = {
            fp for comment in review_comments(session, repo, number) for fp in fingerprints_in(comment.body)
        }
        return True if markers & found else None

    session.write("post the review", post, recover=posted if markers else None)


def update_review_comment(session: Session, repo: str, comment_id: int, body: str) -> None:
    """Setting a body is idempotent, so a plain retry is safe."""
    session.read(
        "update a review comment",
        lambda: session.request("PATCH", f"/repos/{repo}/pulls/comments/{comment_id}", body={"body": body}),
    )


def _draft(comment: DraftComment) -> dict[str, object]:
    """GitHub's shape: a multi-line comment names its first line too, on the same (RIGHT) side."""
    draft: dict[str, object] = {
        "path": comment.path,
        "line": comment.line,
        "side": "RIGHT",
        "body": comment.body,
    }
    if comment.start_line is not None:
        draft.update(start_line=comment.start_line, start_side="RIGHT")
    return draft
