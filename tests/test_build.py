"""The build is reproducible: the base image is pinned by digest and the build backend by version and hash."""

from __future__ import annotations

import re
import tomllib

from tests.processes import ROOT

DIGEST_PINNED = re.compile(r"[a-z0-9./:-]+@sha256:[0-9a-f]{64}")


def dockerfile_args() -> dict[str, str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.MULTILINE))


def test_every_base_image_is_pinned_by_digest() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    args = dockerfile_args()
    images = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    stages = set(re.findall(r"^FROM \S+ AS (\S+)", text, re.MULTILINE))
    assert images
    for image in images:
        if image in stages:
            continue
        resolved = re.sub(r"\$\{(\w+)\}", lambda name: args.get(name.group(1), "UNSET"), image)
        assert DIGEST_PINNED.fullmatch(resolved), f"FROM {image} is not pinned by digest"
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim@sha256:")


def pinned_backend() -> tuple[str, str]:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    [requirement] = build["requires"]
    name, _, version = requirement.partition("==")
    assert re.fullmatch(r"\d+(\.\d+)+", version), f"{requirement} is not an exact pin"
    assert build["build-backend"].startswith(name + ".")
    return name, version


def test_the_build_backend_is_pinned_and_the_lock_files_agree() -> None:
    name, version = pinned_backend()
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        entry = re.search(
            rf"^{re.escape(name)}==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{{64}}.*\n)+)", text, re.M
        )
        assert entry is not None, f"{lock} does not pin {name} with hashes"
        assert entry.group(1) == version, f"{lock} pins {name} {entry.group(1)}, pyproject {version}"


def test_the_pinned_backend_is_the_one_that_builds() -> None:
    """Build isolation would fetch the backend again, unpinned and unchecked: both builds turn it off."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --no-deps --no-build-isolation ." in dockerfile
    assert "pip install -q --no-deps --no-build-isolation -e ." in makefile
