"""A fake GitHub REST API on loopback, checked against GitHub's official description (see README.md)."""

from tests.fakegithub.clock import FakeClock
from tests.fakegithub.records import RecordedRequest
from tests.fakegithub.server import FakeGitHub

__all__ = ["FakeClock", "FakeGitHub", "RecordedRequest"]
