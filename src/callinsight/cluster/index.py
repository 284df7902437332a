"""Clusters of findings in the store: built once, then grown call by call, rebuilt on demand.

- ``update()``: findings clustering has not seen yet join the nearest centroid of their kind
  when the cosine reaches the clusterer's ``member_min`` (a faiss search over the centroids);
  the rest wait, unclustered, until enough similar ones (``min_size``) form a new cluster. A
  kind that has never been clustered is fitted from scratch.
- ``recluster()``: fits every kind from scratch, then maps old clusters to new ones by shared
  members (mutual best overlap), so a new cluster keeps the old one's id, its marketer-given
  name and its accepted or rejected asset matches; merges and splits are replayed from the
  decisions table.
- ``rename``, ``merge``, ``split`` and ``dismiss``: user decisions. Decisions name findings by
  their keys (call, utterance, span, kind...), which survive re-extraction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, select, update

from callinsight.cluster.algorithm import (
    Clusterer,
    ClusterParams,
    assign,
    centred,
    centroids_of,
)
from callinsight.cluster.labels import ctfidf_keywords, phrase
from callinsight.cluster.vectors import cached_vectors
from callinsight.embed import Embedder
from callinsight.errors import E, StoreError
from callinsight.registry import CLUSTERERS
from callinsight.store import Store
from callinsight.store.repository import finding_from_row
from callinsight.store.schema import (
    ClusterRow,
    ClusterSpaceRow,
    DecisionRow,
    FindingRow,
    MatchRow,
)

CLUSTERED_KINDS = ("objection", "question", "attribution", "research")
DEFAULT_CLUSTERER = "umap-ward"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class UpdateResult:
    kind: str
    findings: int  # findings considered
    joined: int  # joined an existing cluster
    new_clusters: int
    unclustered: int  # of the kind, after the update
    refitted: bool  # the kind was fitted from scratch


def finding_key(r: FindingRow) -> list:
    """``Finding.key`` of a stored finding, as JSON stores it (a list)."""
    return list(finding_from_row(r).key)


def _key(values: Sequence) -> tuple:
    return tuple(values)


class ClusterIndex:
    def __init__(
        self, store: Store, embedder: Embedder, clusterer: Clusterer | None = None
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.clusterer = clusterer or CLUSTERERS.create(DEFAULT_CLUSTERER)

    @property
    def params(self) -> ClusterParams:
        return self.clusterer.params

    # -- reading -------------------------------------------------------------------------

    def _findings(self, kind: str, *where) -> list[FindingRow]:
        """The kind's kept (not dismissed) findings, by id, with extra conditions."""
        with self.store.session() as s:
            q = (
                select(FindingRow)
                .where(FindingRow.kind == kind, FindingRow.dismissed.is_(False), *where)
                .order_by(FindingRow.id)
            )
            return list(s.scalars(q))

    def _place(self, s, placements: list[dict]) -> None:
        """Set cluster_id/cluster_score of many findings in one executemany by primary key."""
        if placements:
            s.execute(update(FindingRow), placements)

    def _space(self, kind: str) -> np.ndarray | None:
        with self.store.session() as s:
            row = s.get(ClusterSpaceRow, kind)
            if row is None or row.model != self.embedder.label:
                return None
            return np.frombuffer(row.center, dtype=np.float32).copy()

    def _centroids(self, kind: str) -> tuple[list[int], np.ndarray]:
        with self.store.session() as s:
            rows = list(
                s.execute(
                    select(ClusterRow.id, ClusterRow.centroid)
                    .where(ClusterRow.kind == kind)
                    .order_by(ClusterRow.id)
                )
            )
        ids = [r[0] for r in rows]
        cents = (
            np.stack([r[1] for r in rows]) if rows else np.zeros((0, self.embedder.dim), np.float32)
        )
        return ids, cents

    # -- building ------------------------------------------------------------------------

    def update(
        self, kinds: Sequence[str] = CLUSTERED_KINDS, progress: Progress | None = None
    ) -> list[UpdateResult]:
        results = []
        for kind in kinds:
            center = self._space(kind)
            if center is None:
                if progress:
                    progress(f"{kind}: first clustering, fitting from scratch")
                results.append(self._refit(kind, progress))
            else:
                results.append(self._grow(kind, center))
        return results

    def recluster(
        self, kinds: Sequence[str] = CLUSTERED_KINDS, progress: Progress | None = None
    ) -> list[UpdateResult]:
        return [self._refit(kind, progress) for kind in kinds]

    def _grow(self, kind: str, center: np.ndarray) -> UpdateResult:
        """Incremental: new findings join centroids or wait; waiting ones may found clusters."""
        p = self.params
        new = self._findings(kind, FindingRow.cluster_score.is_(None))
        if not new:
            return UpdateResult(kind, 0, 0, 0, self._unclustered_count(kind), False)
        x = centred(cached_vectors(self.store, self.embedder, [r.quote for r in new]), center)
        ids, cents = self._centroids(kind)
        labels, sims = assign(cents, x, p.member_min)
        placements = [
            {
                "id": row.id,
                "cluster_id": ids[label] if label >= 0 else None,
                "cluster_score": float(sim),
            }
            for row, label, sim in zip(new, labels, sims, strict=True)
        ]
        joined = Counter(pl["cluster_id"] for pl in placements if pl["cluster_id"] is not None)
        with self.store.session() as s, s.begin():
            self._place(s, placements)
            for cluster_id, n in joined.items():
                s.execute(
                    update(ClusterRow)
                    .where(ClusterRow.id == cluster_id)
                    .values(size=ClusterRow.size + n)
                )
        founded = self._found_clusters(kind, center) if (labels < 0).any() else 0
        return UpdateResult(
            kind, len(new), sum(joined.values()), founded, self._unclustered_count(kind), False
        )

    def _found_clusters(self, kind: str, center: np.ndarray) -> int:
        """Unclustered findings with ``min_size - 1`` close neighbours found a new cluster."""
        p = self.params
        waiting = self._findings(kind, FindingRow.cluster_id.is_(None))
        if len(waiting) < p.min_size:
            return 0
        x = centred(cached_vectors(self.store, self.embedder, [r.quote for r in waiting]), center)
        sims = x @ x.T
        # Stricter than joining a centroid: a group of loose remarks must not become a cluster.
        close = sims >= p.cohesion_min + 0.15
        taken = np.zeros(len(waiting), dtype=bool)
        groups = []
        for i in np.argsort(-close.sum(axis=1), kind="stable"):
            if taken[i]:
                continue
            members = np.where(close[i] & ~taken)[0]
            if len(members) >= p.min_size:
                taken[members] = True
                groups.append(members)
        if not groups:
            return 0
        background = self._keyword_docs(kind)
        texts = [[waiting[j].quote for j in g] for g in groups]
        keywords = ctfidf_keywords(texts + background)[: len(groups)]
        with self.store.session() as s, s.begin():
            for members, words in zip(groups, keywords, strict=True):
                cent = centroids_of(x[members], np.zeros(len(members), dtype=np.int64), 1)[0]
                row = ClusterRow(
                    kind=kind,
                    label=phrase(words),
                    keywords=words,
                    size=len(members),
                    centroid=cent,
                )
                s.add(row)
                s.flush()
                self._place(
                    s,
                    [
                        {
                            "id": waiting[j].id,
                            "cluster_id": row.id,
                            "cluster_score": float(x[j] @ cent),
                        }
                        for j in members
                    ],
                )
        return len(groups)

    def _keyword_docs(self, kind: str) -> list[list[str]]:
        with self.store.session() as s:
            rows = s.scalars(select(ClusterRow.keywords).where(ClusterRow.kind == kind))
            return [list(k or []) for k in rows]

    def _unclustered_count(self, kind: str) -> int:
        with self.store.session() as s:
            q = select(func.count()).where(
                FindingRow.kind == kind,
                FindingRow.dismissed.is_(False),
                FindingRow.cluster_id.is_(None),
            )
            return int(s.scalar(q) or 0)

    def _refit(self, kind: str, progress: Progress | None) -> UpdateResult:
        rows = self._findings(kind)
        if progress:
            progress(f"{kind}: embedding {len(rows)} quotes")
        vectors = cached_vectors(self.store, self.embedder, [r.quote for r in rows])
        if progress:
            progress(f"{kind}: clustering {len(rows)} findings")
        if len(rows):
            partition = self.clusterer.fit(vectors)
            labels, sims = partition.labels, partition.similarity
            center, cents = partition.center, partition.centroids
            x = centred(vectors, center)
        else:
            labels = np.zeros(0, dtype=np.int64)
            sims = np.zeros(0, dtype=np.float32)
            center = np.zeros(self.embedder.dim, dtype=np.float32)
            cents = np.zeros((0, self.embedder.dim), dtype=np.float32)
            x = vectors
        old = self._old_members(kind)
        labels, cents = self._replay(kind, rows, labels, x)
        k = len(cents)
        groups = [[rows[i].quote for i in np.where(labels == c)[0]] for c in range(k)]
        keywords = ctfidf_keywords(groups)
        # Old cluster -> new cluster by mutual best overlap of members: the new one inherits
        # the old id (and with it the name a marketer gave and the match decisions).
        new_members = [{rows[i].id for i in np.where(labels == c)[0]} for c in range(k)]
        inherit = _mutual_best(old, new_members)
        with self.store.session() as s, s.begin():
            s.execute(
                update(FindingRow)
                .where(FindingRow.kind == kind)
                .values(cluster_id=None, cluster_score=None)
            )
            keep_ids = set(inherit.values())
            gone = [cid for cid in old if cid not in keep_ids]
            if gone:
                s.execute(delete(MatchRow).where(MatchRow.cluster_id.in_(gone)))
                s.execute(delete(ClusterRow).where(ClusterRow.id.in_(gone)))
            cluster_ids = []
            for c in range(k):
                values = dict(
                    kind=kind,
                    label=phrase(keywords[c]),
                    keywords=keywords[c],
                    size=len(new_members[c]),
                    centroid=cents[c],
                )
                if c in inherit:
                    s.execute(
                        update(ClusterRow).where(ClusterRow.id == inherit[c]).values(**values)
                    )
                    cluster_ids.append(inherit[c])
                else:
                    row = ClusterRow(**values)
                    s.add(row)
                    s.flush()
                    cluster_ids.append(row.id)
            self._place(
                s,
                [
                    {
                        "id": row.id,
                        "cluster_id": cluster_ids[label] if label >= 0 else None,
                        "cluster_score": float(sim),
                    }
                    for row, label, sim in zip(rows, labels, sims, strict=True)
                ],
            )
            s.merge(
                ClusterSpaceRow(
                    kind=kind,
                    model=self.embedder.label,
                    center=np.asarray(center, dtype=np.float32).tobytes(),
                    params=self.params.__dict__,
                    fitted_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                )
            )
        return UpdateResult(kind, len(rows), 0, k, int((labels < 0).sum()), True)

    def _old_members(self, kind: str) -> dict[int, set[int]]:
        with self.store.session() as s:
            out: dict[int, set[int]] = {
                cid: set()
                for cid in s.scalars(select(ClusterRow.id).where(ClusterRow.kind == kind))
            }
            q = select(FindingRow.cluster_id, FindingRow.id).where(
                FindingRow.kind == kind, FindingRow.cluster_id.is_not(None)
            )
            for cid, fid in s.execute(q):
                out.setdefault(cid, set()).add(fid)
        return out

    # -- decisions -----------------------------------------------------------------------

    def _replay(
        self, kind: str, rows: list[FindingRow], labels: np.ndarray, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Re-apply merges and splits to a fresh partition; returns labels and centroids."""
        labels = labels.copy()
        index = {_key(finding_key(r)): i for i, r in enumerate(rows)}
        with self.store.session() as s:
            decisions = list(
                s.scalars(
                    select(DecisionRow)
                    .where(DecisionRow.kind == kind, DecisionRow.action.in_(("merge", "split")))
                    .order_by(DecisionRow.id)
                )
            )

        def plurality(keys: list) -> int:
            found = [labels[index[_key(k)]] for k in keys if _key(k) in index]
            found = [c for c in found if c >= 0]
            return Counter(found).most_common(1)[0][0] if found else -1

        for d in decisions:
            if d.action == "merge":
                a, b = plurality(d.payload["into"]), plurality(d.payload["from"])
                if a >= 0 and b >= 0 and a != b:
                    labels[labels == b] = a
            elif d.action == "split":
                moved = [index[_key(k)] for k in d.payload["moved"] if _key(k) in index]
                kept = plurality(d.payload["kept"])
                if moved and kept >= 0 and plurality(d.payload["moved"]) == kept:
                    labels[moved] = labels.max() + 1
        # Renumber densely, keeping order of first appearance stable.
        ids = sorted({int(c) for c in labels if c >= 0})
        mapping = {c: i for i, c in enumerate(ids)}
        labels = np.array([mapping.get(int(c), -1) for c in labels], dtype=np.int64)
        return labels, centroids_of(x, labels, len(ids))

    def _members(self, cluster_id: int) -> list[FindingRow]:
        with self.store.session() as s:
            return list(
                s.scalars(
                    select(FindingRow)
                    .where(FindingRow.cluster_id == cluster_id)
                    .order_by(FindingRow.id)
                )
            )

    def _cluster(self, cluster_id: int) -> ClusterRow:
        with self.store.session() as s:
            row = s.get(ClusterRow, cluster_id)
        if row is None:
            raise StoreError(E.E305, what=f"cluster {cluster_id}")
        return row

    def rename(self, cluster_id: int, label: str) -> None:
        row = self._cluster(cluster_id)
        with self.store.session() as s, s.begin():
            s.execute(
                update(ClusterRow).where(ClusterRow.id == cluster_id).values(user_label=label)
            )
            s.add(
                DecisionRow(
                    action="rename", kind=row.kind, payload={"cluster": cluster_id, "label": label}
                )
            )

    def merge(self, into: int, other: int) -> None:
        """Move every member of ``other`` into ``into``; ``other`` is deleted."""
        a, b = self._cluster(into), self._cluster(other)
        if a.kind != b.kind or into == other:
            raise StoreError(E.E306, reason=f"clusters {into} and {other} cannot be merged")
        members_a, members_b = self._members(into), self._members(other)
        center = self._space(a.kind)
        rows = members_a + members_b
        x = centred(cached_vectors(self.store, self.embedder, [r.quote for r in rows]), center)
        cent = centroids_of(x, np.zeros(len(rows), dtype=np.int64), 1)[0]
        with self.store.session() as s, s.begin():
            self._place(
                s,
                [
                    {"id": r.id, "cluster_id": into, "cluster_score": float(v @ cent)}
                    for r, v in zip(rows, x, strict=True)
                ],
            )
            s.execute(
                update(ClusterRow)
                .where(ClusterRow.id == into)
                .values(size=len(rows), centroid=cent)
            )
            s.execute(delete(MatchRow).where(MatchRow.cluster_id == other))
            s.execute(delete(ClusterRow).where(ClusterRow.id == other))
            s.add(
                DecisionRow(
                    action="merge",
                    kind=a.kind,
                    payload={
                        "into": [finding_key(r) for r in members_a],
                        "from": [finding_key(r) for r in members_b],
                    },
                )
            )

    def split(self, cluster_id: int, finding_ids: Sequence[int] | None = None) -> int:
        """Move some members (by finding id; default: a two-way split by the clusterer's own
        vectors) into a new cluster; returns its id."""
        row = self._cluster(cluster_id)
        members = self._members(cluster_id)
        center = self._space(row.kind)
        x = centred(cached_vectors(self.store, self.embedder, [r.quote for r in members]), center)
        if finding_ids is None:
            from sklearn.cluster import AgglomerativeClustering

            if len(members) < 2:
                raise StoreError(E.E306, reason=f"cluster {cluster_id} has fewer than 2 members")
            halves = AgglomerativeClustering(n_clusters=2, linkage="ward").fit_predict(x)
            second = Counter(halves).most_common()[-1][0]
            moved_idx = [i for i, h in enumerate(halves) if h == second]
        else:
            wanted = set(finding_ids)
            moved_idx = [i for i, r in enumerate(members) if r.id in wanted]
            if not moved_idx or len(moved_idx) == len(members):
                raise StoreError(
                    E.E306, reason="name some, not all, findings of the cluster to split off"
                )
        labels = np.zeros(len(members), dtype=np.int64)
        labels[moved_idx] = 1
        cents = centroids_of(x, labels, 2)
        groups = [[members[i].quote for i in np.where(labels == c)[0]] for c in (0, 1)]
        keywords = ctfidf_keywords(groups + self._keyword_docs(row.kind))[:2]
        with self.store.session() as s, s.begin():
            new = ClusterRow(
                kind=row.kind,
                label=phrase(keywords[1]),
                keywords=keywords[1],
                size=len(moved_idx),
                centroid=cents[1],
            )
            s.add(new)
            s.flush()
            self._place(
                s,
                [
                    {
                        "id": r.id,
                        "cluster_id": new.id if labels[i] else cluster_id,
                        "cluster_score": float(x[i] @ cents[labels[i]]),
                    }
                    for i, r in enumerate(members)
                ],
            )
            s.execute(
                update(ClusterRow)
                .where(ClusterRow.id == cluster_id)
                .values(
                    size=len(members) - len(moved_idx),
                    centroid=cents[0],
                    label=phrase(keywords[0]),
                    keywords=keywords[0],
                )
            )
            s.add(
                DecisionRow(
                    action="split",
                    kind=row.kind,
                    payload={
                        "moved": [finding_key(members[i]) for i in moved_idx],
                        "kept": [
                            finding_key(r) for i, r in enumerate(members) if i not in moved_idx
                        ],
                    },
                )
            )
            return new.id

    def dismiss(self, finding_id: int) -> None:
        """'Not an objection' (or not a question...): out of clusters and counts, and a
        negative example for ``callinsight train``; re-extraction keeps it dismissed."""
        with self.store.session() as s, s.begin():
            row = s.get(FindingRow, finding_id)
            if row is None:
                raise StoreError(E.E305, what=f"finding {finding_id}")
            if row.cluster_id is not None:
                s.execute(
                    update(ClusterRow)
                    .where(ClusterRow.id == row.cluster_id)
                    .values(size=ClusterRow.size - 1)
                )
            row.dismissed = True
            row.cluster_id = None


def _mutual_best(old: dict[int, set[int]], new: list[set[int]]) -> dict[int, int]:
    """new cluster index -> old cluster id, where each is the other's best overlap."""
    best_old: dict[int, tuple[int, int]] = {}
    for c, members in enumerate(new):
        for cid, olds in old.items():
            n = len(members & olds)
            if n and n > best_old.get(c, (0, -1))[0]:
                best_old[c] = (n, cid)
    best_new: dict[int, tuple[int, int]] = {}
    for c, (n, cid) in best_old.items():
        if n > best_new.get(cid, (0, -1))[0]:
            best_new[cid] = (n, c)
    return {c: cid for cid, (_, c) in best_new.items()}
