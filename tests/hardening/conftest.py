"""The loopback fake GitHub's fixtures, and the end-to-end bot, for hardening tests."""

from __future__ import annotations

from tests.e2e.conftest import bot, github, repo
from tests.fakegithub.plugin import fake_clock, make_fake_github

__all__ = ["bot", "fake_clock", "github", "make_fake_github", "repo"]
