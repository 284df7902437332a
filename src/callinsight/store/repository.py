"""Reads and writes of calls and utterances, in records rather than rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from callinsight.config import Settings
from callinsight.errors import E, StoreError
from callinsight.records import Call, CallMetadata, Finding, Transcript, Utterance, Word
from callinsight.speakers.metrics import CallMetric
from callinsight.store.engine import open_engine
from callinsight.store.schema import (
    AnalysisRow,
    CallMetricRow,
    CallRow,
    ClusterRow,
    FindingRow,
    RepVoiceRow,
    UtteranceRow,
)

_META_FIELDS = tuple(f.name for f in fields(CallMetadata))


def _call_from_row(row: CallRow) -> Call:
    return Call(
        id=row.id,
        source_file=row.source_file,
        source_kind=row.source_kind,  # type: ignore[arg-type]
        format=row.format,
        status=row.status,
        metadata=CallMetadata(**{name: getattr(row, name) for name in _META_FIELDS}),
        duration_s=row.duration_s,
        language=row.language,
        channels=row.channels,
        method=row.method,
        error=row.error,
        audio_path=row.audio_path,
        speakers_note=row.speakers_note,
        roles_note=row.roles_note,
    )


def _utterance_from_row(row: UtteranceRow) -> Utterance:
    return Utterance(
        index=row.idx,
        speaker=row.speaker,
        text=row.text,
        start_s=row.start_s,
        end_s=row.end_s,
        role=row.role,  # type: ignore[arg-type]
        role_source=row.role_source,
        role_confidence=row.role_confidence,
        channel=row.channel,
        confidence=row.confidence,
        words=tuple(Word(*w) for w in row.words or ()),
    )


def _utterance_row(call_id: str, u: Utterance) -> UtteranceRow:
    return UtteranceRow(
        call_id=call_id,
        idx=u.index,
        speaker=u.speaker,
        role=u.role,
        role_source=u.role_source,
        role_confidence=u.role_confidence,
        channel=u.channel,
        start_s=u.start_s,
        end_s=u.end_s,
        text=u.text,
        confidence=u.confidence,
        words=[[w.start, w.end, w.text, w.probability] for w in u.words] or None,
    )


def finding_from_row(r: FindingRow) -> Finding:
    return Finding(
        call_id=r.call_id,
        utterance_index=r.utterance_index,
        kind=r.kind,  # type: ignore[arg-type]
        quote=r.quote,
        char_start=r.char_start,
        char_end=r.char_end,
        speaker=r.speaker,
        role=r.role,  # type: ignore[arg-type]
        confidence=r.confidence,
        method=r.method,  # type: ignore[arg-type]
        category=r.category,
        channel=r.channel,
        entity=r.entity,
        start_s=r.start_s,
        end_s=r.end_s,
        detail=tuple(sorted((r.detail or {}).items())),
    )


def _finding_row(f: Finding, dismissed: bool) -> FindingRow:
    return FindingRow(
        call_id=f.call_id,
        utterance_index=f.utterance_index,
        kind=f.kind,
        category=f.category,
        channel=f.channel,
        entity=f.entity,
        speaker=f.speaker,
        role=f.role,
        start_s=f.start_s,
        end_s=f.end_s,
        quote=f.quote,
        char_start=f.char_start,
        char_end=f.char_end,
        confidence=f.confidence,
        method=f.method,
        dismissed=dismissed,
        detail=dict(f.detail) or None,
    )


class Store:
    """The project's database. SQLite in the workspace by default, any SQLAlchemy URL otherwise."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(settings.db_url)

    def session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    # -- calls ---------------------------------------------------------------------------

    def get_call(self, call_id: str) -> Call | None:
        with self.session() as s:
            row = s.get(CallRow, call_id)
            return _call_from_row(row) if row else None

    def resolve_call(self, ref: str) -> Call:
        """The call whose id starts with ``ref``. Raises StoreError [E301] or [E302]."""
        ref = ref.strip().lower()
        with self.session() as s:
            rows = s.scalars(select(CallRow).where(CallRow.id.startswith(ref)).limit(2)).all()
        if not rows:
            raise StoreError(E.E301, ref=ref)
        if len(rows) > 1:
            with self.session() as s:
                count = s.scalar(select(func.count()).where(CallRow.id.startswith(ref)))
            raise StoreError(E.E302, ref=ref, count=count)
        return _call_from_row(rows[0])

    def list_calls(self) -> list[Call]:
        with self.session() as s:
            rows = s.scalars(select(CallRow).order_by(CallRow.date, CallRow.source_file)).all()
            return [_call_from_row(r) for r in rows]

    def utterance_counts(self) -> dict[str, int]:
        with self.session() as s:
            q = select(UtteranceRow.call_id, func.count()).group_by(UtteranceRow.call_id)
            return {call_id: n for call_id, n in s.execute(q)}

    def save_call(
        self,
        call: Call,
        transcript: Transcript | None = None,
        metrics: Sequence[CallMetric] = (),
    ) -> None:
        """Insert or replace a call and its utterances in one transaction.

        Replacing happens only for a call that had failed before (a retry): a call that
        succeeded is never written twice, which the pipeline checks first.
        """
        with self.session() as s, s.begin():
            s.execute(delete(UtteranceRow).where(UtteranceRow.call_id == call.id))
            s.execute(delete(CallMetricRow).where(CallMetricRow.call_id == call.id))
            s.execute(delete(CallRow).where(CallRow.id == call.id))
            if call.status != "failed":
                # An earlier failed attempt at this file (since fixed, so with other bytes)
                # is superseded, not kept as a second call.
                s.execute(
                    delete(CallRow).where(
                        CallRow.source_file == call.source_file, CallRow.status == "failed"
                    )
                )
            row = CallRow(
                id=call.id,
                source_file=call.source_file,
                source_kind=call.source_kind,
                format=call.format,
                status=call.status,
                duration_s=call.duration_s,
                language=call.language,
                channels=call.channels,
                method=call.method,
                error=call.error,
                audio_path=call.audio_path,
                speakers_note=call.speakers_note,
                roles_note=call.roles_note,
                **call.metadata.as_dict(),
            )
            s.add(row)
            s.flush()
            if transcript is not None:
                s.add_all(_utterance_row(call.id, u) for u in transcript.utterances)
            s.add_all(
                CallMetricRow(
                    call_id=call.id, scope=m.scope, name=m.name, value=m.value, unit=m.unit
                )
                for m in metrics
            )

    def update_metadata(self, call_id: str, metadata: CallMetadata) -> bool:
        """Fill or change CRM fields of a stored call; True when something changed."""
        with self.session() as s, s.begin():
            row = s.get(CallRow, call_id)
            if row is None:
                raise StoreError(E.E301, ref=call_id)
            changed = False
            for name, value in metadata.as_dict().items():
                if value is not None and getattr(row, name) != value:
                    setattr(row, name, value)
                    changed = True
            return changed

    def metrics(self, call_id: str) -> list[CallMetric]:
        with self.session() as s:
            rows = s.scalars(
                select(CallMetricRow)
                .where(CallMetricRow.call_id == call_id)
                .order_by(CallMetricRow.scope, CallMetricRow.name)
            ).all()
            return [CallMetric(r.scope, r.name, r.value, r.unit) for r in rows]

    # -- rep voices ----------------------------------------------------------------------

    def save_rep_voice(
        self, name: str, embedding: Sequence[float], source_file: str, speech_s: float
    ) -> bool:
        """Enrol or re-enrol a rep's voice; True when it replaced an earlier sample."""
        with self.session() as s, s.begin():
            existed = s.get(RepVoiceRow, name) is not None
            s.merge(
                RepVoiceRow(
                    name=name,
                    embedding=[float(x) for x in embedding],
                    source_file=source_file,
                    speech_s=speech_s,
                )
            )
            return existed

    def rep_voices(self) -> dict[str, list[float]]:
        with self.session() as s:
            return {
                r.name: r.embedding
                for r in s.scalars(select(RepVoiceRow).order_by(RepVoiceRow.name))
            }

    # -- utterances ----------------------------------------------------------------------

    def utterances(self, call_id: str) -> list[Utterance]:
        with self.session() as s:
            rows = s.scalars(
                select(UtteranceRow)
                .where(UtteranceRow.call_id == call_id)
                .order_by(UtteranceRow.idx)
            ).all()
            return [_utterance_from_row(r) for r in rows]

    def iter_utterance_rows(self, batch: int = 5000) -> Iterator[dict[str, object]]:
        """Every utterance with its call's source file, in call then turn order, streamed."""
        q = (
            select(
                UtteranceRow.call_id,
                CallRow.source_file,
                UtteranceRow.idx,
                UtteranceRow.speaker,
                UtteranceRow.role,
                UtteranceRow.role_source,
                UtteranceRow.role_confidence,
                UtteranceRow.start_s,
                UtteranceRow.end_s,
                UtteranceRow.text,
                UtteranceRow.confidence,
            )
            .join(CallRow, CallRow.id == UtteranceRow.call_id)
            .order_by(CallRow.source_file, UtteranceRow.call_id, UtteranceRow.idx)
            .execution_options(yield_per=batch)
        )
        with self.session() as s:
            for r in s.execute(q):
                yield {
                    "call_id": r.call_id,
                    "source_file": r.source_file,
                    "utterance_index": r.idx,
                    "speaker": r.speaker,
                    "role": r.role,
                    "role_source": r.role_source,
                    "role_confidence": r.role_confidence,
                    "start_s": r.start_s,
                    "end_s": r.end_s,
                    "text": r.text,
                    "confidence": r.confidence,
                }

    # -- findings ------------------------------------------------------------------------

    def transcribed_call_ids(self) -> list[str]:
        with self.session() as s:
            q = select(CallRow.id).where(CallRow.status != "failed").order_by(CallRow.id)
            return list(s.scalars(q))

    def analysis_digests(self) -> dict[str, str]:
        """Call id -> digest of the extractor that analysed it."""
        with self.session() as s:
            return dict(s.execute(select(AnalysisRow.call_id, AnalysisRow.digest)).all())

    def save_findings(self, call_id: str, findings: Sequence[Finding], digest: str) -> int:
        """Replace a call's findings in one transaction; returns how many were stored.

        A finding a user dismissed stays dismissed when re-extraction finds it again (same
        utterance, kind, span, category and channel), so a rescan never undoes a decision.
        """
        with self.session() as s, s.begin():
            dismissed = {
                finding_from_row(r).key
                for r in s.scalars(
                    select(FindingRow).where(
                        FindingRow.call_id == call_id, FindingRow.dismissed.is_(True)
                    )
                )
            }
            s.execute(delete(FindingRow).where(FindingRow.call_id == call_id))
            s.add_all(_finding_row(f, f.key in dismissed) for f in findings)
            s.merge(AnalysisRow(call_id=call_id, digest=digest, findings=len(findings)))
        return len(findings)

    def findings(self, call_id: str | None = None, kind: str | None = None) -> list[Finding]:
        q = (
            select(FindingRow)
            .where(FindingRow.dismissed.is_(False))
            .order_by(FindingRow.call_id, FindingRow.utterance_index, FindingRow.char_start)
        )
        if call_id:
            q = q.where(FindingRow.call_id == call_id)
        if kind:
            q = q.where(FindingRow.kind == kind)
        with self.session() as s:
            return [finding_from_row(r) for r in s.scalars(q)]

    def finding_counts(self) -> dict[str, int]:
        """Kept findings per kind."""
        with self.session() as s:
            q = (
                select(FindingRow.kind, func.count())
                .where(FindingRow.dismissed.is_(False))
                .group_by(FindingRow.kind)
            )
            return dict(s.execute(q).all())

    def dismissed_quotes(self, kind: str = "objection") -> list[str]:
        """Quotes users dismissed as not being a ``kind``: negatives for ``callinsight train``."""
        with self.session() as s:
            q = select(FindingRow.quote).where(
                FindingRow.kind == kind, FindingRow.dismissed.is_(True)
            )
            return sorted(set(s.scalars(q)))

    def iter_finding_rows(self, batch: int = 5000) -> Iterator[dict[str, object]]:
        """Every kept finding with its call's source file and its cluster, streamed."""
        q = (
            select(FindingRow, CallRow.source_file, ClusterRow.label, ClusterRow.user_label)
            .join(CallRow, CallRow.id == FindingRow.call_id)
            .outerjoin(ClusterRow, ClusterRow.id == FindingRow.cluster_id)
            .where(FindingRow.dismissed.is_(False))
            .order_by(
                CallRow.source_file,
                FindingRow.call_id,
                FindingRow.utterance_index,
                FindingRow.char_start,
                FindingRow.kind,
            )
            .execution_options(yield_per=batch)
        )
        with self.session() as s:
            for f, source_file, label, user_label in s.execute(q):
                yield {
                    "call_id": f.call_id,
                    "source_file": source_file,
                    "kind": f.kind,
                    "category": f.category,
                    "channel": f.channel,
                    "entity": f.entity,
                    "speaker": f.speaker,
                    "role": f.role,
                    "start_s": f.start_s,
                    "end_s": f.end_s,
                    "utterance_index": f.utterance_index,
                    "quote": f.quote,
                    "confidence": f.confidence,
                    "method": f.method,
                    "cluster_id": f.cluster_id,
                    "cluster_label": user_label or label,
                }
