"""Content gaps: objection clusters nothing (or too little) in the library answers, ranked, with
a brief a writer can start from.

Gap score (0..1), documented in README.md:

    score = coverage_weight x (0.35 x frequency + 0.30 x accounts + 0.15 x trend + 0.20 x lost)

- frequency: the cluster's findings / the largest objection cluster's findings;
- accounts: distinct accounts raising it / the most any objection cluster reaches;
- trend: findings in the latest 28 days of the archive / (those + the 28 days before); 0.5 is
  flat, 1.0 is new. "Latest" is the newest call date in the archive, not today, so an archive
  imported late still has a trend;
- lost: share of the cluster's deals with a known outcome (CRM metadata) that were lost;
- coverage_weight: 1.0 when uncovered, 0.6 when partly covered.

Every input is a count over the cluster's member findings, shown next to the score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from callinsight.cluster.summary import ClusterSummary, QuoteRef, cluster_summaries, quote_refs
from callinsight.cluster.vectors import cached_vectors
from callinsight.content.mapping import centroid, cluster_matches
from callinsight.embed import Embedder
from callinsight.store import Store
from callinsight.store.schema import CallRow, ContentAssetRow, FindingRow

WEIGHTS = {"frequency": 0.35, "accounts": 0.30, "trend": 0.15, "lost": 0.20}
PARTLY_WEIGHT = 0.6
TREND_DAYS = 28

# What a writer would make for each kind of objection, and a working-title pattern.
ASSET_FOR_CATEGORY = {
    "price": (
        "ROI calculator or cost case study",
        "What {topic} really costs, and what it pays back",
    ),
    "timing": ("implementation timeline guide", "Why now works: {topic}"),
    "competitor": ("comparison page", "Switching and comparing: {topic}"),
    "integration": ("integration guide", "How the integration handles {topic}"),
    "security": ("security FAQ or trust-centre page", "Security questions answered: {topic}"),
    "authority": (
        "business-case kit for the approver",
        "Making the case to your approver: {topic}",
    ),
    "need": ("benchmark report or self-assessment", "Do you need it? {topic}"),
    "trust": ("customer case study with references", "Proof from customers like you: {topic}"),
    "contract": ("contract terms one-pager / FAQ", "Our contract terms, plainly: {topic}"),
    "resources": ("small-team implementation guide", "Live without extra headcount: {topic}"),
}
DEFAULT_ASSET = ("FAQ or one-pager", "Answering: {topic}")


@dataclass(frozen=True)
class RelatedAsset:
    asset_id: str
    title: str
    url: str | None
    score: float
    passage: str | None


@dataclass(frozen=True)
class Gap:
    rank: int
    cluster: ClusterSummary
    score: float
    frequency: float
    accounts: float
    trend: float
    lost: float
    in_their_words: str  # the most representative quote
    questions: tuple[QuoteRef, ...]  # real buyer questions near this objection
    asset_type: str
    working_title: str
    related: tuple[RelatedAsset, ...]  # what exists, partly answering


def _trend(c: ClusterSummary, latest: dt.date | None) -> float:
    if latest is None:
        return 0.5
    recent_start = latest - dt.timedelta(days=TREND_DAYS)
    before_start = recent_start - dt.timedelta(days=TREND_DAYS)
    recent = before = 0
    for week, n in c.weekly.items():
        year, w = week.split("-W")
        day = dt.date.fromisocalendar(int(year), int(w), 4)  # the week's Thursday
        if day > recent_start:
            recent += n
        elif day > before_start:
            before += n
    return recent / (recent + before) if recent + before else 0.5


def find_gaps(store: Store, embedder: Embedder | None = None, top: int | None = None) -> list[Gap]:
    """Uncovered and partly covered objection clusters, best gap first, with briefs."""
    clusters = cluster_summaries(store, "objection")
    if not clusters:
        return []
    with store.session() as s:
        latest = s.scalar(select(func.max(CallRow.date)))
        titles = {a.id: (a.title, a.url) for a in s.scalars(select(ContentAssetRow))}
    max_size = max(c.size for c in clusters)
    max_accounts = max(c.accounts for c in clusters)
    scored = []
    for c in clusters:
        if c.coverage not in ("uncovered", "partly"):
            continue
        parts = {
            "frequency": c.size / max_size,
            "accounts": c.accounts / max_accounts,
            "trend": _trend(c, latest),
            "lost": c.lost_share,
        }
        weight = 1.0 if c.coverage == "uncovered" else PARTLY_WEIGHT
        score = weight * sum(WEIGHTS[k] * v for k, v in parts.items())
        scored.append((score, c, parts))
    scored.sort(key=lambda t: (-t[0], t[1].id))
    if top is not None:
        scored = scored[:top]
    questions = _nearby_questions(store, embedder, [c for _, c, _ in scored])
    gaps = []
    for rank, (score, c, parts) in enumerate(scored, start=1):
        asset_type, pattern = ASSET_FOR_CATEGORY.get(c.category or "", DEFAULT_ASSET)
        related = tuple(
            RelatedAsset(
                m.asset_id,
                titles.get(m.asset_id, (m.asset_id, None))[0],
                titles.get(m.asset_id, (None, None))[1],
                m.score,
                m.passage,
            )
            for m in cluster_matches(store, c.id)
            if m.decision != "rejected"
        )
        gaps.append(
            Gap(
                rank=rank,
                cluster=c,
                score=round(score, 4),
                in_their_words=c.quotes[0].quote if c.quotes else c.label,
                questions=questions.get(c.id, ()),
                asset_type=asset_type,
                working_title=pattern.format(topic=c.label),
                related=related,
                **{k: round(v, 4) for k, v in parts.items()},
            )
        )
    return gaps


def _nearby_questions(
    store: Store, embedder: Embedder | None, clusters: list[ClusterSummary], per_gap: int = 3
) -> dict[int, tuple[QuoteRef, ...]]:
    """Buyer questions (kind question) closest in meaning to each gap's objection quotes."""
    if embedder is None or not clusters:
        return {}
    with store.session() as s:
        rows = s.execute(
            select(FindingRow.id, FindingRow.quote)
            .where(FindingRow.kind == "question", FindingRow.dismissed.is_(False))
            .order_by(FindingRow.id)
        ).all()
    if not rows:
        return {}
    qv = cached_vectors(store, embedder, [quote for _, quote in rows])
    # Every gap's quotes in one lookup, not one store round trip per gap.
    spans, texts = [], []
    for c in clusters:
        spans.append((len(texts), len(texts) + len(c.quotes)))
        texts.extend(q.quote for q in c.quotes)
    cv_all = cached_vectors(store, embedder, texts)
    shortlist = min(len(rows), per_gap * 20)  # enough to skip repeated wordings
    chosen: dict[int, list[int]] = {}
    for c, (a, b) in zip(clusters, spans, strict=True):
        if a == b:
            continue
        sims = qv @ centroid(cv_all[a:b])
        top = np.argpartition(-sims, shortlist - 1)[:shortlist]
        picked, seen = [], set()
        for i in top[np.lexsort((top, -sims[top]))]:
            if sims[i] < 0.35 or len(picked) == per_gap:
                break
            quote = rows[i][1].lower()
            if quote not in seen:
                seen.add(quote)
                picked.append(int(rows[i][0]))
        chosen[c.id] = picked
    refs = quote_refs(store, [i for ids in chosen.values() for i in ids])
    return {cid: tuple(refs[i] for i in ids) for cid, ids in chosen.items()}
