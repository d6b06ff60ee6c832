"""Check runs: created once per (head SHA, name, external id), completed with annotations in batches of 50.

GitHub refuses more than 50 annotations in one request and appends the annotations of each update, so the
first batch goes with the completion (the run is never left in progress by a later failure) and the rest
follow as updates. A repeated update after an ambiguous failure is avoided by reading `annotations_count`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.github.protocol import OwnCheckRun, SuitePush
from bot.github.session import PER_PAGE, Session
from bot.reports.model import Annotation, CheckAction, CheckRunOutput

MAX_ANNOTATIONS = 50
MAX_TEXT = 65_535


def create_run(session: Session, repo: str, head_sha: str, *, name: str, external_id: str) -> int:
    existing = session.read(
        "look for the check run", lambda: find_run(session, repo, head_sha, name, external_id)
    )
    if existing is not None:
        return existing

    def post() -> int:
        run = session.repo(repo).create_check_run(
            name=name,
            head_sha=head_sha,
            external_id=external_id,
            status="in_progress",
            started_at=session.now(),
        )
        return int(run.id)

    return session.write(
        "create the check run", post, recover=lambda: find_run(session, repo, head_sha, name, external_id)
    )


def find_run(session: Session, repo: str, head_sha: str, name: str, external_id: str) -> int | None:
    """Our App's unfinished run with this name and external id, if an earlier attempt of the job created it.

    A completed run is never reused: a re-run or a rescan of the same commit gets a run of its own (as GitHub
    expects), and completing an old run again would append its annotations a second time.
    """
    params = {"check_name": name, "filter": "all", "app_id": session.app_id, "per_page": PER_PAGE}
    data = session.request("GET", f"/repos/{repo}/commits/{head_sha}/check-runs", params=params)
    for run in data.get("check_runs", []):
        if run.get("external_id") == external_id and run.get("status") != "completed":
            return int(run["id"])
    return None


def own_runs(session: Session, repo: str, head_sha: str, name: str) -> list[OwnCheckRun]:
    """This App's runs on the commit, newest first. GitHub filters by `app_id`; the App's id is checked
    again here, since a run's text is trusted as the App's own words (acknowledgements live there)."""
    params = {"check_name": name, "filter": "all", "app_id": session.app_id, "per_page": PER_PAGE}
    path = f"/repos/{repo}/commits/{head_sha}/check-runs"
    data = session.read("list our check runs", partial(session.request, "GET", path, params=params))
    return [
        OwnCheckRun(
            int(run["id"]),
            str(run.get("status") or ""),
            str((run.get("output") or {}).get("text") or ""),
            int((run.get("check_suite") or {}).get("id") or 0),
            str(run.get("completed_at") or run.get("started_at") or ""),
        )
        for run in data.get("check_runs", [])
        if (run.get("app") or {}).get("id") == session.app_id
    ]


def suite_push(session: Session, repo: str, suite_id: int) -> SuitePush:
    path = f"/repos/{repo}/check-suites/{suite_id}"
    data = session.read("read the check suite", partial(session.request, "GET", path))
    before = data.get("before")
    pushed = isinstance(before, str) and before.strip("0") != ""  # all zeros: a new branch
    return SuitePush(str(data["head_sha"]), before if pushed else None, data.get("head_branch"))


def complete_run(
    session: Session, repo: str, run_id: int, *, conclusion: str, output: CheckRunOutput
) -> None:
    batches = batched(output.annotations)
    sent = 0
    for index, batch in enumerate(batches):
        sent += len(batch)
        fields: dict[str, Any] = {"output": output_fields(output, batch, first=index == 0)}
        if index == 0:
            fields.update(status="completed", conclusion=conclusion, completed_at=session.now())
            if output.actions:
                fields["actions"] = [_action(action) for action in output.actions]
        session.write(
            f"complete the check run (annotations {index + 1}/{len(batches)})",
            partial(_update, session, repo, run_id, fields),
            recover=partial(_applied, session, repo, run_id, sent),
        )


def note_run(session: Session, repo: str, run_id: int, *, output: CheckRunOutput) -> None:
    """An in-progress run's title and summary; setting them is idempotent, so a plain retry is safe."""
    fields = {"status": "in_progress", "output": output_fields(output, (), first=True)}
    session.read("note on the check run", partial(_update, session, repo, run_id, fields))


def batched(annotations: tuple[Annotation, ...]) -> list[tuple[Annotation, ...]]:
    """Chunks of at most 50; always one chunk, so a run without findings is still completed."""
    chunks = [
        annotations[start : start + MAX_ANNOTATIONS] for start in range(0, len(annotations), MAX_ANNOTATIONS)
    ]
    return chunks or [()]


def output_fields(output: CheckRunOutput, batch: tuple[Annotation, ...], *, first: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"title": fit(output.title), "summary": fit(output.summary)}
    if first and output.text:
        fields["text"] = fit(output.text)
    if batch:
        fields["annotations"] = [_annotation(annotation) for annotation in batch]
    return fields


def fit(text: str) -> str:
    """A last guard on GitHub's 65,535-character limit (renderers already stay under it)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_TEXT:
        return text
    return encoded[: MAX_TEXT - 16].decode("utf-8", errors="ignore") + "\n\n(truncated)"


def _annotation(annotation: Annotation) -> dict[str, Any]:
    return {
        "path": annotation.path,
        "start_line": annotation.start_line,
        "end_line": annotation.end_line,
        "annotation_level": annotation.level,
        "title": annotation.title[:255],
        "message": fit(annotation.message),
    }


def _action(action: CheckAction) -> dict[str, str]:
    return {"label": action.label, "description": action.description, "identifier": action.identifier}


def _update(session: Session, repo: str, run_id: int, fields: dict[str, Any]) -> bool:
    session.repo(repo).get_check_run(run_id).edit(**fields)
    return True


def _applied(session: Session, repo: str, run_id: int, expected_annotations: int) -> bool | None:
    run = session.request("GET", f"/repos/{repo}/check-runs/{run_id}")
    done = run.get("status") == "completed" and run["output"]["annotations_count"] >= expected_annotations
    return True if done else None
