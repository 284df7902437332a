"""What each asset answers and whether it works: suggested tags, mentions, sends, outcomes.

- Suggested tags come from the mapping, not from anyone tagging by hand: an asset is tagged with
  the objection category of every cluster it covers (its match score reaches the calibrated
  "covered" threshold, or a marketer accepted the match; a rejected match never tags).
- "What's working" counts, per asset, the buyers who mentioned it in calls (content mentions
  linked to it) and the times a rep marked it as sent, and the outcome of the deals it touched:
  a deal is the CRM deal id of the call (or the call itself when it has none), so two calls of
  one deal count once. Every count keeps the findings and sends behind it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from callinsight.cluster.summary import QuoteRef, quote_refs
from callinsight.errors import CallinsightError, E
from callinsight.store import Store
from callinsight.store.schema import (
    AssetSendRow,
    CallRow,
    ClusterRow,
    ContentAssetRow,
    FindingRow,
    MatchRow,
)

OUTCOMES = ("won", "lost", "open")


def cluster_categories(store: Store, kind: str = "objection") -> dict[int, str]:
    """The most frequent category among each cluster's (undismissed) findings."""
    counts: dict[int, Counter] = defaultdict(Counter)
    with store.session() as s:
        q = (
            select(FindingRow.cluster_id, FindingRow.category, func.count())
            .where(
                FindingRow.kind == kind,
                FindingRow.cluster_id.is_not(None),
                FindingRow.category.is_not(None),
                FindingRow.dismissed.is_(False),
            )
            .group_by(FindingRow.cluster_id, FindingRow.category)
        )
        for cid, cat, n in s.execute(q):
            counts[cid][cat] += n
    return {cid: max(sorted(c), key=c.__getitem__) for cid, c in counts.items()}


def answered_clusters(store: Store, covered: float) -> dict[str, list[tuple[int, float]]]:
    """asset id -> [(cluster id, score)] of the clusters it answers, best first."""
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    with store.session() as s:
        q = select(MatchRow.asset_id, MatchRow.cluster_id, MatchRow.score, MatchRow.decision)
        for aid, cid, score, decision in s.execute(q):
            if decision == "accepted" or (decision is None and score >= covered):
                out[aid].append((cid, float(score)))
    for rows in out.values():
        rows.sort(key=lambda r: (-r[1], r[0]))
    return dict(out)


def suggest_tags(store: Store, covered: float) -> int:
    """Write each asset's suggested tags (categories it answers, strongest first).

    Returns how many assets have at least one tag."""
    cats = cluster_categories(store)
    answered = answered_clusters(store, covered)
    tagged = 0
    with store.session() as s, s.begin():
        for aid in s.scalars(select(ContentAssetRow.id)):
            best: dict[str, float] = {}
            for cid, score in answered.get(aid, []):
                if cid in cats:
                    best[cats[cid]] = max(best.get(cats[cid], 0.0), score)
            tags = sorted(best, key=lambda c: (-best[c], c))
            tagged += bool(tags)
            s.execute(
                update(ContentAssetRow)
                .where(ContentAssetRow.id == aid)
                .values(suggested_tags=tags or None)
            )
    return tagged


def suggested_tags(store: Store) -> dict[str, list[str]]:
    with store.session() as s:
        q = select(ContentAssetRow.id, ContentAssetRow.suggested_tags)
        return {aid: list(tags or []) for aid, tags in s.execute(q)}


@dataclass
class AssetPerformance:
    asset_id: str
    title: str
    type: str | None
    url: str | None
    mention_ids: list[int] = field(default_factory=list)  # content_mention findings, oldest first
    mention_call_ids: set[str] = field(default_factory=set)
    mentions: list[QuoteRef] = field(default_factory=list)  # the quotes, when asked for
    sends: int = 0
    deals: dict[str, str] = field(default_factory=dict)  # deal key -> outcome (won|lost|open)

    @property
    def mention_count(self) -> int:
        return len(self.mention_ids)

    @property
    def mention_calls(self) -> int:
        return len(self.mention_call_ids)

    def outcome_count(self, outcome: str) -> int:
        return sum(o == outcome for o in self.deals.values())

    @property
    def win_rate(self) -> float | None:
        """Won over decided deals; None until a touched deal is decided."""
        won, lost = self.outcome_count("won"), self.outcome_count("lost")
        return won / (won + lost) if won + lost else None


def _deal(call_id: str, deal_id: str | None, outcome: str | None) -> tuple[str, str]:
    outcome = (outcome or "").lower()
    return deal_id or call_id, outcome if outcome in OUTCOMES else "open"


def asset_performance(store: Store, quotes: bool = True) -> list[AssetPerformance]:
    """Every asset with its mentions, sends and deal outcomes; most used first.

    Counting reads plain columns; ``quotes`` also loads each mention as a traceable quote."""
    with store.session() as s:
        q = select(
            ContentAssetRow.id, ContentAssetRow.title, ContentAssetRow.type, ContentAssetRow.url
        ).order_by(ContentAssetRow.id)
        perf = {r.id: AssetPerformance(r.id, r.title, r.type, r.url) for r in s.execute(q)}
        mentions = s.execute(
            select(FindingRow.id, FindingRow.detail, CallRow.id, CallRow.deal_id, CallRow.outcome)
            .join(CallRow, CallRow.id == FindingRow.call_id)
            .where(FindingRow.kind == "content_mention", FindingRow.dismissed.is_(False))
            .order_by(CallRow.date, FindingRow.call_id, FindingRow.utterance_index)
        )
        for finding_id, detail, call_id, deal_id, outcome in mentions:
            p = perf.get((detail or {}).get("asset_id", ""))
            if p is not None:
                p.mention_ids.append(finding_id)
                p.mention_call_ids.add(call_id)
                key, result = _deal(call_id, deal_id, outcome)
                p.deals[key] = result
        sends = s.execute(
            select(AssetSendRow.asset_id, CallRow.id, CallRow.deal_id, CallRow.outcome).outerjoin(
                CallRow, CallRow.id == AssetSendRow.call_id
            )
        )
        for asset_id, call_id, deal_id, outcome in sends:
            p = perf.get(asset_id)
            if p is None:
                continue
            p.sends += 1
            if call_id is not None:
                key, result = _deal(call_id, deal_id, outcome)
                p.deals[key] = result
    if quotes:
        refs = quote_refs(store, [i for p in perf.values() for i in p.mention_ids])
        for p in perf.values():
            p.mentions = [refs[i] for i in p.mention_ids]
    return sorted(
        perf.values(), key=lambda p: (-(p.mention_count + p.sends), -len(p.deals), p.asset_id)
    )


def mark_sent(
    store: Store,
    asset_id: str,
    cluster_id: int | None = None,
    call_id: str | None = None,
    rep: str | None = None,
    note: str | None = None,
) -> int:
    """Record that a rep sent an asset (for an objection cluster and/or to a call's buyer)."""
    with store.session() as s, s.begin():
        if s.get(ContentAssetRow, asset_id) is None:
            raise CallinsightError(E.E305, what=f"asset {asset_id}")
        if cluster_id is not None and s.get(ClusterRow, cluster_id) is None:
            raise CallinsightError(E.E305, what=f"cluster {cluster_id}")
        if call_id is not None and s.get(CallRow, call_id) is None:
            raise CallinsightError(E.E305, what=f"call {call_id}")
        row = AssetSendRow(
            asset_id=asset_id, cluster_id=cluster_id, call_id=call_id, rep=rep, note=note
        )
        s.add(row)
        s.flush()
        return row.id
