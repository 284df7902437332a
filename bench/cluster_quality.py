"""Clustering quality on any labelled set of short texts, with the product's own clusterer.

    .venv/bin/python bench/cluster_quality.py --data FILE.csv [--noise-label oos] [--sample N]
    .venv/bin/python bench/cluster_quality.py --banking77 --clinc150   (bench/data/clustering)

``FILE.csv`` has the columns ``text,label`` (``category`` or ``intent`` are accepted for label).
The texts are embedded with the configured embedder (the bundled all-MiniLM-L6-v2) and clustered
exactly as ``callinsight clusters`` does, without being told the number of clusters. Printed:
NMI, ARI and accuracy (Hungarian matching) on the labelled texts, clusters found against the
true number, the share left unclustered, and, with a noise label (CLINC150's out-of-scope
queries), the share of noise texts left unclustered or in clusters of their own (where noise
is the majority), i.e. not polluting a real cluster. Unclustered texts count as singletons in
NMI/ARI/accuracy, so leaving things out is never free.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from callinsight.cluster.algorithm import ClusterParams, UmapWardClusterer
from callinsight.cluster.metrics import score_partition
from callinsight.config import load_settings
from callinsight.embed import get_embedder

# The two public reference sets ship with the checkout (bench/data/clustering/SOURCE.md).
REFERENCE_SETS = Path(__file__).resolve().parent / "data" / "clustering"
# Targets and published references from issue 5.
REFERENCE = {
    "banking77": dict(
        nmi=0.82,
        ari=0.60,
        note="MiniLM + k-means (true k): NMI 0.79, ARI 0.50; DSTC11 best NMI 0.785",
    ),
    "clinc150": dict(nmi=0.90, ari=0.70, note="MiniLM + k-means (true k): NMI 0.89, ARI 0.66"),
}


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise SystemExit(f"{path}: no rows")
    col = next((c for c in ("label", "category", "intent") if c in rows[0]), None)
    if "text" not in rows[0] or col is None:
        raise SystemExit(f"{path}: needs the columns text,label")
    return [r["text"] for r in rows], [r[col] for r in rows]


def read_clinc(folder: Path) -> tuple[list[str], list[str]]:
    data = json.loads((folder / "data_full.json").read_text(encoding="utf-8"))
    rows = data["test"] + data["oos_test"]
    return [t for t, _ in rows], [("oos" if i in ("oos",) else i) for _, i in rows]


def evaluate(name, texts, labels, noise_label, params, sample, console) -> dict:
    if sample and sample < len(texts):
        keep = np.sort(np.random.default_rng(0).choice(len(texts), sample, replace=False))
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
    embedder = get_embedder(load_settings())
    started = time.perf_counter()
    vectors = embedder.encode(texts)
    embedded = time.perf_counter() - started
    partition = UmapWardClusterer(params).fit(vectors)
    clustered = time.perf_counter() - started - embedded
    s = score_partition(labels, partition.labels, noise_label)
    s.update(name=name, n=len(texts), embed_s=embedded, cluster_s=clustered)
    return s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", default=[])
    parser.add_argument("--noise-label", default=None, help="label of texts that are noise")
    parser.add_argument("--banking77", action="store_true")
    parser.add_argument("--clinc150", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="score a random sample of N texts")
    parser.add_argument("--ward-threshold", type=float, default=None)
    parser.add_argument("--member-min", type=float, default=None)
    parser.add_argument("--cohesion-min", type=float, default=None)
    args = parser.parse_args()
    changes = {
        k: v
        for k, v in dict(
            ward_threshold=args.ward_threshold,
            member_min=args.member_min,
            cohesion_min=args.cohesion_min,
        ).items()
        if v is not None
    }
    params = ClusterParams(**changes)
    console = Console(width=140)
    jobs = []
    if args.banking77 or not (args.data or args.clinc150):
        jobs.append(("banking77", *read_csv(REFERENCE_SETS / "banking77" / "test.csv"), None))
    if args.clinc150 or not (args.data or args.banking77):
        jobs.append(("clinc150", *read_clinc(REFERENCE_SETS / "clinc150"), "oos"))
    for path in args.data:
        jobs.append((path.name, *read_csv(path), args.noise_label))
    results = [evaluate(*job, params, args.sample, console) for job in jobs]
    table = Table(title=f"clustering quality (umap-ward, {params})")
    for col in (
        "data",
        "texts",
        "NMI",
        "ARI",
        "acc",
        "clusters / true",
        "unclustered",
        "noise kept out",
        "target",
        "embed",
        "cluster",
    ):
        table.add_column(col, justify="right")
    for r in results:
        ref = REFERENCE.get(r["name"], {})
        target = f"NMI ≥ {ref['nmi']}, ARI ≥ {ref['ari']}" if ref else "—"
        table.add_row(
            r["name"],
            str(r["n"]),
            f"{r['nmi']:.3f}",
            f"{r['ari']:.3f}",
            f"{r['accuracy']:.3f}",
            f"{r['clusters']} / {r['true_clusters']}",
            f"{r['unclustered']:.1%}",
            f"{r['noise_kept_out']:.1%}" if r["noise_kept_out"] is not None else "—",
            target,
            f"{r['embed_s']:.1f} s",
            f"{r['cluster_s']:.1f} s",
        )
    console.print(table)
    for r in results:
        if r["name"] in REFERENCE:
            console.print(f"{r['name']} reference: {REFERENCE[r['name']]['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
