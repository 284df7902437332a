"""What a cluster is, for people: label, size, distinct calls and accounts, trend, top quotes.

Every number here is computed from the member findings it describes, and each quote carries
its call, speaker and timestamp, so any figure can be traced to what buyers said.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from callinsight.store import Store
from callinsight.store.schema import CallRow, ClusterRow, FindingRow


@dataclass(frozen=True)
class QuoteRef:
    finding_id: int
    call_id: str
    source_file: str
    title: str | None
    account: str | None
    date: dt.date | None
    speaker: str
    start_s: float | None
    end_s: float | None
    quote: str
    category: str | None = None


@dataclass(frozen=True)
class ClusterSummary:
    id: int
    kind: str
    label: str  # the marketer's name when given, else the automatic one
    auto_label: str
    keywords: tuple[str, ...]
    size: int
    calls: int
    accounts: int
    lost_deals: int  # distinct deals among members' calls whose outcome is lost
    deals: int  # distinct deals with a known outcome (won or lost)
    category: str | None  # the most common objection category among members
    coverage: str | None
    coverage_score: float | None
    first_seen: dt.date | None
    last_seen: dt.date | None
    weekly: dict[str, int] = field(default_factory=dict)  # "2026-W32" -> findings
    monthly: dict[str, int] = field(default_factory=dict)  # "2026-08" -> findings
    quotes: tuple[QuoteRef, ...] = ()  # most representative first

    @property
    def lost_share(self) -> float:
        return self.lost_deals / self.deals if self.deals else 0.0


def _deal(row) -> str:
    return row.deal_id or row.account or row.call_id


def cluster_summaries(
    store: Store, kind: str | None = None, cluster_ids: list[int] | None = None, top_quotes: int = 5
) -> list[ClusterSummary]:
    """Clusters (largest first) with their statistics and representative quotes.

    Members are read as plain columns (a 100k-finding archive in about a second, not the
    three that whole ORM rows take); only the quotes shown are loaded whole."""
    with store.session() as s:
        cq = select(ClusterRow).order_by(ClusterRow.size.desc(), ClusterRow.id)
        if kind:
            cq = cq.where(ClusterRow.kind == kind)
        if cluster_ids is not None:
            cq = cq.where(ClusterRow.id.in_(cluster_ids))
        clusters = list(s.scalars(cq))
        ids = [c.id for c in clusters]
        members: dict[int, list] = {i: [] for i in ids}
        if ids:
            q = (
                select(
                    FindingRow.id,
                    FindingRow.cluster_id,
                    FindingRow.category,
                    FindingRow.cluster_score,
                    CallRow.id.label("call_id"),
                    CallRow.date,
                    CallRow.account,
                    CallRow.deal_id,
                    CallRow.outcome,
                )
                .join(CallRow, CallRow.id == FindingRow.call_id)
                .where(FindingRow.cluster_id.in_(ids), FindingRow.dismissed.is_(False))
                .order_by(FindingRow.id)
            )
            for row in s.execute(q):
                members[row.cluster_id].append(row)
    picked_of: dict[int, list[int]] = {}
    for c in clusters:
        rows = members[c.id]
        # Representative: closest to the centroid (cluster_score), one per call first.
        order = np.argsort([-(r.cluster_score or 0.0) for r in rows], kind="stable")
        picked, seen = [], set()
        for i in order:
            if len(picked) == top_quotes:
                break
            if rows[i].call_id not in seen:
                picked.append(rows[i].id)
                seen.add(rows[i].call_id)
        picked_of[c.id] = picked
    refs = quote_refs(store, [i for ids_ in picked_of.values() for i in ids_])
    out = []
    for c in clusters:
        rows = members[c.id]
        if not rows:
            continue
        dates = [r.date for r in rows if r.date]
        weekly = Counter(f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in dates)
        monthly = Counter(f"{d.year}-{d.month:02d}" for d in dates)
        outcomes = {_deal(r): r.outcome for r in rows if r.outcome}
        categories = Counter(r.category for r in rows if r.category)
        out.append(
            ClusterSummary(
                id=c.id,
                kind=c.kind,
                label=c.user_label or c.label,
                auto_label=c.label,
                keywords=tuple(c.keywords or ()),
                size=len(rows),
                calls=len({r.call_id for r in rows}),
                accounts=len({r.account or r.call_id for r in rows}),
                lost_deals=sum(1 for o in outcomes.values() if o == "lost"),
                deals=sum(1 for o in outcomes.values() if o in ("won", "lost")),
                category=categories.most_common(1)[0][0] if categories else None,
                coverage=c.coverage,
                coverage_score=c.coverage_score,
                first_seen=min(dates) if dates else None,
                last_seen=max(dates) if dates else None,
                weekly=dict(sorted(weekly.items())),
                monthly=dict(sorted(monthly.items())),
                quotes=tuple(refs[i] for i in picked_of[c.id]),
            )
        )
    return out


def quote_ref(f: FindingRow, call: CallRow) -> QuoteRef:
    """A stored finding as a traceable quote: call, speaker, time."""
    return QuoteRef(
        finding_id=f.id,
        call_id=call.id,
        source_file=call.source_file,
        title=call.title,
        account=call.account,
        date=call.date,
        speaker=f.speaker,
        start_s=f.start_s,
        end_s=f.end_s,
        quote=f.quote,
        category=f.category,
    )


def quote_refs(store: Store, finding_ids: Iterable[int]) -> dict[int, QuoteRef]:
    """Findings by id as traceable quotes, loaded whole (with their calls) in a few queries:
    readers scan light columns, then load only the quotes they show."""
    wanted = sorted(set(finding_ids))
    refs: dict[int, QuoteRef] = {}
    with store.session() as s:
        for i in range(0, len(wanted), 500):
            q = (
                select(FindingRow, CallRow)
                .join(CallRow, CallRow.id == FindingRow.call_id)
                .where(FindingRow.id.in_(wanted[i : i + 500]))
            )
            refs.update((f.id, quote_ref(f, call)) for f, call in s.execute(q))
    return refs
