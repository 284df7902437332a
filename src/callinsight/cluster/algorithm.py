"""Clustering sentence vectors without being told how many clusters there are.

The default clusterer, ``umap-ward``, is the one the product uses everywhere (and the one
``bench/cluster_quality.py`` scores):

1. centre the unit vectors on their mean and re-normalise: MiniLM vectors share a large common
   direction that makes every pair look similar; removing it spreads the clusters apart;
2. UMAP (cosine, 15 neighbours, 10 dimensions, ``min_dist=0``) over the centred vectors: it
   keeps each point's neighbourhood and pulls dense intents together, which k-means or Ward on
   the raw vectors cannot do (BANKING77: ARI 0.50 with k-means told the true k, 0.60 here);
3. Ward linkage in the UMAP space cut at a fixed distance: the number of clusters follows from
   the data;
4. what fits nowhere is left unclustered: members whose cosine to their cluster's centroid (in
   the centred space) is below ``member_min``, clusters whose mean member cosine is below
   ``cohesion_min`` (loose groups of unrelated remarks) and clusters smaller than ``min_size``.

Above ``fit_max`` vectors the partition is fitted on a fixed sample and every other vector joins
its nearest centroid with the same ``member_min`` rule that incremental assignment uses, so
100,000 findings cluster in seconds. With a fixed ``seed`` the result is deterministic; cluster
numbers are ordered by size (largest first), then by first member.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from callinsight.registry import CLUSTERERS


@dataclass(frozen=True)
class ClusterParams:
    neighbors: int = 15
    dims: int = 10
    ward_threshold: float = 2.0
    min_size: int = 3
    member_min: float = 0.36  # cosine to the centroid, centred space
    cohesion_min: float = 0.45  # mean member cosine of a cluster worth keeping
    fit_max: int = 6000
    seed: int = 0
    # Below this many vectors UMAP's neighbourhood graph is meaningless: average-linkage on
    # the raw (uncentred) cosine instead, cut where the mean cosine between groups falls below.
    small_n: int = 60
    small_link_min: float = 0.35


@dataclass(frozen=True)
class Partition:
    """Labels (-1 = unclustered) and what is needed to place new vectors in the same space."""

    labels: np.ndarray  # (n,) int
    similarity: np.ndarray  # (n,) cosine to the own centroid; to the nearest one if unclustered
    centroids: np.ndarray  # (k, d) unit vectors, centred space
    center: np.ndarray  # (d,) the mean that was removed

    @property
    def n_clusters(self) -> int:
        return int(self.centroids.shape[0])


class Clusterer(Protocol):
    params: ClusterParams

    def fit(self, vectors: np.ndarray) -> Partition: ...


def centred(vectors: np.ndarray, center: np.ndarray) -> np.ndarray:
    x = np.asarray(vectors, dtype=np.float32) - center
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def centroids_of(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    sums = np.zeros((k, x.shape[1]), dtype=np.float64)
    np.add.at(sums, labels[labels >= 0], x[labels >= 0])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.maximum(norms, 1e-12)).astype(np.float32)


def nearest(centroids: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and cosine to the nearest centroid for each row of ``x`` (faiss, exact)."""
    if len(centroids) == 0:
        return np.full(len(x), -1), np.zeros(len(x), dtype=np.float32)
    import faiss

    index = faiss.IndexFlatIP(centroids.shape[1])
    index.add(np.ascontiguousarray(centroids, dtype=np.float32))
    sims, ids = index.search(np.ascontiguousarray(x, dtype=np.float32), 1)
    return ids[:, 0].astype(np.int64), sims[:, 0]


def _prune(x: np.ndarray, labels: np.ndarray, p: ClusterParams) -> np.ndarray:
    """Leave outliers, loose clusters and tiny clusters unclustered; renumber the rest."""
    labels = labels.copy()
    for _ in range(2):  # centroids move once the outliers leave; one more pass settles them
        k = int(labels.max()) + 1 if (labels >= 0).any() else 0
        if k == 0:
            break
        cents = centroids_of(x, labels, k)
        sims = np.einsum("ij,ij->i", x, cents[np.maximum(labels, 0)])
        labels[(labels >= 0) & (sims < p.member_min)] = -1
        for c in range(k):
            members = labels == c
            if members.sum() < p.min_size or sims[members].mean() < p.cohesion_min:
                labels[members] = -1
    return _renumber(labels)


def _renumber(labels: np.ndarray) -> np.ndarray:
    ids = [c for c in np.unique(labels) if c >= 0]
    sizes = {c: int((labels == c).sum()) for c in ids}
    first = {c: int(np.argmax(labels == c)) for c in ids}
    order = sorted(ids, key=lambda c: (-sizes[c], first[c]))
    mapping = {c: i for i, c in enumerate(order)}
    return np.array([mapping.get(int(c), -1) for c in labels], dtype=np.int64)


def _ward_in_umap(x: np.ndarray, p: ClusterParams) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    if len(x) < p.small_n:
        if len(x) < 2:
            return np.zeros(len(x), dtype=np.int64)
        return AgglomerativeClustering(
            n_clusters=None,
            metric="cosine",
            linkage="average",
            distance_threshold=1 - p.small_link_min,
        ).fit_predict(x)
    with warnings.catch_warnings():
        # UMAP says a fixed seed disables its parallelism: determinism is the point here.
        warnings.simplefilter("ignore")
        import umap

        reduced = umap.UMAP(
            n_neighbors=min(p.neighbors, len(x) - 1),
            n_components=p.dims,
            min_dist=0.0,
            metric="cosine",
            random_state=p.seed,
            init="spectral" if len(x) > p.dims + 2 else "random",
        ).fit_transform(x)
    return AgglomerativeClustering(
        n_clusters=None, linkage="ward", distance_threshold=p.ward_threshold
    ).fit_predict(reduced)


class UmapWardClusterer:
    def __init__(self, params: ClusterParams | None = None) -> None:
        self.params = params or ClusterParams()

    def fit(self, vectors: np.ndarray) -> Partition:
        p = self.params
        vectors = np.asarray(vectors, dtype=np.float32)
        n = len(vectors)
        if n == 0:
            d = vectors.shape[1] if vectors.ndim == 2 else 0
            empty = np.zeros(0, dtype=np.int64)
            return Partition(
                empty,
                np.zeros(0, np.float32),
                np.zeros((0, d), np.float32),
                np.zeros(d, np.float32),
            )
        # Centring needs many vectors to estimate the shared direction; with a handful it
        # turns neighbours into strangers, so small sets are clustered as they are.
        center = vectors.mean(axis=0) if n >= p.small_n else np.zeros(vectors.shape[1], np.float32)
        x = centred(vectors, center)
        if n > p.fit_max:
            sample = np.sort(np.random.default_rng(p.seed).choice(n, p.fit_max, replace=False))
        else:
            sample = np.arange(n)
        fitted = _prune(x[sample], _ward_in_umap(x[sample], p), p)
        k = int(fitted.max()) + 1 if (fitted >= 0).any() else 0
        cents = centroids_of(x[sample], fitted, k)
        labels, sims = assign(cents, x, p.member_min)
        labels[sample] = fitted
        # Centroids over every member, then one final, consistent assignment.
        cents = centroids_of(x, labels, k)
        labels, sims = assign(cents, x, p.member_min, keep=labels)
        return Partition(labels, sims, cents, center.astype(np.float32))


def assign(
    centroids: np.ndarray,
    x: np.ndarray,
    member_min: float,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest centroid when its cosine reaches ``member_min``, else -1 (``x`` centred).

    With ``keep``, vectors already clustered keep their cluster (and get its cosine), so a
    sample's partition is not undone by the final pass.
    """
    ids, sims = nearest(centroids, x)
    labels = np.where(sims >= member_min, ids, -1).astype(np.int64)
    if keep is not None and len(centroids):
        held = keep >= 0
        labels[held] = keep[held]
        sims = sims.copy()
        sims[held] = np.einsum("ij,ij->i", x[held], centroids[keep[held]])
    return labels, sims


@CLUSTERERS.register("umap-ward")
def _umap_ward(params: ClusterParams | None = None) -> Clusterer:
    return UmapWardClusterer(params)
