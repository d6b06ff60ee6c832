"""`read_manifest` reads what `handle.read(limit)` would, whatever size `stat` told (a file may change) and
however few bytes each raw read returns."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

from bot.batch import _read_up_to, read_manifest
from bot.core.config import ScanLimits
from bot.core.findings import Notice


def test_the_same_bytes_as_one_read_of_the_limit() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        actual = rng.randrange(0, 300)
        told = max(0, actual + rng.choice([0, 0, -1, 1, rng.randrange(-300, 300)]))  # grown or shrunk since
        limit = rng.randrange(told + 1, told + 300)  # stat's size is never over the limit when we read
        content = rng.randbytes(actual)
        assert _read_up_to(io.BytesIO(content).read, told, limit) == io.BytesIO(content).read(limit)


def test_short_reads_change_nothing() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        actual = rng.randrange(0, 300)
        told = max(0, actual + rng.choice([0, 0, -1, 1, rng.randrange(-300, 300)]))
        limit = rng.randrange(told + 1, told + 300)
        content = rng.randbytes(actual)
        source = io.BytesIO(content)

        def short_read(wanted: int, source: io.BytesIO = source) -> bytes:
            assert wanted > 0
            return source.read(rng.randrange(1, wanted + 1))

        assert _read_up_to(short_read, told, limit) == io.BytesIO(content).read(limit)


def test_files_at_and_over_the_limit(tmp_path: Path) -> None:
    limits = ScanLimits(max_bytes=100)
    for size in (0, 1, 99, 100):
        path = tmp_path / f"f{size}.yml"
        path.write_bytes(b"a" * size)
        assert read_manifest(path, path.name, limits) == b"a" * size
    path = tmp_path / "big.yml"
    path.write_bytes(b"a" * 101)
    assert isinstance(read_manifest(path, path.name, limits), Notice)
    assert isinstance(read_manifest(str(path), path.name, limits), Notice)


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "serverless.yml"
    os.mkfifo(path)
    notice = read_manifest(path, path.name, ScanLimits())
    assert isinstance(notice, Notice)
    assert "not a regular file" in notice.message
