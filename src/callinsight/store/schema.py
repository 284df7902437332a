"""SQLAlchemy tables: the single source of truth. Indexes (faiss) are derived from these.

Changing a table means adding an Alembic revision in ``migrations/versions/``; a test checks
that the migrations produce exactly this schema.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Float32Vector(TypeDecorator):
    """A vector stored as float32 bytes: reading thousands of centroids is a numpy view of each
    row, not a JSON parse of 384 numbers (which made one incremental update cost 170 ms)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else np.asarray(value, dtype=np.float32).tobytes()

    def process_result_value(self, value, dialect):
        return None if value is None else np.frombuffer(value, dtype=np.float32)

    def compare_values(self, x, y):
        if x is None or y is None:
            return x is y
        return np.array_equal(np.asarray(x, np.float32), np.asarray(y, np.float32))


class Base(DeclarativeBase):
    pass


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the content
    source_file: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(16))  # audio | transcript
    format: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date | None] = mapped_column(Date)
    duration_s: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    channels: Mapped[int | None] = mapped_column(Integer)
    rep: Mapped[str | None] = mapped_column(String(200))
    account: Mapped[str | None] = mapped_column(String(200))
    deal_id: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str | None] = mapped_column(String(50))
    outcome: Mapped[str | None] = mapped_column(String(16))
    industry: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # transcribed | failed
    error: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(200), default="")
    audio_path: Mapped[str | None] = mapped_column(Text)
    speakers_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    roles_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    utterances: Mapped[list[UtteranceRow]] = relationship(
        back_populates="call",
        cascade="all, delete-orphan",
        order_by="UtteranceRow.idx",
    )


class UtteranceRow(Base):
    __tablename__ = "utterances"
    __table_args__ = (UniqueConstraint("call_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="unknown")
    role_source: Mapped[str] = mapped_column(String(32), default="none")
    role_confidence: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    # Word timestamps as [[start, end, word, probability], ...]: kept for quote-level seeking.
    words: Mapped[list | None] = mapped_column(JSON)

    call: Mapped[CallRow] = relationship(back_populates="utterances")


class CallMetricRow(Base):
    """Conversation metrics of a call, per role or for the whole call (scope)."""

    __tablename__ = "call_metrics"

    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))


class RepVoiceRow(Base):
    """A rep's enrolled voice: the mean voice embedding of a sample they recorded once."""

    __tablename__ = "rep_voices"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    embedding: Mapped[list] = mapped_column(JSON)
    source_file: Mapped[str] = mapped_column(Text)
    speech_s: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_call_kind", "call_id", "kind"),
        # Incremental clustering asks for a kind's unplaced and unclustered findings.
        Index("ix_findings_kind_cluster", "kind", "cluster_id"),
        Index("ix_findings_kind_score", "kind", "cluster_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    utterance_index: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))  # objection | attribution | research | ...
    category: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int] = mapped_column(Integer)
    char_end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(32))  # rule | similarity | model | tracker
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"))
    # Cosine to the cluster's centroid (or to the nearest one when left unclustered); None until
    # clustering has seen the finding, which is how new findings are told from unclustered ones.
    cluster_score: Mapped[float | None] = mapped_column(Float)
    dismissed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    # Kind-specific facts: {"asked": true, "prompt_utterance": 4}, {"asset_id": "A-001"}, ...
    detail: Mapped[dict | None] = mapped_column(JSON)


class AnalysisRow(Base):
    """That a call was analysed, and under which extractor digest (taxonomy, classifier,
    trackers, ...): ``analyze`` skips calls with a row, ``rescan`` redoes those whose digest
    differs from the current one."""

    __tablename__ = "analyses"

    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(32))
    findings: Mapped[int] = mapped_column(Integer)
    analyzed_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class ClusterRow(Base):
    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    user_label: Mapped[str | None] = mapped_column(Text)  # a marketer's rename survives reclusters
    size: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[np.ndarray | None] = mapped_column("centroid_f32", Float32Vector)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    keywords: Mapped[list | None] = mapped_column(JSON)
    # covered | partly | uncovered (content mapping), and the best asset score behind it.
    coverage: Mapped[str | None] = mapped_column(String(16))
    coverage_score: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class ClusterSpaceRow(Base):
    """Per finding kind: the mean vector removed before clustering, so incremental joins
    compare new findings with centroids in the same (centred) space."""

    __tablename__ = "cluster_spaces"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    center: Mapped[bytes] = mapped_column(LargeBinary)
    params: Mapped[dict] = mapped_column(JSON)
    fitted_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class TextVectorRow(Base):
    """Sentence vectors by text digest and model: re-analysis and re-clustering never embed
    the same quote or passage twice."""

    __tablename__ = "text_vectors"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(40), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class DecisionRow(Base):
    """A user's decision on clusters (rename, merge, split), replayed after a recluster."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class AssetSendRow(Base):
    """A rep marked an asset as sent to a buyer, for an objection cluster and/or a call."""

    __tablename__ = "asset_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("content_assets.id", ondelete="CASCADE"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"))
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"))
    rep: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


class ContentAssetRow(Base):
    __tablename__ = "content_assets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list | None] = mapped_column(JSON)
    persona: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)  # the file it was imported from
    # Objection categories the asset answers, suggested from its text (not hand-tagged).
    suggested_tags: Mapped[list | None] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class MatchRow(Base):
    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("cluster_id", "asset_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    asset_id: Mapped[str] = mapped_column(ForeignKey("content_assets.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    passage: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(16))  # accepted | rejected | None
    # A marketer's decision outlives recomputation; a suggestion that is no longer suggested is
    # kept (and shown) only when it carries a decision.
    suggested: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # ingest | analyze | ...
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|running|done|failed
    payload: Mapped[dict | None] = mapped_column(JSON)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    call_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )
