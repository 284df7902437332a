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
    MatchRow,
)

# Channels that mean "the buyer credits our marketing content" on the Attribution page.
CONTENT_CHANNELS = ("content", "podcast", "social", "community", "event", "review_site")


def store_version(store: Store) -> tuple[tuple[str, str], ...]:
    """Changes whenever anything the dashboard shows was written (one round trip).

    Named parts, so a reader that depends on part of the store (the library) keys on those."""
    probes = {
        "findings": select(func.max(FindingRow.id)),
        "finding_count": select(func.count(FindingRow.id)),
        "placed": select(func.max(FindingRow.cluster_score)),
        "dismissed": select(func.count()).where(FindingRow.dismissed.is_(True)),
        "unclustered": select(func.count()).where(FindingRow.cluster_id.is_(None)),
        "calls": select(func.max(CallRow.updated_at)),
        "call_count": select(func.count(CallRow.id)),
        "analyses": select(func.count(AnalysisRow.call_id)),
        "clusters": select(func.max(ClusterRow.updated_at)),
        "cluster_count": select(func.count(ClusterRow.id)),
        "assets": select(func.max(ContentAssetRow.updated_at)),
        "asset_count": select(func.count(ContentAssetRow.id)),
        "matches": select(func.max(MatchRow.id)),
        "decided": select(func.count()).where(MatchRow.decision.is_not(None)),
        "decisions": select(func.max(DecisionRow.id)),
        "sends": select(func.max(AssetSendRow.id)),
    }
    parts = [q.scalar_subquery().label(name) for name, q in probes.items()]
    with store.session() as s:
        row = s.execute(select(*parts)).one()
    return tuple((name, str(value)) for name, value in zip(probes, row, strict=True))


def assets_version(version: tuple[tuple[str, str], ...]) -> tuple:
    """The part of a store version that changes with the content library."""
    return tuple(part for part in version if part[0] in ("assets", "asset_count"))


def _frame(store: Store, query) -> pd.DataFrame:
    """A query's rows as a frame, its columns named by the query's labels."""
    with store.session() as s:
        result = s.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def calls_frame(store: Store) -> pd.DataFrame:
    c = CallRow
    df = _frame(
        store,
        select(
            c.id.label("call_id"), c.title, c.source_file, c.source_kind, c.date, c.duration_s,
            c.rep, c.account, c.deal_id, c.stage, c.outcome, c.industry, c.status, c.error,
            c.audio_path,
        ),
    )  # fmt: skip
    with store.session() as s:
        analysed = set(s.scalars(select(AnalysisRow.call_id)))
    df["date"] = pd.to_datetime(df["date"])
    df["analysed"] = df["call_id"].isin(analysed)
    df["name"] = df["title"].fillna(df["source_file"].map(lambda p: str(p).rsplit("/", 1)[-1]))
    return df


# The call's facts every finding carries, for filtering and for citing the call.
CALL_FACTS = ["call_id", "name", "source_file", "date", "rep", "account", "deal_id", "stage",
              "outcome", "industry", "audio_path"]  # fmt: skip


def findings_frame(store: Store, calls: pd.DataFrame) -> pd.DataFrame:
    """Every undismissed finding with its call's CRM facts (for filtering and tracing)."""
    f = FindingRow
    df = _frame(
        store,
        select(
            f.id.label("finding_id"), f.call_id, f.utterance_index, f.kind, f.category, f.channel,
            f.entity, f.speaker, f.role, f.start_s, f.end_s, f.quote, f.char_start, f.char_end,
            f.confidence, f.method, f.cluster_id, f.cluster_score,
        ).where(f.dismissed.is_(False)),
    )  # fmt: skip
    df["cluster_id"] = df["cluster_id"].astype("Int64")
    return df.merge(calls[CALL_FACTS], on="call_id", how="left")


def clusters_frame(store: Store) -> pd.DataFrame:
    c = ClusterRow
    df = _frame(
        store,
        select(
            c.id.label("cluster_id"), c.kind, c.label.label("auto_label"), c.user_label,
            c.keywords, c.coverage, c.coverage_score,
        ),
    )  # fmt: skip
    df["label"] = df["user_label"].fillna(df["auto_label"])
    return df


def assets_frame(store: Store) -> pd.DataFrame:
    a = ContentAssetRow
    return _frame(
        store,
        select(
            a.id.label("asset_id"), a.title, a.url, a.type, a.tags, a.suggested_tags, a.persona,
            a.stage, a.owner, a.published, a.summary,
        ).order_by(a.id),
    )  # fmt: skip


def matches_frame(store: Store) -> pd.DataFrame:
    m = MatchRow
    return _frame(
        store, select(m.cluster_id, m.asset_id, m.score, m.passage, m.decision, m.suggested)
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
        """Rows of a calls or findings frame (both carry the call's facts) that pass: the frame
        itself when no filter is set (copying 100,000 findings costs a page ~0.15 s)."""
        if not self.active:
            return df
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
    # Only the columns counted: taking every column of 45,000 rows costs more than the counts.
    mine = findings.loc[
        (findings["kind"] == kind) & findings["cluster_id"].notna(),
        ["cluster_id", "call_id", "account", "category", "date"],
    ]
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
    # Whole-column operations only: a cluster at a time costs ~0.3 s on 45,000 objections.
    month = mine["date"].dt.to_period("M")
    months = sorted(month.dropna().unique())[-6:]
    grouped = mine.groupby("cluster_id")
    table = pd.DataFrame(
        {
            "findings": grouped.size(),
            "calls": grouped["call_id"].nunique(),
            "accounts": grouped["account"].nunique(),
            "last_seen": grouped["date"].max(),
        }
    )
    # The most common category (the first in sort order on a tie, as Series.mode gives it).
    modes = (
        mine.groupby(["cluster_id", "category"]).size().reset_index(name="n")
        .sort_values(["cluster_id", "n", "category"], ascending=[True, False, True])
        .drop_duplicates("cluster_id")
        .set_index("cluster_id")["category"]
    )  # fmt: skip
    table["category"] = modes
    by_month = (
        mine.assign(month=month)
        .groupby(["cluster_id", "month"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=table.index, columns=months, fill_value=0)
    )
    table["trend"] = [[int(n) for n in row] for row in by_month.to_numpy()]
    table = table.reset_index()
    meta = clusters[["cluster_id", "label", "coverage", "coverage_score"]]
    table = table.merge(meta, on="cluster_id", how="left")
    return table.sort_values(["findings", "cluster_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def matching(df: pd.DataFrame, needle: str, columns: list[str]) -> pd.DataFrame:
    """Rows where any of ``columns`` (text, or lists of words) contains ``needle``, any case."""
    needle = needle.strip().lower()
    if not needle:
        return df
    hay = pd.Series("", index=df.index)
    for column in columns:
        values = df[column].map(lambda v: " ".join(v) if isinstance(v, list) else v)
        hay = hay + " " + values.fillna("").astype(str)
    return df[hay.str.lower().str.contains(needle, regex=False)]


def attribution_share(findings: pd.DataFrame, calls: pd.DataFrame) -> tuple[int, int]:
    """(calls where the buyer credits marketing content, calls analysed)."""
    analysed = calls.loc[calls["analysed"], "call_id"]
    crediting = findings.loc[
        ((findings["kind"] == "attribution") & findings["channel"].isin(CONTENT_CHANNELS))
        | (findings["kind"] == "content_mention"),
        "call_id",
    ]
    # Sets of plain strings: Series.isin walks a list of values one at a time in Python.
    return len(set(analysed.tolist()) & set(crediting.tolist())), len(analysed)


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
