"""Labelled cluster-to-asset coverage sets (``corpora/{dev,eval}/coverage``): load, score,
calibrate.

Each file is one seller's content library with clusters of buyer quotes and, per cluster, the
assets that answer it (``covered``) or only touch it (``partly``); see the README there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from callinsight.content.mapping import PassageIndex, Thresholds, centroid
from callinsight.embed import Embedder
from callinsight.records import ContentAsset


@dataclass(frozen=True)
class LabelledCluster:
    id: str
    kind: str
    label: str
    quotes: tuple[str, ...]
    answers: dict[str, str]  # asset id -> covered | partly

    @property
    def gold(self) -> str:
        values = set(self.answers.values())
        return "covered" if "covered" in values else "partly" if values else "uncovered"


@dataclass(frozen=True)
class CoverageSet:
    seller: str
    assets: tuple[ContentAsset, ...]
    clusters: tuple[LabelledCluster, ...]


def load_coverage_sets(folder: Path) -> list[CoverageSet]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assets = tuple(
            ContentAsset(a["id"], a["title"], a.get("type"), a.get("summary"), text=a.get("text"))
            for a in data["assets"]
        )
        clusters = tuple(
            LabelledCluster(
                c["id"],
                c["kind"],
                c["label"],
                tuple(c["quotes"]),
                {x["asset"]: x["coverage"] for x in c.get("answers") or []},
            )
            for c in data["clusters"]
        )
        out.append(CoverageSet(data["seller"], assets, clusters))
    return out


@dataclass(frozen=True)
class ScoredCluster:
    cluster: LabelledCluster
    scores: dict[str, float]  # asset id -> best passage cosine

    @property
    def best(self) -> float:
        return max(self.scores.values(), default=0.0)


def score_sets(sets: list[CoverageSet], embedder: Embedder) -> list[ScoredCluster]:
    """Every labelled cluster against its seller's library, as the product scores them."""
    out = []
    for cs in sets:
        index = PassageIndex(None, embedder, cs.assets)
        queries = np.stack([centroid(embedder.encode(list(c.quotes))) for c in cs.clusters])
        best, _ = index.score(queries)
        for i, c in enumerate(cs.clusters):
            scores = dict(zip(index.asset_ids, map(float, best[i]), strict=True))
            out.append(ScoredCluster(c, scores))
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def coverage_scores(scored: list[ScoredCluster], t: Thresholds) -> dict[str, float]:
    """Precision/recall of "covered" per cluster and per (cluster, asset) pair, and status
    accuracy (covered / partly / uncovered)."""
    ctp = cfp = cfn = ptp = pfp = pfn = right = 0
    for sc in scored:
        predicted_covered = sc.best >= t.covered
        gold_covered = sc.cluster.gold == "covered"
        ctp += predicted_covered and gold_covered
        cfp += predicted_covered and not gold_covered
        cfn += gold_covered and not predicted_covered
        status = (
            "covered" if sc.best >= t.covered else "partly" if sc.best >= t.partly else "uncovered"
        )
        right += status == sc.cluster.gold
        for aid, s in sc.scores.items():
            pred = s >= t.covered and s >= sc.best - t.margin
            gold = sc.cluster.answers.get(aid) == "covered"
            ptp += pred and gold
            pfp += pred and not gold
            pfn += gold and not pred
    cp, cr, cf = _prf(ctp, cfp, cfn)
    pp, pr, pf = _prf(ptp, pfp, pfn)
    return {
        "clusters": len(scored),
        "covered_precision": cp,
        "covered_recall": cr,
        "covered_f1": cf,
        "pair_precision": pp,
        "pair_recall": pr,
        "pair_f1": pf,
        "status_accuracy": right / len(scored) if scored else 0.0,
    }


def calibrate(scored: list[ScoredCluster]) -> Thresholds:
    """Thresholds maximising F1 of covered clusters, then accuracy of the three statuses."""
    grid = np.round(np.arange(0.30, 0.80, 0.01), 2)
    covered = max(
        grid,
        key=lambda c: (coverage_scores(scored, Thresholds(c, c))["covered_f1"], -c),
    )
    partly = max(
        (g for g in grid if g <= covered),
        key=lambda p: (coverage_scores(scored, Thresholds(covered, p))["status_accuracy"], p),
    )
    return Thresholds(float(covered), float(partly))
