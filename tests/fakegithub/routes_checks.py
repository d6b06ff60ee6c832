"""Check runs with GitHub's rules: a known head SHA, at most 50 annotations a request, appended on update."""

from __future__ import annotations

from typing import Any

from tests.fakegithub import shapes
from tests.fakegithub.call import ApiError, Call, Reply, not_found
from tests.fakegithub.state import CheckRun

MAX_ANNOTATIONS = 50


def create(call: Call) -> Reply:
    repo = call.repo()
    body = call.body or {}
    if body.get("head_sha") not in repo.commits:
        raise ApiError(422, "No commit found for SHA: " + str(body.get("head_sha")))
    run = CheckRun(
        id=call.fake.world.new_id(),
        repo=repo.full_name,
        head_sha=body["head_sha"],
        name=body["name"],
        app_id=call.fake.app_id,
        external_id=body.get("external_id", ""),
        started_at=shapes.iso(call.now),
        check_suite_id=call.fake.world.suite_for(repo.full_name, body["head_sha"], call.fake.app_id).id,
    )
    _apply(call, run, body)
    call.fake.world.check_runs[run.id] = run
    return Reply(201, shapes.check_run(call.api, run, call.fake.app_slug))


def update(call: Call) -> Reply:
    run = _run(call)
    _apply(call, run, call.body or {})
    run.updates += 1
    return Reply(json=shapes.check_run(call.api, run, call.fake.app_slug))


def get(call: Call) -> Reply:
    return Reply(json=shapes.check_run(call.api, _run(call), call.fake.app_slug))


def get_suite(call: Call) -> Reply:
    suite = call.fake.world.check_suites.get(call.int_param("check_suite_id"))
    if suite is None or suite.repo != call.repo().full_name:
        raise not_found()
    return Reply(json=shapes.check_suite(call.api, suite, call.fake.app_slug))


def list_for_ref(call: Call) -> Reply:
    repo = call.repo()
    sha = repo.resolve(call.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {call.params['ref']}")
    runs = [run for run in call.fake.world.runs_for(repo.full_name, sha) if _listed(run, call.query)]
    runs.sort(key=lambda run: -run.id)
    if call.query.get("filter", "latest") == "latest":
        runs = [run for index, run in enumerate(runs) if run.name not in {r.name for r in runs[:index]}]
    listed = [shapes.check_run(call.api, run, call.fake.app_slug) for run in runs]
    return Reply(
        json={"total_count": len(listed), "check_runs": listed}, paginate=True, page_key="check_runs"
    )


def _listed(run: CheckRun, query: dict[str, str]) -> bool:
    return (
        query.get("check_name", run.name) == run.name
        and query.get("status", run.status) == run.status
        and query.get("app_id", str(run.app_id)) == str(run.app_id)
    )


def _run(call: Call) -> CheckRun:
    run = call.fake.world.check_runs.get(call.int_param("check_run_id"))
    if run is None or run.repo != call.repo().full_name:
        raise not_found()
    return run


def _apply(call: Call, run: CheckRun, body: dict[str, Any]) -> None:
    output = body.get("output")
    if output is not None:
        annotations = output.get("annotations", [])
        if len(annotations) > MAX_ANNOTATIONS:
            raise ApiError(422, "Invalid request.\n\nOnly 50 annotations are allowed per request.")
        run.output.update({key: value for key, value in output.items() if key != "annotations"})
        run.annotations.extend(annotations)
    for key in ("name", "external_id", "started_at", "completed_at"):
        if key in body:
            setattr(run, key, body[key])
    if "status" in body:
        run.status = body["status"]
    if "conclusion" in body:
        run.conclusion = body["conclusion"]
        run.status = "completed"
        run.completed_at = run.completed_at or shapes.iso(call.now)
    if run.status == "completed" and run.conclusion is None:
        raise ApiError(422, "Invalid request.\n\n`conclusion` is required when `status` is `completed`.")
