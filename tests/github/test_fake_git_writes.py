"""The fake's write routes keep GitHub's rules where the fix pull request depends on them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from tests.fakegithub.routes_git import tree_sha
from tests.fakegithub.server import FakeGitHub
from tests.github.test_fake_github import fake, http

__all__ = ["fake", "http"]


def test_tree_ids_are_gits_own(tmp_path: Path) -> None:
    files = {"a.yml": b"a: 1\n", "deploy/prod/serverless.yml": b"service: x\n", "deploy/z.txt": b"z\n"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    written = subprocess.run(
        ["git", "-C", str(tmp_path), "write-tree"], check=True, capture_output=True, text=True
    )
    assert tree_sha(files) == written.stdout.strip()


def test_a_ref_moves_only_forward_unless_forced_and_is_created_once(
    fake: FakeGitHub, http: httpx.Client
) -> None:
    repo = fake.world.repos["octo/svc"]
    main, topic = repo.branches["main"], repo.branches["topic"]
    refs = "/repos/octo/svc/git/refs"

    assert http.post(refs, json={"ref": "refs/heads/main", "sha": topic}).status_code == 422
    assert http.patch(f"{refs}/heads/topic", json={"sha": main}).status_code == 422
    assert http.patch(f"{refs}/heads/topic", json={"sha": main, "force": True}).status_code == 200
    assert repo.branches["topic"] == main
    assert http.patch(f"{refs}/heads/topic", json={"sha": topic}).status_code == 200


def test_pull_requests_are_listed_by_head_and_refused_twice(fake: FakeGitHub, http: httpx.Client) -> None:
    pulls = "/repos/octo/svc/pulls"
    repo = fake.world.repos["octo/svc"]
    repo.commit("other", {"b.yml": "b: 1\n"})

    listed = http.get(pulls, params={"head": "octo:topic", "state": "open"}).json()
    created = http.post(pulls, json={"title": "T", "head": "other", "base": "main", "body": "B"})
    again = http.post(pulls, json={"title": "T", "head": "octo:other", "base": "main"})
    empty = http.post(pulls, json={"title": "T", "head": "main", "base": "main"})

    assert [item["head"]["ref"] for item in listed] == ["topic"]
    assert created.status_code == 201 and created.json()["body"] == "B"
    assert again.status_code == 422 and "already exists" in again.json()["errors"][0]["message"]
    assert empty.status_code == 422
    assert http.get(pulls, params={"head": "octo:nothing"}).json() == []
