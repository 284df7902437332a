"""Clusters in a real store: first fit, incremental joins, user decisions that survive."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from callinsight.cluster.index import ClusterIndex
from callinsight.cluster.summary import cluster_summaries
from callinsight.records import Finding
from callinsight.store.schema import CallRow, ClusterRow, FindingRow


def _add_call(store, call_id, quotes, day=1):
    with store.session() as s, s.begin():
        s.add(
            CallRow(
                id=call_id,
                source_file=f"{call_id}.vtt",
                source_kind="transcript",
                format="vtt",
                status="transcribed",
                account=f"acct-{call_id}",
                date=dt.date(2026, 8, day),
                outcome="lost",
            )
        )
    findings = [
        Finding(
            call_id, i, "objection", q, 0, len(q), "Pat", "prospect", 0.9, "model", category="price"
        )
        for i, q in enumerate(quotes)
    ]
    store.save_findings(call_id, findings, digest="test")


def _seed(store, banking):
    texts, labels, _ = banking
    by_label: dict[str, list[str]] = {}
    for t, lab in zip(texts, labels, strict=True):
        by_label.setdefault(lab, []).append(t)
    chosen = sorted(by_label)[:3]
    for n in range(8):  # eight calls, each with one query of each of three intents
        _add_call(store, f"call{n}", [by_label[lab][n] for lab in chosen], day=n + 1)
    return by_label, chosen


def _cluster_of(store, quote):
    with store.session() as s:
        return s.scalar(select(FindingRow.cluster_id).where(FindingRow.quote == quote))


def test_fit_join_and_decisions_survive_recluster(store, embedder, banking):
    by_label, chosen = _seed(store, banking)
    index = ClusterIndex(store, embedder)
    first = {r.kind: r for r in index.update(kinds=["objection"])}["objection"]
    assert first.refitted and first.new_clusters >= 3
    summaries = cluster_summaries(store, "objection")
    assert sum(c.size for c in summaries) + first.unclustered == 24
    top = summaries[0]
    assert top.calls == top.accounts and top.lost_deals == top.deals == top.calls
    assert top.quotes and top.quotes[0].call_id.startswith("call")

    # A new call's findings join the clusters of their intents without a refit.
    _add_call(store, "call9", [by_label[lab][9] for lab in chosen], day=20)
    grown = index.update(kinds=["objection"])[0]
    assert not grown.refitted and grown.findings == 3 and grown.joined >= 2
    assert _cluster_of(store, by_label[chosen[0]][9]) == _cluster_of(store, by_label[chosen[0]][0])

    # Rename, then rebuild from scratch: the cluster keeps its id and its name.
    cid = _cluster_of(store, by_label[chosen[0]][0])
    index.rename(cid, "card arrival worries")
    index.recluster(kinds=["objection"])
    assert _cluster_of(store, by_label[chosen[0]][0]) == cid
    with store.session() as s:
        assert s.get(ClusterRow, cid).user_label == "card arrival worries"

    # Merge two clusters; the merge is replayed after another rebuild.
    other = _cluster_of(store, by_label[chosen[1]][0])
    assert other != cid
    index.merge(cid, other)
    assert _cluster_of(store, by_label[chosen[1]][0]) == cid
    index.recluster(kinds=["objection"])
    assert _cluster_of(store, by_label[chosen[1]][0]) == _cluster_of(store, by_label[chosen[0]][0])

    # Split it again by naming the findings to move out.
    merged = _cluster_of(store, by_label[chosen[0]][0])
    with store.session() as s:
        moved = list(
            s.scalars(
                select(FindingRow.id).where(
                    FindingRow.cluster_id == merged,
                    FindingRow.quote.in_(by_label[chosen[1]]),
                )
            )
        )
    new = index.split(merged, moved)
    assert _cluster_of(store, by_label[chosen[1]][0]) == new

    # Dismiss a finding: it leaves its cluster and stays dismissed on re-extraction.
    fid = moved[0]
    index.dismiss(fid)
    with store.session() as s:
        row = s.get(FindingRow, fid)
        assert row.dismissed and row.cluster_id is None
    assert all(c.size >= 1 for c in cluster_summaries(store, "objection"))
