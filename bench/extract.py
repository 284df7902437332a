"""Extraction speed: prospect utterances per second, end to end, on this machine.

Runs the whole extractor (sentences, spaCy cues, the n-gram screen, sentence vectors of the
candidates, attribution with NER, questions, mentions) over every labelled call in corpora/
(eval, dev, train: realistic calls with their rep/prospect roles), after the models are loaded.
The vectors are those configured (``extraction_vectors``: the distilled static ones by
default; with ``CALLINSIGHT_EXTRACTION_VECTORS=embedder`` MiniLM, with a cold cache each run,
and a classifier trained on MiniLM vectors given by ``CALLINSIGHT_CLASSIFIER``).
Target (issue 4): at least 1,000 prospect utterances per second on 2 cores.

    .venv/bin/python bench/extract.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from callinsight.config import load_settings
from callinsight.embed import SentenceTransformerEmbedder, minilm_folder
from callinsight.extract import CallText, Extractor
from callinsight.extract.classifier import ngram_features
from callinsight.extract.evaluation import load_labelled_calls
from callinsight.extract.objections import SCREEN_MIN
from callinsight.extract.sentences import split_sentences
from callinsight.static_vectors import StaticEmbedder

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1000


def corpus() -> list[CallText]:
    calls = []
    for folder in ("eval", "dev", "train"):
        for c in load_labelled_calls(ROOT / "corpora" / folder / "calls"):
            calls.append(CallText(f"{folder}/{c.call_id}", c.utterances))
    return calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    calls = corpus()
    prospect = sum(1 for c in calls for u in c.utterances if u.role != "rep")
    sentences = sum(len(split_sentences(u)) for c in calls for u in c.utterances if u.role != "rep")
    settings = load_settings()
    base = Extractor(settings)  # loads every model once
    runs = []
    for _ in range(args.repeat):
        # A cold cache each run: repeated texts must not be free.
        embedder = (
            StaticEmbedder(settings.static_vectors_dir)
            if settings.extraction_vectors == "static"
            else SentenceTransformerEmbedder(minilm_folder(), "minilm")
        )
        extractor = Extractor(
            settings, taxonomy=base.taxonomy, classifier=base.classifier, embedder=embedder
        )
        started = time.perf_counter()
        found = extractor.extract_calls(calls)
        runs.append(time.perf_counter() - started)
    best = min(runs)
    findings = sum(len(v) for v in found.values())
    console = Console(width=120)
    table = Table(
        title=f"extraction speed ({os.cpu_count()} cores, best of {args.repeat}, "
        f"{base.embedder.label} vectors)"
    )
    for col in (
        "calls",
        "prospect utterances",
        "prospect sentences",
        "findings",
        "wall",
        "utterances/s",
        "target",
    ):
        table.add_column(col, justify="right")
    table.add_row(
        str(len(calls)),
        str(prospect),
        str(sentences),
        str(findings),
        f"{best:.2f} s",
        f"{prospect / best:,.0f}",
        f"≥ {TARGET:,}",
    )
    console.print(table)
    texts = [
        s.text for c in calls for u in c.utterances if u.role != "rep" for s in split_sentences(u)
    ]
    screen = extractor.classifier.screen.proba(ngram_features(texts))[:, 1]
    share = float((screen >= SCREEN_MIN).mean())
    console.print(f"sentences reaching the vector stage (screen ≥ {SCREEN_MIN}): {share:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
