"""The peer table: pinned, offline-safe commands that redact where the tool can, built without installing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.peers.tools import PEERS, select

CACHE, TARGET, OUT = Path("/cache"), Path("/scan/files"), Path("/tmp/report.json")


def test_every_peer_is_pinned_and_lives_in_its_own_folder() -> None:
    homes = {peer.home(CACHE) for peer in PEERS}
    assert len(homes) == len(PEERS)
    assert all(("==" in spec or "@" in spec[1:]) for peer in PEERS for spec in peer.packages)


def test_commands_redact_and_never_verify() -> None:
    argv = {peer.name: peer.argv(CACHE, TARGET, OUT) for peer in PEERS}
    assert "--redact" in argv["gitleaks"]
    assert "--hashed" in argv["credsweeper"]
    assert "--no-verify" in argv["detect-secrets"]
    assert "--no-history" in argv["trufflehog3"]
    assert "--enable-secret-scan-all-files" in argv["checkov"]
    assert "--no-maskSecrets" not in argv["secretlint"]


def test_checkov_never_expands_variables_from_the_host() -> None:
    checkov = select(["checkov"])[0]
    assert checkov.env["CHECKOV_SERVERLESS_DISABLE_VARS"] == "true"


def test_an_unknown_peer_name_is_an_error() -> None:
    assert [peer.name for peer in select(["gitleaks", "whispers"])] == ["gitleaks", "whispers"]
    with pytest.raises(SystemExit, match="nosuchtool"):
        select(["nosuchtool"])
