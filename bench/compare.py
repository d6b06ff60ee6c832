"""Accuracy side by side: us and every peer on one labelled corpus, in the same run, scored the same way.

    .venv/bin/python -m bench.compare --corpus ../shared/corpus [--cache bench/.cache] [--only NAME ...]

Installs the peers if needed (pinned, under the cache), runs every tool offline on `CORPUS/files`, scores
them with bench/peers/matching.py (file + line, see its docstring), prints Markdown tables (total, recall
per kind, precision/recall/F1 per platform, the secrets only we catch and those we miss that a peer
catches), writes bench/out/accuracy.json and draws docs/img/precision-recall.png. Secrets are named by
file, line, kind and key, never by value.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.interval import format_interval
from bench.peers import plot
from bench.peers.install import DEFAULT_CACHE, install, is_available
from bench.peers.matching import Label, Score, Tally, load_labels, score
from bench.peers.run import REPO, Measured, run_all
from bench.peers.tools import select

OUT = REPO / "bench" / "out"


def evaluate(runs: list[Measured], labels: list[Label], files: list[str]) -> list[Score]:
    return [score(run.tool, run.findings, labels, files) for run in runs]


def only_ours(ours: Score, peers: list[Score]) -> list[Label]:
    """Labelled secrets we find and every peer misses."""
    return sorted(label for label in ours.found if not any(label in peer.found for peer in peers))


def missed_by_us(ours: Score, peers: list[Score], labels: list[Label]) -> list[tuple[Label, list[str]]]:
    """Labelled secrets we miss that at least one peer finds, with the peers that find them."""
    rows = []
    for label in sorted(set(labels) - ours.found):
        finders = [peer.tool for peer in peers if label in peer.found]
        if finders:
            rows.append((label, finders))
    return rows


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def total_table(runs: list[Measured], scores: list[Score]) -> list[str]:
    lines = [
        "| tool | precision (95% CI) | recall (95% CI) | F1 | found / labelled | alarms (false) "
        "| label precision | run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run, result in sorted(zip(runs, scores, strict=True), key=lambda pair: -(pair[1].total.f1 or 0)):
        t = result.total
        precision = f"{_rate(t.precision)} {format_interval(t.precision_interval)}"
        recall = f"{_rate(t.recall)} {format_interval(t.recall_interval)}"
        lines.append(
            f"| {run.label} | {precision} | {recall} | {_rate(t.f1)} | "
            f"{t.found} / {t.found + t.missed} | {t.true_alarms + t.false_alarms} ({t.false_alarms}) | "
            f"{_rate(t.label_precision)} | {run.seconds:.2f} s |"
        )
    return lines


def kind_table(scores: list[Score]) -> list[str]:
    """Recall per kind as found/labelled; a false alarm has no kind, so precision does not exist here."""
    kinds = sorted({kind for result in scores for kind in result.by_kind})
    lines = ["| kind | " + " | ".join(s.tool for s in scores) + " |", "|---" * (len(scores) + 1) + "|"]
    for kind in kinds:
        cells = [_found(result.by_kind.get(kind, Tally())) for result in scores]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def _found(tally: Tally) -> str:
    return f"{tally.found}/{tally.found + tally.missed}"


def platform_table(scores: list[Score]) -> list[str]:
    """precision / recall / F1 per platform; where nothing is labelled, the count of false alarms."""
    platforms = sorted({name for result in scores for name in result.by_platform})
    header = "| platform | secrets | " + " | ".join(s.tool for s in scores) + " |"
    lines = [header, "|---" * (len(scores) + 2) + "|"]
    for name in platforms:
        tallies = [result.by_platform.get(name, Tally()) for result in scores]
        labelled = tallies[0].found + tallies[0].missed
        lines.append(f"| {name} | {labelled} | " + " | ".join(_platform_cell(t) for t in tallies) + " |")
    return lines


def _platform_cell(tally: Tally) -> str:
    if tally.found + tally.missed == 0:
        return f"{tally.false_alarms} false" if tally.false_alarms else "0"
    return f"{_short(tally.precision)} / {_short(tally.recall)} / {_short(tally.f1)}"


def _short(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def difference_lists(ours: Score, peers: list[Score], labels: list[Label]) -> list[str]:
    mine = only_ours(ours, peers)
    theirs = missed_by_us(ours, peers, labels)
    lines = [f"Secrets we find and every peer misses: {len(mine)}", ""]
    lines += [f"- `{label.path}:{label.line}` {label.kind} (`{label.key}`)" for label in mine]
    lines += ["", f"Secrets we miss that at least one peer finds: {len(theirs)}", ""]
    lines += [
        f"- `{label.path}:{label.line}` {label.kind} (`{label.key}`): {', '.join(finders)}"
        for label, finders in theirs
    ]
    return lines


def document(runs: list[Measured], scores: list[Score], labels: list[Label]) -> dict[str, object]:
    ours, peers = scores[0], scores[1:]
    return {
        "labelled_secrets": len(labels),
        "tools": [
            {
                "tool": run.tool,
                "label": run.label,
                "seconds": round(run.seconds, 3),
                "peak_rss_mb": round(run.peak_rss_mb, 1),
                "total": result.total.as_dict(),
                "per_kind": {name: t.as_dict() for name, t in sorted(result.by_kind.items())},
                "per_platform": {name: t.as_dict() for name, t in sorted(result.by_platform.items())},
                "false_alarms": [{"path": path, "line": line} for path, line in result.false_alarms],
            }
            for run, result in zip(runs, scores, strict=True)
        ],
        "only_ours": [_label_dict(label) for label in only_ours(ours, peers)],
        "missed_by_us": [
            _label_dict(label) | {"found_by": f} for label, f in missed_by_us(ours, peers, labels)
        ],
    }


def _label_dict(label: Label) -> dict[str, object]:
    return {"path": label.path, "line": label.line, "kind": label.kind, "key": label.key}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True, help="directory with labels.json and files/")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the peers are installed")
    parser.add_argument("--only", nargs="*", help="peer names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="where accuracy.json is written")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    peers = tuple(peer for peer in select(args.only) if is_available(peer))
    for peer in peers:
        install(peer, args.cache)
    labels, files = load_labels(json.loads((args.corpus / "labels.json").read_text(encoding="utf-8")))
    runs = run_all(args.corpus / "files", peers, args.cache, include_us=True)
    scores = evaluate(runs, labels, files)
    sections = [
        total_table(runs, scores),
        kind_table(scores),
        platform_table(scores),
        difference_lists(scores[0], scores[1:], labels),
    ]
    print("\n\n".join("\n".join(section) for section in sections))
    args.out.mkdir(parents=True, exist_ok=True)
    result = args.out / "accuracy.json"
    result.write_text(json.dumps(document(runs, scores, labels), indent=1) + "\n", encoding="utf-8")
    if not args.no_plot:
        plot.draw("accuracy", result, args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
