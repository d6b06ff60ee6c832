"""A scan costs a fixed, small number of requests: the figures the issue asks to keep an eye on."""

from __future__ import annotations

from collections import Counter

from bot.core.rules import RuleSet
from bot.jobs.scanning import scan_target
from bot.jobs.targets import pull_target
from bot.reports.model import Annotation, CheckRunOutput, DraftComment
from tests.github.conftest import BASE_MANIFEST, REPO, World

MARKER = "<!-- secrets-bot:finding fingerprint=feedface -->"


def scan_pull_request(world: World, manifests: list[str]) -> None:
    """The calls a pull-request scan makes, in the order the job makes them."""
    gateway, sha = world.gateway, world.pull.head_sha
    run_id = gateway.create_check_run(REPO, sha, name="Serverless secrets", external_id="delivery")
    files = gateway.pull_request_files(REPO, 1)
    for changed in files:
        if changed.path in manifests:
            gateway.file_content(REPO, changed.path, sha, max_bytes=1_000_000)
    existing = gateway.review_comments(REPO, 1)
    output = CheckRunOutput(
        "1 hard-coded secret found", "s", None, (Annotation("serverless.yml", 7, 7, "failure", "t", "m"),)
    )
    gateway.complete_check_run(REPO, run_id, conclusion="failure", output=output)
    if not existing:
        gateway.create_review(
            REPO, 1, commit_sha=sha, body="b", comments=[DraftComment("serverless.yml", 7, "x\n" + MARKER)]
        )


def test_a_pull_request_scan_with_five_manifests(world: World) -> None:
    names = [f"svc{index}/serverless.yml" for index in range(4)] + ["serverless.yml"]
    world.repo.commit("feature", {name: "service: x\n" for name in names[:4]})

    scan_pull_request(world, names)

    counts = Counter(r.operation for r in world.fake.calls())
    assert counts == {
        "apps/create-installation-access-token": 1,
        "checks/list-for-ref": 1,  # a retried job finds its check run instead of creating another
        "checks/create": 1,
        "pulls/list-files": 1,
        "repos/get-content": 5,
        "pulls/list-review-comments": 1,
        "checks/update": 1,
        "pulls/create-review": 1,
    }
    assert sum(counts.values()) == 12


def test_a_second_scan_reuses_the_token_and_posts_no_review(world: World) -> None:
    scan_pull_request(world, ["serverless.yml"])
    before = len(world.fake.calls())

    scan_pull_request(world, ["serverless.yml"])

    second = Counter(r.operation for r in world.fake.calls()[before:])
    assert "apps/create-installation-access-token" not in second
    assert "pulls/create-review" not in second
    assert second["checks/create"] == 1  # the first run is completed: a rescan gets a run of its own
    assert sum(second.values()) == 6


def test_files_past_the_listing_cap_cost_two_tree_calls(world: World) -> None:
    world.repo.commit("big", {f"docs/p{index:04}.md": "x\n" for index in range(3050)})
    big = world.repo.open_pull("big")

    listed = world.gateway.pull_request_files(REPO, big.number)
    changes = world.gateway.tree_changes(REPO, big.base_sha, big.head_sha)

    counts = Counter(r.operation for r in world.fake.calls())
    assert counts == {"apps/create-installation-access-token": 1, "pulls/list-files": 30, "git/get-tree": 2}
    assert len(listed) == 3000
    assert changes.complete and len(changes.paths) == 3050


def test_a_pull_request_reads_base_versions_only_of_changed_manifests_with_findings(world: World) -> None:
    """One comparison for the merge base, then one base read per modified manifest with findings at the
    head; an added manifest and a clean one cost no base read."""
    secret = "  environment:\n    STRIPE_SECRET_KEY: sk_live_" + "9fQ2xLr7TbW4kZp1MvN8sYc3\n"
    world.repo.commit("main", {"a/serverless.yml": BASE_MANIFEST + secret, "b/serverless.yml": BASE_MANIFEST})
    world.repo.commit(
        "pr",
        {
            "a/serverless.yml": (BASE_MANIFEST + secret).replace("python3.12", "python3.13"),
            "b/serverless.yml": BASE_MANIFEST.replace("python3.12", "python3.13"),
            "c/serverless.yml": BASE_MANIFEST + secret,
        },
        start="main",
    )
    pull = world.repo.open_pull("pr")
    target = pull_target(REPO, world.gateway.pull_request(REPO, pull.number))
    before = len(world.fake.calls())

    report = scan_target(target, world.gateway, RuleSet.default())

    counts = Counter(r.operation for r in world.fake.calls()[before:])
    assert counts == {
        # the config's .yml and .yaml, the organisation's two, three manifests at the head, one at the base
        "repos/get-content": 8,
        "pulls/list-files": 1,
        "repos/compare-commits-with-basehead": 1,
        "pulls/list-commits": 1,  # one commit, the head: its files are the head's, no further call
    }
    base_reads = [
        r.path for r in world.fake.calls("repos/get-content") if r.query.get("ref") == [pull.base_sha]
    ]
    assert base_reads == ["/repos/octo/svc/contents/a/serverless.yml"]
    assert {f.path for f in report.findings if f.fingerprint in report.context.preexisting} == {
        "a/serverless.yml"
    }


def test_a_pull_request_without_findings_makes_no_base_call(world: World) -> None:
    world.repo.commit("clean", {"serverless.yml": BASE_MANIFEST.replace("python3.12", "python3.13")})
    pull = world.repo.open_pull("clean")
    target = pull_target(REPO, world.gateway.pull_request(REPO, pull.number))
    before = len(world.fake.calls())

    scan_target(target, world.gateway, RuleSet.default())

    operations = {r.operation for r in world.fake.calls()[before:]}
    assert "repos/compare-commits-with-basehead" not in operations


def test_the_conversation_is_listed_a_hundred_comments_a_call(world: World) -> None:
    """What `/secrets-bot rotated` and a scan with history findings add: one call per 100 comments."""
    for index in range(150):
        world.fake.world.add_issue_comment(REPO, 1, f"comment {index}", user="dev-bob")
    before = len(world.fake.calls())

    comments = world.gateway.conversation(REPO, 1)

    assert [c.body for c in comments] == [f"comment {index}" for index in range(150)]
    assert {c.author for c in comments} == {"dev-bob"} and all(c.created_at for c in comments)
    calls = Counter(r.operation for r in world.fake.calls()[before:])
    assert calls == {"apps/create-installation-access-token": 1, "issues/list-comments": 2}
