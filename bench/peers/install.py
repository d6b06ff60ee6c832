"""Install each peer at its pinned version into its own folder under the cache (idempotent).

Python peers get one virtualenv each, made with the interpreter running this script; secretlint gets an
npm prefix. A stamp file records the exact package list, so a changed pin reinstalls and an unchanged one
costs nothing. matplotlib, which only the plot needs, gets a venv of its own the same way.

    .venv/bin/python -m bench.peers.install [--cache bench/.cache] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from .tools import Manager, Peer, select

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache"
PLOT_PACKAGES = ("matplotlib==3.11.2",)


def plot_home(cache: Path) -> Path:
    return cache / "plot"


def ensure_venv(home: Path, packages: tuple[str, ...]) -> Path:
    """A virtualenv at `home` holding exactly `packages`; returns its python."""
    python = home / "bin" / "python"
    if _stamped(home, packages):
        return python
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *packages], check=True)
    _stamp(home, packages)
    return python


def ensure_npm(home: Path, packages: tuple[str, ...]) -> Path:
    """An npm prefix at `home` holding exactly `packages`; returns its node_modules/.bin folder."""
    if not _stamped(home, packages):
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is not installed: secretlint cannot run here")
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        quiet = ["--no-audit", "--no-fund", "--loglevel", "error", "--save-exact"]
        subprocess.run([npm, "install", "--prefix", str(home), *quiet, *packages], check=True)
        _stamp(home, packages)
    return home / "node_modules" / ".bin"


def install(peer: Peer, cache: Path) -> None:
    if peer.manager is Manager.NPM:
        ensure_npm(peer.home(cache), peer.packages)
    else:
        ensure_venv(peer.home(cache), peer.packages)


def is_available(peer: Peer) -> bool:
    """Whether this machine can run the peer at all (secretlint needs node)."""
    return peer.manager is not Manager.NPM or shutil.which("node") is not None


def _stamped(home: Path, packages: tuple[str, ...]) -> bool:
    stamp = home / ".installed"
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == "\n".join(packages)


def _stamp(home: Path, packages: tuple[str, ...]) -> None:
    (home / ".installed").write_text("\n".join(packages), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--only", nargs="*", help="peer names (default: all)")
    parser.add_argument("--no-plot", action="store_true", help="skip the matplotlib venv")
    args = parser.parse_args(argv)
    for peer in select(args.only):
        if not is_available(peer):
            print(f"skip {peer.label}: node is not installed", file=sys.stderr)
            continue
        print(f"install {peer.label}", file=sys.stderr)
        install(peer, args.cache)
    if not args.no_plot:
        ensure_venv(plot_home(args.cache), PLOT_PACKAGES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
