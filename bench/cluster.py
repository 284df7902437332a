"""Clustering and content-mapping speed at scale, on this machine.

Vectors are realistic: the ~23,700 CLINC150 utterances (bench/data/clustering/clinc150,
in-scope and out-of-scope) embedded with the configured
embedder (the bundled MiniLM; cached in bench/.cache/), each repeated with small Gaussian noise
(sigma 0.02 per dimension, re-normalised, seed 0) up to 100,000 vectors.

Targets (issue 5), on 2 cores:

1. cluster 100,000 findings (``UmapWardClusterer().fit``) in at most 60 s (one run: it is long);
2. add one new call's findings (20 quotes) incrementally in at most 50 ms: centring with the
   fitted centre plus ``assign`` to the 100k partition's centroids (what ``ClusterIndex._grow``
   computes besides the database work), and the whole ``ClusterIndex.update`` on a temporary
   SQLite store holding the 100,000 findings (after one untimed first update, which also founds
   clusters from the fit's unclustered findings);
3. map 1,000 clusters against 10,000 asset passages (1,000 assets, 10 passages each) in at most
   10 s (``PassageIndex.score``).

Tasks 2 and 3 report the median of ``--repeat`` runs.

    .venv/bin/python bench/cluster.py [--repeat 3] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from callinsight.cluster.algorithm import Partition, UmapWardClusterer, assign, centred
from callinsight.cluster.index import ClusterIndex
from callinsight.cluster.vectors import text_digest
from callinsight.config import load_settings
from callinsight.content.mapping import PassageIndex
from callinsight.embed import Embedder, get_embedder
from callinsight.records import ContentAsset
from callinsight.store import Store
from callinsight.store.schema import CallRow, ClusterRow, ClusterSpaceRow, FindingRow, TextVectorRow

ROOT = Path(__file__).resolve().parents[1]
CLINC = ROOT / "bench" / "data" / "clustering" / "clinc150" / "data_full.json"
CACHE = ROOT / "bench" / ".cache"
N_FINDINGS = 100_000
N_NEW = 20  # quotes of one new call
N_CLUSTERS, N_ASSETS, PER_ASSET = 1_000, 1_000, 10
SIGMA = 0.02
TARGETS = {"cluster": 60.0, "incremental": 0.050, "mapping": 10.0}  # seconds


def real_texts() -> tuple[str, list[str]]:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    return "clinc150", [t for part in sorted(data) for t, _ in data[part]]


def real_vectors(embedder: Embedder, use_cache: bool) -> tuple[str, list[str], np.ndarray]:
    """Unit vectors of the real texts, from bench/.cache/ when there (and of the same texts)."""
    source, texts = real_texts()
    path = CACHE / f"{source}-{embedder.label}-{len(texts)}.npy"
    if use_cache and path.is_file():
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dim):
            return source, texts, vectors
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    if use_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return source, texts, vectors


def noisy(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    x = vectors + rng.normal(0.0, SIGMA, vectors.shape).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def passage_index(vectors: np.ndarray) -> PassageIndex:
    """A PassageIndex over given passage vectors (PER_ASSET each), without store or embedder."""
    idx = PassageIndex.__new__(PassageIndex)
    assets = [ContentAsset(id=f"A-{i:04d}", title=f"asset {i}") for i in range(N_ASSETS)]
    idx.assets = {a.id: a for a in assets}
    idx.owners = np.repeat([a.id for a in assets], PER_ASSET)
    idx.texts = [f"passage {i}" for i in range(len(idx.owners))]
    idx.vectors = vectors
    idx.asset_ids = sorted(idx.assets)
    idx._slots = {a: np.where(idx.owners == a)[0] for a in idx.asset_ids}
    return idx


def add_findings(store: Store, label: str, quotes, vectors, clusters=None, scores=None) -> None:
    """Findings of kind objection (clustered when ``clusters`` is given) and their vectors."""
    vecs = [
        {"model": label, "digest": text_digest(q), "vector": v.astype(np.float16).tobytes()}
        for q, v in zip(quotes, vectors, strict=True)
    ]
    rows = [
        {
            "call_id": "bench",
            "utterance_index": i,
            "kind": "objection",
            "speaker": "B",
            "role": "prospect",
            "quote": q,
            "char_start": 0,
            "char_end": len(q),
            "confidence": 1.0,
            "method": "model",
            "cluster_id": None if clusters is None or clusters[i] < 0 else int(clusters[i]) + 1,
            "cluster_score": None if scores is None else float(scores[i]),
        }
        for i, q in enumerate(quotes)
    ]
    with store.session() as s, s.begin():
        s.execute(insert(TextVectorRow), vecs)
        s.execute(insert(FindingRow), rows)


def store_with(tmp: str, embedder: Embedder, part: Partition, quotes: list[str], vectors):
    """A SQLite store holding the fitted partition, as ``ClusterIndex._refit`` leaves it."""
    store = Store(f"sqlite:///{tmp}/bench.db")
    with store.session() as s, s.begin():
        s.add(
            CallRow(
                id="bench",
                source_file="bench",
                source_kind="transcript",
                format="txt",
                status="transcribed",
            )
        )
        s.add(
            ClusterSpaceRow(
                kind="objection",
                model=embedder.label,
                center=part.center.astype(np.float32).tobytes(),
                params={},
            )
        )
        s.execute(
            insert(ClusterRow),
            [
                {
                    "id": c + 1,
                    "kind": "objection",
                    "label": f"cluster {c}",
                    "keywords": [],
                    "size": int((part.labels == c).sum()),
                    "centroid": part.centroids[c].tolist(),
                }
                for c in range(part.n_clusters)
            ],
        )
    add_findings(store, embedder.label, quotes, vectors, part.labels, part.similarity)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cache", action="store_true", help="embed the texts again")
    args = parser.parse_args()
    console = Console(width=120)
    embedder = get_embedder(load_settings())
    started = time.perf_counter()
    source, texts, real = real_vectors(embedder, use_cache=not args.no_cache)
    console.print(f"{len(real):,} {source} vectors ready in {time.perf_counter() - started:.1f} s")
    rng = np.random.default_rng(0)
    origin = np.resize(np.arange(len(real)), N_FINDINGS)
    vectors = noisy(real[origin], rng)
    quotes = [f"{texts[j]} #{i}" for i, j in enumerate(origin)]  # distinct texts, distinct digests

    # 1. The full fit, once (the first fit in this process: UMAP's start-up included).
    clusterer = UmapWardClusterer()
    params = clusterer.params
    partition: Partition | None = None

    def fit() -> None:
        nonlocal partition
        partition = clusterer.fit(vectors)

    fit_s = timed(fit)
    assert partition is not None
    unclustered = float((partition.labels < 0).mean())

    # 2. One new call: N_NEW fresh noisy copies of real texts.
    new_calls = [rng.choice(len(real), N_NEW, replace=False) for _ in range(args.repeat)]
    new_vectors = [noisy(real[c], rng) for c in new_calls]

    def place(v: np.ndarray) -> None:  # what _grow computes: centre, then the nearest centroid
        assign(partition.centroids, centred(v, partition.center), params.member_min)

    grow = [timed(lambda v=v: place(v)) for v in new_vectors]
    end_to_end = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = store_with(tmp, embedder, partition, quotes, vectors)
        store_s = time.perf_counter() - t0
        index = ClusterIndex(store, embedder, clusterer)
        # First update, untimed in the table: it also founds clusters from the fit's leftovers
        # (the waiting pool), once; later calls only grow.
        c = rng.choice(len(real), N_NEW, replace=False)
        add_findings(store, embedder.label, [f"{texts[j]} (first)" for j in c], noisy(real[c], rng))
        t0 = time.perf_counter()
        first = index.update(kinds=("objection",))[0]
        first_s = time.perf_counter() - t0
        for r, (c, v) in enumerate(zip(new_calls, new_vectors, strict=True)):
            add_findings(store, embedder.label, [f"{texts[j]} (new {r})" for j in c], v)
            end_to_end.append(timed(lambda: index.update(kinds=("objection",))))
        stored_clusters = len(index._centroids("objection")[0])
        store.close()

    # 3. Mapping: 1,000 cluster centroids (raw space, as map_clusters builds them: the mean of
    # the members' vectors; the largest clusters of the 100k fit, topped up with groups of 20
    # random findings when it found fewer) against 10,000 passages of other real texts.
    k = min(partition.n_clusters, N_CLUSTERS)
    groups = [np.where(partition.labels == c)[0] for c in range(k)]
    groups += [rng.choice(N_FINDINGS, 20, replace=False) for _ in range(N_CLUSTERS - k)]
    queries = np.stack([vectors[g].mean(axis=0) for g in groups])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    passages = noisy(real[rng.choice(len(real), N_ASSETS * PER_ASSET)], rng)
    idx = passage_index(passages)
    mapping = [timed(lambda: idx.score(queries)) for _ in range(args.repeat)]

    def met(wall: float, key: str) -> str:
        return "yes" if wall <= TARGETS[key] else "no"

    def ms(x: float) -> str:
        return f"{x * 1000:.1f} ms"

    table = Table(title=f"clustering speed ({os.cpu_count()} cores, median of {args.repeat})")
    for col, justify in (
        ("task", "left"),
        ("size", "left"),
        ("wall", "right"),
        ("target", "right"),
        ("met", "center"),
    ):
        table.add_column(col, justify=justify)
    table.add_row(
        "1. cluster (fit, one run)",
        f"{N_FINDINGS:,} findings",
        f"{fit_s:.1f} s",
        "≤ 60 s",
        met(fit_s, "cluster"),
    )
    g = statistics.median(grow)
    table.add_row(
        "2a. new call: centre + assign",
        f"{N_NEW} quotes, {partition.n_clusters} centroids",
        ms(g),
        "≤ 50 ms",
        met(g, "incremental"),
    )
    e = statistics.median(end_to_end)
    table.add_row(
        "2b. new call: ClusterIndex.update",
        f"{N_NEW} quotes, SQLite, {stored_clusters:,} clusters",
        ms(e),
        "≤ 50 ms",
        met(e, "incremental"),
    )
    m = statistics.median(mapping)
    table.add_row(
        "3. map clusters to passages",
        f"{N_CLUSTERS:,} x {N_ASSETS * PER_ASSET:,} ({N_ASSETS:,} assets)",
        f"{m:.2f} s",
        "≤ 10 s",
        met(m, "mapping"),
    )
    console.print(table)
    console.print(
        f"100k fit: {partition.n_clusters} clusters, {unclustered:.1%} unclustered "
        f"(fitted on a {params.fit_max:,} sample, the rest assigned; first fit in the process)."
    )
    console.print(
        "2a is the computation ClusterIndex._grow does besides the database reads and writes; "
        "2b is the whole ClusterIndex.update on a temporary SQLite store holding the 100k fit "
        f"(built in {store_s:.1f} s; vectors cached, so no embedding), after a first update "
        f"that took {first_s:.1f} s because it founded {first.new_clusters:,} clusters from the "
        f"fit's {int((partition.labels < 0).sum()):,} unclustered findings (many are noisy "
        f"copies of one text, so they group easily); 2b then runs with {stored_clusters:,} "
        "stored clusters (centroids stored as float32 bytes, read on every call)."
    )
    console.print(
        f"Runs: 2a {', '.join(ms(x) for x in grow)}; 2b {', '.join(ms(x) for x in end_to_end)}; "
        f"3 {', '.join(f'{x:.2f} s' for x in mapping)}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
