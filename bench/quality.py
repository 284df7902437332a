"""Extraction quality on the labelled evaluation set (corpora/eval), or the dev set (--dev).

Prints precision, recall and F1 per kind of finding, objection category accuracy, and
attribution channel precision/recall, beside the targets of issue 4.

    .venv/bin/python bench/quality.py [--dev] [--errors]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from callinsight.config import load_settings
from callinsight.content.evaluation import coverage_scores, load_coverage_sets, score_sets
from callinsight.content.mapping import Thresholds
from callinsight.embed import get_embedder
from callinsight.extract import CallText, Extractor
from callinsight.extract.evaluation import KINDS, load_labelled_calls, score_extraction

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    ("objection", "precision"): 0.85,
    ("objection", "recall"): 0.80,
    ("category", "accuracy"): 0.80,
    ("attribution channels", "f1"): 0.90,
}


def coverage_table(console: Console, which: str, embedder) -> None:
    """Cluster-to-asset coverage on the labelled sets (issue: precision/recall of "covered")."""
    folder = ROOT / "corpora" / which / "coverage"
    if not folder.is_dir():
        return
    t = Thresholds.load()
    scores = coverage_scores(score_sets(load_coverage_sets(folder), embedder), t)
    table = Table(
        title=f"content coverage: {which} set, {scores['clusters']} labelled clusters "
        f"(covered ≥ {t.covered:.2f}, partly ≥ {t.partly:.2f}, from models/coverage.json)"
    )
    for col in ("measure", "value"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for label, key in (
        ("“covered” precision (per cluster)", "covered_precision"),
        ("“covered” recall (per cluster)", "covered_recall"),
        ("“covered” F1", "covered_f1"),
        ("covered / partly / uncovered accuracy", "status_accuracy"),
        ("covered (cluster, asset) pairs precision", "pair_precision"),
        ("covered (cluster, asset) pairs recall", "pair_recall"),
    ):
        table.add_row(label, f"{scores[key]:.3f}")
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", action="store_true", help="score the development set instead")
    parser.add_argument(
        "--set",
        choices=("eval", "dev", "train"),
        help="score another labelled set (train: the"
        " classifier has seen its objections, so only the attribution rows are informative)",
    )
    parser.add_argument("--errors", action="store_true", help="list objection errors")
    args = parser.parse_args()
    folder = ROOT / "corpora" / (args.set or ("dev" if args.dev else "eval")) / "calls"
    calls = load_labelled_calls(folder)
    settings = load_settings()
    extractor = Extractor(settings)
    started = time.perf_counter()
    found = extractor.extract_calls(CallText(c.call_id, c.utterances) for c in calls)
    seconds = time.perf_counter() - started
    scores = score_extraction(calls, found)
    console = Console(width=140)
    n_utt = sum(len(c.utterances) for c in calls)
    table = Table(
        title=f"extraction quality: {folder.parent.name} set, {len(calls)} calls, "
        f"{n_utt} utterances ({seconds:.1f} s)"
    )
    for col in ("finding", "gold", "predicted", "precision", "recall", "F1", "target"):
        table.add_column(col, justify="left" if col == "finding" else "right")
    for kind in KINDS:
        k = scores.kinds[kind]
        target = ""
        if kind == "objection":
            target = "P ≥ 0.85, R ≥ 0.80"
        table.add_row(
            kind,
            str(k.gold),
            str(k.predicted),
            f"{k.precision:.3f}",
            f"{k.recall:.3f}",
            f"{k.f1:.3f}",
            target,
        )
    ch = scores.channels
    table.add_row(
        "attribution channels (per answer turn)",
        str(ch.gold),
        str(ch.predicted),
        f"{ch.precision:.3f}",
        f"{ch.recall:.3f}",
        f"{ch.f1:.3f}",
        "F1 ≥ 0.90",
    )
    cc = scores.channel_calls
    table.add_row(
        "attribution channels (per call)",
        str(cc.gold),
        str(cc.predicted),
        f"{cc.precision:.3f}",
        f"{cc.recall:.3f}",
        f"{cc.f1:.3f}",
        "",
    )
    console.print(table)
    extra = Table(title="on correct hits")
    for col in ("measure", "hits", "value", "target"):
        extra.add_column(col, justify="left" if col == "measure" else "right")
    extra.add_row(
        "objection category accuracy",
        str(scores.category_hits),
        f"{scores.category_accuracy:.3f}",
        "≥ 0.80",
    )
    extra.add_row(
        "attribution entity accuracy", str(scores.entity_hits), f"{scores.entity_accuracy:.3f}", ""
    )
    console.print(extra)
    # Coverage maps clusters to assets with the main embedder (MiniLM), not extraction's.
    coverage_table(console, args.set or ("dev" if args.dev else "eval"), get_embedder(settings))
    if args.errors:
        for call_id, what, text in sorted(scores.errors):
            console.print(f"{call_id} {what:3} {text}", highlight=False, markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
