"""Scores of a partition against gold labels: NMI, ARI, Hungarian accuracy, noise handling."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def score_partition(
    gold: Sequence[str], labels: np.ndarray, noise_label: str | None = None
) -> dict:
    """Scores on the non-noise texts; unclustered (-1) texts count as singletons."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    from sklearn.metrics.cluster import contingency_matrix

    gold_arr = np.asarray(gold)
    labels = np.asarray(labels)
    real = gold_arr != noise_label if noise_label is not None else np.ones(len(gold_arr), bool)
    singletons = labels.copy()
    out = singletons < 0
    singletons[out] = np.arange(out.sum()) + (labels.max() + 1 if len(labels) else 0)
    g, p = gold_arr[real], singletons[real]
    table = contingency_matrix(g, p)
    rows, cols = linear_sum_assignment(-table)
    noise_kept_out = None
    if noise_label is not None and (~real).any():
        ok = 0
        for i in np.where(~real)[0]:
            if labels[i] < 0:
                ok += 1
                continue
            members = gold_arr[labels == labels[i]]
            ok += Counter(members == noise_label)[True] * 2 > len(members)
        noise_kept_out = ok / int((~real).sum())
    return {
        "nmi": float(normalized_mutual_info_score(g, p)),
        "ari": float(adjusted_rand_score(g, p)),
        "accuracy": float(table[rows, cols].sum() / len(g)),
        "clusters": len({int(c) for c in labels[real] if c >= 0}),
        "true_clusters": len(set(g)),
        "unclustered": float((labels[real] < 0).mean()),
        "noise_kept_out": noise_kept_out,
    }
