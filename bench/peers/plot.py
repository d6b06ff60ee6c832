"""The two pictures of docs/benchmarks.md, drawn from the JSON the bench scripts write.

matplotlib is no dependency of the project: `draw()` (called by the bench scripts in the project's venv)
makes sure the cache holds a venv with it, then runs this module there:

    bench/.cache/plot/bin/python -m bench.peers.plot accuracy bench/out/accuracy.json docs/img/x.png
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .install import PLOT_PACKAGES, ensure_venv, plot_home

REPO = Path(__file__).resolve().parents[2]
IMAGES = {
    "accuracy": REPO / "docs" / "img" / "precision-recall.png",
    "speed": REPO / "docs" / "img" / "throughput.png",
}


def draw(kind: str, data: Path, cache: Path) -> Path:
    python = ensure_venv(plot_home(cache), PLOT_PACKAGES)
    image = IMAGES[kind]
    image.parent.mkdir(parents=True, exist_ok=True)
    command = [str(python), "-m", "bench.peers.plot", kind, str(data), str(image)]
    subprocess.run(command, cwd=REPO, check=True)
    print(f"wrote {image.relative_to(REPO)}", file=sys.stderr)
    return image


def _accuracy(document: dict[str, Any], image: Path) -> None:
    import matplotlib.pyplot as plt  # only the plot venv has it

    figure, axes = plt.subplots(figsize=(7, 6))
    _f1_curves(axes)
    for tool in document["tools"]:
        total = tool["total"]
        point = (total["recall"] or 0.0, total["precision"] or 0.0)
        us = tool["tool"] == "secrets-bot"
        axes.scatter(*point, s=160 if us else 50, marker="*" if us else "o", zorder=3)
        axes.annotate(tool["label"], point, xytext=(6, -4), textcoords="offset points", fontsize=8)
    axes.set(xlim=(0, 1.25), ylim=(0, 1.05), xlabel="recall", ylabel="precision")
    axes.set_title(f"Serverless-manifest corpus, {document['labelled_secrets']} labelled secrets")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(image, dpi=110)


def _f1_curves(axes: Any) -> None:
    """Faint iso-F1 curves, so the trade-off between the two axes can be read off the picture."""
    for f1 in (0.4, 0.6, 0.8, 0.9):
        recalls = [r / 200 for r in range(1, 201) if r / 200 > f1 / 2]
        precisions = [f1 * r / (2 * r - f1) for r in recalls]
        points = [(r, p) for r, p in zip(recalls, precisions, strict=True) if 0 < p <= 1.05]
        axes.plot(*zip(*points, strict=True), color="grey", linewidth=0.6, alpha=0.5)
        axes.text(points[-1][0], points[-1][1], f"F1={f1}", fontsize=7, color="grey", va="bottom")


def _speed(document: dict[str, Any], image: Path) -> None:
    import matplotlib.pyplot as plt  # only the plot venv has it
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    sizes = document["sizes"]
    figure, axes = plt.subplots(1, len(sizes), figsize=(6.5 * len(sizes), 4.5), squeeze=False)
    for axis, size in zip(axes[0], sizes, strict=True):
        timed = sorted(
            (row for row in size["tools"] if row.get("median_seconds")),
            key=lambda row: -row["median_seconds"],
        )
        rates = [size["count"] / row["median_seconds"] for row in timed]
        colors = ["tab:orange" if row["tool"] == "secrets-bot" else "tab:blue" for row in timed]
        axis.barh([row["label"] for row in timed], rates, color=colors)
        for y, rate in enumerate(rates):
            axis.text(rate, y, f" {rate:,.0f}", va="center", fontsize=8)
        absent = [row["label"] for row in size["tools"] if not row.get("median_seconds")]
        if absent:
            note = "over the time limit, measured or projected (not shown):\n" + "\n".join(absent)
            axis.text(0.98, 0.02, note, transform=axis.transAxes, ha="right", va="bottom", fontsize=7)
        axis.set_xscale("log")
        axis.xaxis.set_major_formatter(ScalarFormatter())
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set(xlabel="manifests per second (log scale, median whole-process wall time)")
        axis.set_title(f"{size['count']:,} generated manifests ({size['megabytes']:.0f} MB)")
    figure.tight_layout()
    figure.savefig(image, dpi=110)


def main(argv: list[str]) -> int:
    kind, data, image = argv
    document = json.loads(Path(data).read_text(encoding="utf-8"))
    {"accuracy": _accuracy, "speed": _speed}[kind](document, Path(image))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
