"""The fake GitHub's fixtures (a real HTTP server checked against GitHub's REST description) for web tests."""

from __future__ import annotations

from tests.fakegithub.plugin import fake_clock, make_fake_github

__all__ = ["fake_clock", "make_fake_github"]
