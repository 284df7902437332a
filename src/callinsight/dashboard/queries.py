"""What the dashboard reads: the store as pandas frames, filtered the same way on every page.

The dashboard loads findings, calls, clusters and assets once per *store version* (a cheap
fingerprint of what was written last), so pages answer from memory and a write from the CLI,
a worker job or a user decision shows on the next rerun. Every number a page shows is computed
from ``findings`` rows, so each can be traced back to its quotes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select

from callinsight.store import Store
from callinsight.store.schema import (
    AnalysisRow,
    AssetSendRow,
    CallRow,
    ClusterRow,
    ContentAssetRow,
    DecisionRow,
    FindingRow,
    JobRow,
    MatchRow,
)

# Channels that mean "the buyer credits our marketing content" on the Attribution page.
CONTENT_CHANNELS = ("content", "podcast", "social", "community", "event", "review_site")


def store_version(store: Store) -> tuple:
    """Changes whenever anything the dashboard shows was written (one round trip)."""
    probes = {
        "findings": func.max(FindingRow.id),
        "finding_count": func.count(FindingRow.id),
        "placed": func.max(FindingRow.cluster_score),
        "calls": func.max(CallRow.updated_at),
        "call_count": func.count(CallRow.id),
        "analyses": func.count(AnalysisRow.call_id),
        "clusters": func.max(ClusterRow.updated_at),
        "cluster_count": func.count(ClusterRow.id),
        "assets": func.max(ContentAssetRow.updated_at),
        "asset_count": func.count(ContentAssetRow.id),
        "matches": func.max(MatchRow.id),
        "decisions": func.max(DecisionRow.id),
        "sends": func.max(AssetSendRow.id),
    }
    parts = [select(expr).scalar_subquery().label(name) for name, expr in probes.items()]
    with store.session() as s:
        row = s.execute(select(*parts)).one()
        dismissed = s.scalar(select(func.count()).where(FindingRow.dismissed.is_(True)))
        unclustered = s.scalar(select(func.count()).where(FindingRow.cluster_id.is_(None)))
        decided = s.scalar(select(func.count()).where(MatchRow.decision.is_not(None)))
    return (*(str(v) for v in row), dismissed, unclustered, decided)


def assets_version(version: tuple) -> tuple:
    """The part of a store version that changes with the content library."""
    return version[8:10]


def jobs_version(store: Store) -> tuple:
    with store.session() as s:
        return tuple(s.execute(select(func.max(JobRow.updated_at), func.count(JobRow.id))).one())


CALL_COLUMNS = (
    "call_id",
    "title",
    "source_file",
    "source_kind",
    "date",
    "duration_s",
    "rep",
    "account",
    "deal_id",
    "stage",
    "outcome",
    "industry",
    "status",
    "error",
    "audio_path",
)


def calls_frame(store: Store) -> pd.DataFrame:
    q = select(
        CallRow.id,
        CallRow.title,
        CallRow.source_file,
        CallRow.source_kind,
        CallRow.date,
        CallRow.duration_s,
        CallRow.rep,
        CallRow.account,
        CallRow.deal_id,
        CallRow.stage,
        CallRow.outcome,
        CallRow.industry,
        CallRow.status,
        CallRow.error,
        CallRow.audio_path,
    )
    with store.session() as s:
        df = pd.DataFrame(s.execute(q).all(), columns=list(CALL_COLUMNS))
        analysed = set(s.scalars(select(AnalysisRow.call_id)))
    df["date"] = pd.to_datetime(df["date"])
    df["analysed"] = df["call_id"].isin(analysed)
    df["name"] = df["title"].fillna(df["source_file"].map(lambda p: str(p).rsplit("/", 1)[-1]))
    return df


FINDING_COLUMNS = (
    "finding_id",
    "call_id",
    "utterance_index",
    "kind",
    "category",
    "channel",
    "entity",
    "speaker",
    "role",
    "start_s",
    "end_s",
    "quote",
    "char_start",
    "char_end",
    "confidence",
    "method",
    "cluster_id",
    "cluster_score",
    "detail",
)


def findings_frame(store: Store, calls: pd.DataFrame) -> pd.DataFrame:
    """Every undismissed finding with its call's CRM facts (for filtering and tracing)."""
    q = select(
        FindingRow.id,
        FindingRow.call_id,
        FindingRow.utterance_index,
        FindingRow.kind,
        FindingRow.category,
        FindingRow.channel,
        FindingRow.entity,
        FindingRow.speaker,
        FindingRow.role,
        FindingRow.start_s,
        FindingRow.end_s,
        FindingRow.quote,
        FindingRow.char_start,
        FindingRow.char_end,
        FindingRow.confidence,
        FindingRow.method,
        FindingRow.cluster_id,
        FindingRow.cluster_score,
        FindingRow.detail,
    ).where(FindingRow.dismissed.is_(False))
    with store.session() as s:
        df = pd.DataFrame(s.execute(q).all(), columns=list(FINDING_COLUMNS))
    df["cluster_id"] = df["cluster_id"].astype("Int64")
    facts = calls[
        [
            "call_id",
            "name",
            "source_file",
            "date",
            "rep",
            "account",
            "deal_id",
            "stage",
            "outcome",
            "industry",
            "audio_path",
        ]
    ]
    return df.merge(facts, on="call_id", how="left")


def clusters_frame(store: Store) -> pd.DataFrame:
    q = select(
        ClusterRow.id,
        ClusterRow.kind,
        ClusterRow.label,
        ClusterRow.user_label,
        ClusterRow.keywords,
        ClusterRow.coverage,
        ClusterRow.coverage_score,
    )
    with store.session() as s:
        df = pd.DataFrame(
            s.execute(q).all(),
            columns=[
                "cluster_id",
                "kind",
                "auto_label",
                "user_label",
                "keywords",
                "coverage",
                "coverage_score",
            ],
        )
    df["label"] = df["user_label"].fillna(df["auto_label"])
    return df


def assets_frame(store: Store) -> pd.DataFrame:
    q = select(
        ContentAssetRow.id,
        ContentAssetRow.title,
        ContentAssetRow.url,
        ContentAssetRow.type,
        ContentAssetRow.tags,
        ContentAssetRow.suggested_tags,
        ContentAssetRow.persona,
        ContentAssetRow.stage,
        ContentAssetRow.owner,
        ContentAssetRow.published,
        ContentAssetRow.summary,
    ).order_by(ContentAssetRow.id)
    with store.session() as s:
        return pd.DataFrame(
            s.execute(q).all(),
            columns=[
                "asset_id",
                "title",
                "url",
                "type",
                "tags",
                "suggested_tags",
                "persona",
                "stage",
                "owner",
                "published",
                "summary",
            ],
        )


def matches_frame(store: Store) -> pd.DataFrame:
    q = select(
        MatchRow.cluster_id,
        MatchRow.asset_id,
        MatchRow.score,
        MatchRow.passage,
        MatchRow.decision,
        MatchRow.suggested,
    )
    with store.session() as s:
        return pd.DataFrame(
            s.execute(q).all(),
            columns=["cluster_id", "asset_id", "score", "passage", "decision", "suggested"],
        )


@dataclass(frozen=True)
class Filters:
    """The filters of every analytic page; empty means "all"."""

    start: dt.date | None = None
    end: dt.date | None = None
    reps: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows of a calls or findings frame (both carry the call's facts) that pass."""
        keep = pd.Series(True, index=df.index)
        if self.start:
            keep &= df["date"] >= pd.Timestamp(self.start)
        if self.end:
            keep &= df["date"] <= pd.Timestamp(self.end)
        for column, chosen in (
            ("rep", self.reps),
            ("industry", self.industries),
            ("stage", self.stages),
            ("outcome", self.outcomes),
        ):
            if chosen:
                keep &= df[column].isin(chosen)
        return df[keep]

    @property
    def active(self) -> bool:
        return any((self.start, self.end, self.reps, self.industries, self.stages, self.outcomes))


def cluster_table(findings: pd.DataFrame, clusters: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Clusters of one kind as the filtered findings see them: counts, trend, coverage."""
    mine = findings[(findings["kind"] == kind) & findings["cluster_id"].notna()]
    if mine.empty:
        return pd.DataFrame(
            columns=[
                "cluster_id",
                "label",
                "category",
                "findings",
                "calls",
                "accounts",
                "coverage",
                "trend",
                "last_seen",
            ]
        )
    months = sorted(mine["date"].dropna().dt.strftime("%Y-%m").unique())[-6:]
    grouped = mine.groupby("cluster_id")
    table = pd.DataFrame(
        {
            "findings": grouped.size(),
            "calls": grouped["call_id"].nunique(),
            "accounts": grouped["account"].nunique(),
            "last_seen": grouped["date"].max(),
            "category": grouped["category"].agg(
                lambda c: c.mode().iat[0] if c.notna().any() else None
            ),
        }
    ).reset_index()
    by_month = (
        mine.assign(month=mine["date"].dt.strftime("%Y-%m"))
        .groupby(["cluster_id", "month"])
        .size()
        .unstack(fill_value=0)
    )
    trend = {
        cid: [int(by_month.at[cid, m]) if m in by_month.columns else 0 for m in months]
        for cid in table["cluster_id"]
    }
    table["trend"] = table["cluster_id"].map(trend)
    meta = clusters[["cluster_id", "label", "coverage", "coverage_score"]]
    table = table.merge(meta, on="cluster_id", how="left")
    return table.sort_values(["findings", "cluster_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def attribution_share(findings: pd.DataFrame, calls: pd.DataFrame) -> tuple[int, int]:
    """(calls where the buyer credits marketing content, calls analysed)."""
    analysed = calls[calls["analysed"]]
    attrib = findings[
        (findings["kind"] == "attribution") & findings["channel"].isin(CONTENT_CHANNELS)
    ]
    mentions = findings[findings["kind"] == "content_mention"]
    crediting = set(attrib["call_id"]) | set(mentions["call_id"])
    return len(crediting & set(analysed["call_id"])), len(analysed)


def keyword_search(store: Store, text: str, limit: int = 50) -> pd.DataFrame:
    """Utterances containing every word of ``text`` (case-insensitive), newest calls first."""
    from callinsight.store.schema import UtteranceRow

    words = [w for w in text.lower().split() if w]
    if not words:
        return pd.DataFrame(columns=["call_id", "index", "speaker", "role", "start_s", "text"])
    q = select(
        UtteranceRow.call_id,
        UtteranceRow.idx,
        UtteranceRow.speaker,
        UtteranceRow.role,
        UtteranceRow.start_s,
        UtteranceRow.text,
    )
    for w in words:
        q = q.where(func.lower(UtteranceRow.text).contains(w, autoescape=True))
    with store.session() as s:
        rows = s.execute(q.limit(limit)).all()
    return pd.DataFrame(rows, columns=["call_id", "index", "speaker", "role", "start_s", "text"])
