"""Reviews, review comments, issue comments and reactions, with GitHub's 422 for a line outside the diff
and for a multi-line comment that breaks GitHub's rules (start before the end, same side, same hunk)."""

from __future__ import annotations

from typing import Any

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.state import Pull, Reaction, Review, ReviewComment

REACTIONS = {"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"}


def create_review(call: Call) -> Reply:
    repo = call.repo()
    item = _pull(call)
    body = call.body or {}
    event = body.get("event")
    if event in {"COMMENT", "REQUEST_CHANGES"} and not body.get("body") and not body.get("comments"):
        raise ApiError(422, "Unprocessable Entity", errors=["Review body is required"])
    commit_id = body.get("commit_id", item.head_sha)
    if commit_id not in repo.commits:
        raise ApiError(422, "Unprocessable Entity", errors=["Commit not found"])
    files = repo.diff(item.base_sha, commit_id)
    lines = {str(f["filename"]): f["commentable"] for f in files}
    hunks = {str(f["filename"]): f["hunks"] for f in files}
    drafts = body.get("comments", [])
    for draft in drafts:
        _check_draft(draft, lines)
        _check_range(draft, hunks[draft["path"]])
    review = Review(
        call.fake.world.new_id(),
        repo.full_name,
        item.number,
        commit_id,
        body.get("body", ""),
        "COMMENTED" if event == "COMMENT" else event or "PENDING",
        call.fake.bot_login,
    )
    call.fake.world.reviews[review.id] = review
    for draft in drafts:
        comment = ReviewComment(
            call.fake.world.new_id(),
            repo.full_name,
            item.number,
            review.id,
            draft["path"],
            draft["line"],
            draft["line"],
            draft.get("side", "RIGHT"),
            draft["body"],
            commit_id,
            call.fake.bot_login,
            draft.get("start_line"),
        )
        call.fake.world.review_comments[comment.id] = comment
    return Reply(json=shapes.review(call.api, review, call.actor, call.now))


def list_review_comments(call: Call) -> Reply:
    repo = call.repo()
    item = _pull(call)
    world = call.fake.world
    comments = sorted(world.comments_on(repo.full_name, item.number), key=lambda c: c.id)
    return Reply(
        json=[shapes.review_comment(call.api, c, world.add_user(c.user), call.now) for c in comments],
        paginate=True,
    )


def update_review_comment(call: Call) -> Reply:
    world = call.fake.world
    comment = world.review_comments.get(call.int_param("comment_id"))
    if comment is None or comment.repo != call.repo().full_name:
        raise not_found()
    if comment.user != call.fake.bot_login:
        raise ApiError(403, "Resource not accessible by integration")
    comment.body = call.body["body"]
    return Reply(json=shapes.review_comment(call.api, comment, world.add_user(comment.user), call.now))


def list_issue_comments(call: Call) -> Reply:
    repo = call.repo()
    world = call.fake.world
    number = call.int_param("issue_number")
    found = [c for c in world.issue_comments.values() if c.repo == repo.full_name and c.issue == number]
    return Reply(
        json=[shapes.issue_comment(call.api, c, world.add_user(c.user), call.now) for c in found],
        paginate=True,
    )


def create_issue_comment(call: Call) -> Reply:
    repo = call.repo()
    number = call.int_param("issue_number")
    if number not in repo.pulls:
        raise not_found()
    comment = call.fake.world.add_issue_comment(
        repo.full_name, number, call.body["body"], user=call.fake.bot_login
    )
    return Reply(201, shapes.issue_comment(call.api, comment, call.actor, call.now))


def create_reaction(call: Call) -> Reply:
    """201 for a new reaction, 200 when this user already reacted so: the call is idempotent on GitHub."""
    world = call.fake.world
    comment = world.issue_comments.get(call.int_param("comment_id"))
    if comment is None or comment.repo != call.repo().full_name:
        raise not_found()
    content = call.body["content"]
    for existing in world.reactions:
        if (
            existing.comment_id == comment.id
            and existing.content == content
            and existing.user == call.fake.bot_login
        ):
            return Reply(200, shapes.reaction(call.api, existing, call.actor, call.now))
    reaction = Reaction(world.new_id(), comment.id, content, call.fake.bot_login)
    world.reactions.append(reaction)
    return Reply(201, shapes.reaction(call.api, reaction, call.actor, call.now))


def _pull(call: Call) -> Pull:
    item = call.repo().pulls.get(call.int_param("pull_number"))
    if item is None:
        raise not_found()
    return item


def _check_draft(draft: dict[str, Any], lines: dict[str, Any]) -> None:
    if draft["path"] not in lines:
        raise ApiError(422, "Unprocessable Entity", errors=["Path could not be resolved"])
    if "line" not in draft:
        raise ApiError(422, "Unprocessable Entity", errors=["line is required (the bot never uses position)"])
    if draft.get("side", "RIGHT") != "RIGHT" or draft["line"] not in lines[draft["path"]]:
        raise ApiError(
            422, "Unprocessable Entity", errors=["Pull request review thread line must be part of the diff"]
        )


def _check_range(draft: dict[str, Any], hunks: Any) -> None:
    """GitHub's rules for a comment over several lines: `start_line` before `line`, both on the RIGHT side
    (the bot comments only on what the head shows), both in the same hunk of the diff."""
    if "start_line" not in draft:
        if "start_side" in draft:
            raise ApiError(422, "Unprocessable Entity", errors=["start_side requires start_line"])
        return
    start, end = draft["start_line"], draft["line"]
    if start >= end:
        raise ApiError(422, "Unprocessable Entity", errors=["start_line must precede the end line."])
    if draft.get("start_side", draft.get("side", "RIGHT")) != draft.get("side", "RIGHT"):
        raise ApiError(422, "Unprocessable Entity", errors=["start_side must be the same as side"])
    if not any(first <= start and end <= last for first, last in hunks):
        raise ApiError(
            422,
            "Unprocessable Entity",
            errors=["Pull request review thread start line must be part of the same hunk as the line."],
        )
