"""A pull request that adds an AWS access key pair to a Lambda environment gets the execution-role fix in its
review comments and check run: delete the variables, deactivate the user's key, grant the role; never SSM."""

from __future__ import annotations

from bot.core.rules import RuleSet
from bot.jobs.queue import memory_queue
from bot.jobs.scan_job import ScanOutcome, run_scan
from tests.conftest import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, pull_request

KEY_ID = "AKIA" + "Q2W3E4R5" + "T6Y7U8I9"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "Zq7xK9pL2m"
MANIFEST = (
    "service: billing\nprovider:\n  name: aws\nfunctions:\n  charge:\n    handler: handler.charge\n"
    f"    environment:\n      AWS_ACCESS_KEY_ID: {KEY_ID}\n      AWS_SECRET_ACCESS_KEY: {SECRET}\n"
).encode()


def test_an_aws_key_pair_gets_the_execution_role_fix(fake_github: FakeGitHub) -> None:
    fake_github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": MANIFEST})
    outcome = run_scan(
        pull_request(), fake_github, ruleset_base=RuleSet.default(), latest_heads=memory_queue().ledger
    )
    assert outcome is ScanOutcome.REPORTED
    [review] = fake_github.reviews
    assert sorted(c.line for c in review.comments) == [8, 9]
    for comment in review.comments:
        body = comment.body.replace("\\", "")  # prose is Markdown-escaped
        assert "```suggestion\n```" in body  # the one-click fix deletes the line
        assert "aws iam update-access-key --status Inactive --access-key-id <access-key-id>" in body
        assert "provider.iam.role.statements" in body
        assert "put-parameter" not in body and "${ssm:" not in body
        assert body.index("Rotate first") < body.index("update-access-key") < body.index("```suggestion")
    run = fake_github.only_run(HEAD)
    assert run.conclusion == "failure" and run.output is not None
    assert "Fix: delete the line." in " ".join(a.message for a in run.output.annotations)
    sent = fake_github.everything_sent()
    assert KEY_ID not in sent and SECRET not in sent
