"""The store: migrations match the schema, and calls round-trip on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text, update

from callinsight.errors import StoreError
from callinsight.records import Call, CallMetadata, Finding, Transcript, Utterance, Word
from callinsight.store import Store
from callinsight.store.schema import Base, ClusterRow, FindingRow

CALL = Call(
    id="ab" * 32,
    source_file="calls/harbor.ogg",
    source_kind="audio",
    format="opus",
    status="transcribed",
    metadata=CallMetadata(
        title="Discovery - Harbor",
        date=dt.date(2026, 8, 4),
        rep="Maya Chen",
        account="Harbor Freight Logistics",
        deal_id="D-1001",
        stage="discovery",
        outcome="open",
        industry="logistics",
    ),
    duration_s=95.5,
    language="en",
    channels=2,
    method="faster-whisper:tiny.en",
    audio_path="/ws/audio/abab.ogg",
)
TRANSCRIPT = Transcript(
    utterances=(
        Utterance(
            0,
            "Maya Chen",
            "How did you hear about us?",
            0.5,
            2.0,
            "rep",
            "channel",
            0,
            0.91,
            (Word(0.5, 0.7, "How", 0.99), Word(0.7, 0.9, "did", 0.98)),
        ),
        Utterance(
            1,
            "Speaker R",
            "Your podcast — “Closing Time”.",
            2.4,
            4.0,
            "prospect",
            "channel",
            1,
            0.8,
        ),
        Utterance(2, "Gary", "No times here.", None, None),
    ),
    duration_s=95.5,
)


def _round_trip(store: Store) -> None:
    store.save_call(CALL, TRANSCRIPT)
    assert store.get_call(CALL.id) == CALL
    assert store.utterances(CALL.id) == list(TRANSCRIPT.utterances)
    assert store.resolve_call("ABAB") == CALL  # prefix, any case
    rows = list(store.iter_utterance_rows())
    assert [r["text"] for r in rows] == [u.text for u in TRANSCRIPT.utterances]
    assert rows[0]["source_file"] == "calls/harbor.ogg"
    # a metadata change is applied once and then is a no-op
    assert store.update_metadata(CALL.id, CallMetadata(outcome="won")) is True
    assert store.update_metadata(CALL.id, CallMetadata(outcome="won")) is False
    assert store.get_call(CALL.id).metadata.outcome == "won"
    with pytest.raises(StoreError, match=r"\[E301\]"):
        store.resolve_call("ffff")
    _findings_round_trip(store)


def _findings_round_trip(store: Store) -> None:
    heard = Finding(
        call_id=CALL.id,
        utterance_index=1,
        kind="attribution",
        quote="Your podcast",
        char_start=0,
        char_end=12,
        speaker="Speaker R",
        role="prospect",
        confidence=0.9,
        method="rule",
        channel="podcast",
        entity="Closing Time",
        start_s=2.4,
        end_s=3.1,
        detail=(("asked", True), ("prompt_utterance", 0)),
    )
    objection = Finding(
        call_id=CALL.id,
        utterance_index=2,
        kind="objection",
        quote="No times here.",
        char_start=0,
        char_end=14,
        speaker="Gary",
        role="unknown",
        confidence=0.61,
        method="model",
        category="price",
    )
    assert store.save_findings(CALL.id, [heard, objection], "digest-1") == 2
    assert store.findings(CALL.id) == [heard, objection]
    assert store.analysis_digests() == {CALL.id: "digest-1"}
    rows = list(store.iter_finding_rows())
    assert [r["kind"] for r in rows] == ["attribution", "objection"]
    assert rows[0]["source_file"] == "calls/harbor.ogg"
    assert rows[0]["cluster_id"] is None and rows[0]["cluster_label"] is None
    # A user dismisses the objection; re-extraction finds it again and it stays dismissed.
    with store.session() as s, s.begin():
        s.execute(update(FindingRow).where(FindingRow.kind == "objection").values(dismissed=True))
    assert store.save_findings(CALL.id, [heard, objection], "digest-2") == 2
    assert store.findings(CALL.id) == [heard]
    assert store.dismissed_quotes() == ["No times here."]
    assert store.analysis_digests() == {CALL.id: "digest-2"}


def test_sqlite_round_trip_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db' / 'callinsight.db'}")
    _round_trip(store)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()
    # reopening migrates nothing and keeps everything
    again = Store(f"sqlite:///{tmp_path / 'db' / 'callinsight.db'}")
    assert again.get_call(CALL.id).metadata.outcome == "won"
    assert len(again.utterances(CALL.id)) == 3


def test_ambiguous_prefix(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    for n in "12":
        store.save_call(
            Call(
                id="ab" + n * 62,
                source_file=f"{n}.vtt",
                source_kind="transcript",
                format="vtt",
                status="transcribed",
            )
        )
    with pytest.raises(StoreError) as info:
        store.resolve_call("ab")
    assert info.value.code == "E302"
    assert "2 calls" in info.value.message


def test_migrations_build_exactly_the_declared_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"schema.py and migrations disagree; add a revision: {diff}"
    assert set(inspect(engine).get_table_names()) >= {
        "calls",
        "utterances",
        "findings",
        "clusters",
        "content_assets",
        "matches",
        "jobs",
    }


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(StoreError) as info:
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert info.value.code == "E303"
    assert "secret" not in info.value.message


@pytest.mark.postgres
def test_postgresql_round_trip(postgres_url):
    store = Store(postgres_url)
    _round_trip(store)
    store.close()


def test_upgrading_keeps_cluster_centroids(tmp_path):
    """Revision 0005 turns JSON centroids into float32 bytes without losing a cluster."""
    from alembic import command

    from callinsight.store.engine import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(
            text(
                "INSERT INTO clusters (id, kind, label, size, centroid)"
                " VALUES (7, 'objection', 'x', 3, :c)"
            ),
            {"c": json.dumps([0.6, 0.8, 0.0])},
        )
    store = Store(url)
    with store.session() as s:
        row = s.get(ClusterRow, 7)
        assert row.label == "x"
        assert np.allclose(row.centroid, [0.6, 0.8, 0.0])
        assert row.centroid.dtype == np.float32
    store.close()
