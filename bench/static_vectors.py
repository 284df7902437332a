"""Static vectors against MiniLM: how close, and how fast, on held-out call sentences.

The sentences of the development and evaluation calls (never used to distil) are encoded by
MiniLM and by the static vectors (models/minilm-static); printed: the mean cosine between the
two vectors of a sentence, how well the static vectors keep MiniLM's similarities between
sentences (Pearson correlation over pairs), and sentences per second of each.

    .venv/bin/python bench/static_vectors.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from callinsight.config import load_settings
from callinsight.embed import SentenceTransformerEmbedder, minilm_folder
from callinsight.extract.evaluation import load_labelled_calls
from callinsight.extract.sentences import split_sentences
from callinsight.static_vectors import StaticEmbedder

ROOT = Path(__file__).resolve().parents[1]
PAIRS = 800  # sentences whose pairwise similarities are compared


def main() -> int:
    texts = sorted(
        {
            s.text
            for folder in ("dev", "eval")
            for c in load_labelled_calls(ROOT / "corpora" / folder / "calls")
            for u in c.utterances
            for s in split_sentences(u)
        }
    )
    static = StaticEmbedder(load_settings().static_vectors_dir)
    minilm = SentenceTransformerEmbedder(minilm_folder(), "minilm", cache_size=0)
    timings = {}
    vectors = {}
    for name, embedder in (("MiniLM", minilm), ("static", static)):
        started = time.perf_counter()
        vectors[name] = embedder.encode(texts)
        timings[name] = time.perf_counter() - started
    cosine = (vectors["MiniLM"] * vectors["static"]).sum(axis=1)
    pick = np.random.default_rng(0).choice(len(texts), size=min(PAIRS, len(texts)), replace=False)
    upper = np.triu_indices(len(pick), 1)
    sims = {name: (v[pick] @ v[pick].T)[upper] for name, v in vectors.items()}
    correlation = float(np.corrcoef(sims["MiniLM"], sims["static"])[0, 1])

    console = Console(width=120)
    table = Table(
        title=f"static vectors vs MiniLM: {len(texts):,} held-out sentences "
        f"(dev + eval calls), {os.cpu_count()} cores"
    )
    for col in ("vectors", "sentences/s", "cosine to MiniLM (mean)", "pair similarity r"):
        table.add_column(col, justify="left" if col == "vectors" else "right")
    table.add_row("MiniLM", f"{len(texts) / timings['MiniLM']:,.0f}", "1.000", "1.000")
    table.add_row(
        "static (distilled)",
        f"{len(texts) / timings['static']:,.0f}",
        f"{cosine.mean():.3f}",
        f"{correlation:.3f}",
    )
    console.print(table)
    meta = static.meta
    console.print(
        f"distilled on {meta['texts']:,} project texts, {meta['pieces_fitted']:,} word pieces "
        f"fitted, cosine on those texts {meta['fit_cosine']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
