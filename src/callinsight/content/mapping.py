"""Which content assets answer which clusters, and how well: coverage and content gaps.

A cluster is represented by the centroid of its members' quote vectors (raw MiniLM space); an
asset by its passages (``passages.py``). An asset's score for a cluster is the best cosine of
any of its passages to that centroid, and that passage is shown as the evidence. On the
labelled development set of cluster-to-asset pairs (``corpora/dev/coverage``) this ranks
answering assets well (ROC AUC 0.96 for "covered" pairs); the thresholds that turn scores into
covered / partly covered / uncovered are calibrated there (``calibrate``) and stored in
``models/coverage.json``. A marketer's accept or reject overrides the score: an accepted match
covers its cluster whatever the score, a rejected one never counts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select, update

from callinsight.cluster.vectors import cached_vectors
from callinsight.config import CHECKOUT
from callinsight.content.passages import asset_passages
from callinsight.embed import Embedder
from callinsight.records import ContentAsset
from callinsight.store import Store
from callinsight.store.schema import ClusterRow, FindingRow, MatchRow

THRESHOLDS_FILE = CHECKOUT / "models" / "coverage.json"
TOP_ASSETS = 5  # suggestions kept per cluster


@dataclass(frozen=True)
class Thresholds:
    covered: float  # best score at or above: the cluster is covered
    partly: float  # at or above (below covered): partly covered
    margin: float = 0.04  # other assets within this of the best are also "answers"

    @classmethod
    def load(cls, path: Path = THRESHOLDS_FILE) -> Thresholds:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["covered"], data["partly"], data.get("margin", 0.04))


@dataclass(frozen=True)
class AssetMatch:
    asset_id: str
    score: float
    passage: str


class PassageIndex:
    """Every passage of every asset, embedded once (cached in the store)."""

    def __init__(self, store: Store, embedder: Embedder, assets: Sequence[ContentAsset]):
        self.assets = {a.id: a for a in assets}
        owners, texts = [], []
        for a in assets:
            for p in asset_passages(a):
                owners.append(a.id)
                texts.append(p)
        self.owners = np.array(owners)
        self.texts = texts
        self.vectors = (
            cached_vectors(store, embedder, texts)
            if texts
            else np.zeros((0, embedder.dim), dtype=np.float32)
        )
        self.asset_ids = sorted(self.assets)
        self._slots = {a: np.where(self.owners == a)[0] for a in self.asset_ids}

    def score(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(queries x assets) best passage cosine, and the index of that passage."""
        sims = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        best = np.full((len(queries), len(self.asset_ids)), -1.0, dtype=np.float32)
        where = np.zeros((len(queries), len(self.asset_ids)), dtype=np.int64)
        for j, a in enumerate(self.asset_ids):
            slots = self._slots[a]
            if len(slots):
                k = sims[:, slots].argmax(axis=1)
                best[:, j] = sims[np.arange(len(queries)), slots[k]]
                where[:, j] = slots[k]
        return best, where

    def matches(self, query: np.ndarray, top: int = TOP_ASSETS) -> list[AssetMatch]:
        best, where = self.score(query[None, :])
        order = np.argsort(-best[0], kind="stable")[:top]
        return [
            AssetMatch(self.asset_ids[j], float(best[0, j]), self.texts[where[0, j]])
            for j in order
            if best[0, j] > 0
        ]


def coverage_of(scores: Sequence[float], t: Thresholds) -> str:
    best = max(scores, default=0.0)
    return "covered" if best >= t.covered else "partly" if best >= t.partly else "uncovered"


def centroid(vectors: np.ndarray) -> np.ndarray:
    c = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return c / max(float(np.linalg.norm(c)), 1e-12)


def map_clusters(
    store: Store,
    embedder: Embedder,
    assets: Sequence[ContentAsset],
    thresholds: Thresholds | None = None,
    kinds: Sequence[str] = ("objection", "question"),
) -> dict[str, int]:
    """Score every cluster against every asset; store suggestions and coverage.

    Returns how many clusters ended covered / partly / uncovered. Decisions on matches are
    kept: a recomputation updates scores and passages in place and never drops a match that
    carries a decision.
    """
    t = thresholds or Thresholds.load()
    index = PassageIndex(store, embedder, assets)
    with store.session() as s:
        clusters = list(
            s.scalars(select(ClusterRow).where(ClusterRow.kind.in_(kinds)).order_by(ClusterRow.id))
        )
        quotes: dict[int, list[str]] = {c.id: [] for c in clusters}
        for cid, quote in s.execute(
            select(FindingRow.cluster_id, FindingRow.quote).where(
                FindingRow.cluster_id.in_(list(quotes)), FindingRow.dismissed.is_(False)
            )
        ):
            quotes[cid].append(quote)
        decided: dict[int, dict[str, str]] = {}
        for m in s.scalars(select(MatchRow).where(MatchRow.decision.is_not(None))):
            decided.setdefault(m.cluster_id, {})[m.asset_id] = m.decision
    counts = {"covered": 0, "partly": 0, "uncovered": 0}
    if not clusters:
        return counts
    all_quotes = sorted({q for qs in quotes.values() for q in qs})
    qv = cached_vectors(store, embedder, all_quotes) if all_quotes else np.zeros((0, 1))
    row_of = {q: i for i, q in enumerate(all_quotes)}
    queries = np.stack(
        [
            centroid(qv[[row_of[q] for q in quotes[c.id]]])
            if quotes[c.id]
            else np.zeros(embedder.dim, np.float32)
            for c in clusters
        ]
    )
    best, where = index.score(queries) if index.asset_ids else (None, None)
    column = {a: j for j, a in enumerate(index.asset_ids)}
    with store.session() as s, s.begin():
        existing_all: dict[int, dict[str, MatchRow]] = {}
        for m in s.scalars(
            select(MatchRow).where(MatchRow.cluster_id.in_([c.id for c in clusters]))
        ):
            existing_all.setdefault(m.cluster_id, {})[m.asset_id] = m
        for i, c in enumerate(clusters):
            decisions = decided.get(c.id, {})
            suggestions: dict[str, tuple[float, str]] = {}
            if best is not None:
                for j in np.argsort(-best[i], kind="stable")[:TOP_ASSETS]:
                    if best[i, j] >= t.partly:
                        suggestions[index.asset_ids[j]] = (
                            float(best[i, j]),
                            index.texts[where[i, j]],
                        )
            for aid in decisions:
                if aid not in suggestions and aid in column:
                    j = column[aid]
                    suggestions[aid] = (float(best[i, j]), index.texts[where[i, j]])
            existing = existing_all.get(c.id, {})
            for aid, m in existing.items():
                if aid not in suggestions:
                    if m.decision is None:
                        s.delete(m)
                    else:
                        m.suggested = False
            for aid, (score, passage) in suggestions.items():
                m = existing.get(aid)
                if m is None:
                    s.add(MatchRow(cluster_id=c.id, asset_id=aid, score=score, passage=passage))
                else:
                    m.score, m.passage, m.suggested = score, passage, True
            counting = [
                sc for aid, (sc, _) in suggestions.items() if decisions.get(aid) != "rejected"
            ]
            status = coverage_of(counting, t)
            if any(decisions.get(aid) == "accepted" for aid in suggestions):
                status = "covered"
            counts[status] += 1
            s.execute(
                update(ClusterRow)
                .where(ClusterRow.id == c.id)
                .values(coverage=status, coverage_score=max(counting, default=0.0))
            )
    from callinsight.content.working import suggest_tags  # working imports cluster summaries

    suggest_tags(store, t.covered)
    return counts


def decide(store: Store, cluster_id: int, asset_id: str, decision: str | None) -> None:
    """A marketer accepts or rejects a suggested match (None clears the decision)."""
    if decision not in ("accepted", "rejected", None):
        raise ValueError(decision)
    with store.session() as s, s.begin():
        m = s.scalar(
            select(MatchRow).where(MatchRow.cluster_id == cluster_id, MatchRow.asset_id == asset_id)
        )
        if m is None:
            m = MatchRow(cluster_id=cluster_id, asset_id=asset_id, score=0.0, suggested=False)
            s.add(m)
        m.decision = decision


def cluster_matches(store: Store, cluster_id: int) -> list[MatchRow]:
    with store.session() as s:
        q = (
            select(MatchRow)
            .where(MatchRow.cluster_id == cluster_id)
            .order_by(MatchRow.score.desc(), MatchRow.asset_id)
        )
        return list(s.scalars(q))
