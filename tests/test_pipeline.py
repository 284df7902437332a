"""Ingest batches: idempotent by content, one bad file never stops or corrupts a batch."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from callinsight.ingest import load_metadata
from callinsight.pipeline import expand_paths
from callinsight.store.schema import CallRow, UtteranceRow
from tests.conftest import SPEECH

GOOD_VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
Maya Chen: How did you hear about us?

00:00:03.500 --> 00:00:06.000
Gary Pruitt: A colleague recommended you.
"""


def _counts(store) -> tuple[int, int]:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(CallRow)), s.scalar(
            select(func.count()).select_from(UtteranceRow)
        )


def _batch(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SPEECH / "stereo_diarization.wav", folder / "call-stereo.wav")
    (folder / "sub" / "zoom.vtt").write_text(GOOD_VTT)
    (folder / "broken.json").write_text('[{"speaker": "A", "text": ')
    (folder / "notes.md").write_text("not a call")  # not an ingestible extension: skipped
    (folder / "crm.csv").write_text(
        "file,rep,account,outcome,date\ncall-stereo.wav,Maya Chen,Harbor,lost,2026-08-04\n"
        "sub/zoom.vtt,Maya Chen,Harbor,open,2026-08-05\n"
    )
    return folder


def test_folder_batch_with_a_bad_file_ingests_the_rest(tmp_path, ingestor, store):
    folder = _batch(tmp_path)
    meta = load_metadata(folder / "crm.csv")
    report = ingestor.ingest([folder], meta)
    by_name = {o.path.rsplit("/", 1)[-1]: o for o in report.outcomes}
    assert set(by_name) == {"call-stereo.wav", "zoom.vtt", "broken.json"}
    assert by_name["broken.json"].status == "failed"
    assert by_name["broken.json"].message.startswith("[E113]")
    assert "broken.json" in by_name["broken.json"].message
    assert by_name["call-stereo.wav"].status == "ingested"
    assert by_name["zoom.vtt"].status == "ingested"

    calls = {c.source_file.rsplit("/", 1)[-1]: c for c in store.list_calls()}
    stereo = calls["call-stereo.wav"]
    assert stereo.status == "transcribed"
    assert stereo.metadata.rep == "Maya Chen"
    assert stereo.metadata.outcome == "lost"
    assert stereo.channels == 2
    assert stereo.audio_path and stereo.audio_path.endswith(".wav")
    speakers = {(u.speaker, u.role) for u in store.utterances(stereo.id)}
    assert speakers == {("Maya Chen", "rep"), ("Speaker R", "prospect")}
    assert calls["broken.json"].status == "failed"
    assert "[E113]" in calls["broken.json"].error


def test_reingesting_the_same_content_changes_nothing_and_says_so(tmp_path, ingestor, store):
    folder = _batch(tmp_path)
    meta = load_metadata(folder / "crm.csv")
    ingestor.ingest([folder], meta)
    before = _counts(store)
    again = ingestor.ingest([folder], meta)
    statuses = {o.path.rsplit("/", 1)[-1]: o.status for o in again.outcomes}
    assert statuses == {
        "call-stereo.wav": "unchanged",
        "zoom.vtt": "unchanged",
        "broken.json": "failed",
    }
    assert all("nothing changed" in o.message for o in again.outcomes if o.status == "unchanged")
    assert _counts(store) == before

    # the same bytes under another name are the same call
    copy = tmp_path / "copy-of-call.wav"
    shutil.copy(folder / "call-stereo.wav", copy)
    outcome = ingestor.ingest_file(copy)
    assert outcome.status == "unchanged"
    assert "same content as" in outcome.message
    assert _counts(store) == before


def test_changed_metadata_updates_without_retranscribing(tmp_path, ingestor, store):
    folder = _batch(tmp_path)
    ingestor.ingest([folder / "sub" / "zoom.vtt"])
    (folder / "crm2.csv").write_text("file,stage,outcome\nzoom.vtt,proposal,won\n")
    outcome = ingestor.ingest_file(folder / "sub" / "zoom.vtt", load_metadata(folder / "crm2.csv"))
    assert outcome.status == "updated"
    call = store.get_call(outcome.call_id)
    assert (call.metadata.stage, call.metadata.outcome) == ("proposal", "won")


def test_a_fixed_file_replaces_its_failed_attempt(tmp_path, ingestor, store):
    path = tmp_path / "call.json"
    path.write_text('[{"speaker": "A", "text": ')
    assert ingestor.ingest_file(path).status == "failed"
    path.write_text('[{"speaker": "A", "role": "prospect", "text": "Too expensive for us."}]')
    outcome = ingestor.ingest_file(path)
    assert outcome.status == "ingested"
    calls = store.list_calls()
    assert [(c.status, c.source_file) for c in calls] == [("transcribed", str(path))]


def test_missing_file_is_reported_and_the_batch_goes_on(tmp_path, ingestor):
    (tmp_path / "ok.vtt").write_text(GOOD_VTT)
    report = ingestor.ingest([tmp_path / "gone.wav", tmp_path / "ok.vtt"])
    assert [o.status for o in report.outcomes] == ["failed", "ingested"]
    assert report.outcomes[0].message == f"[E101] {tmp_path / 'gone.wav'}: file not found"


def test_expand_paths_walks_folders_once_in_order(tmp_path):
    folder = _batch(tmp_path)
    files = expand_paths([folder, folder / "call-stereo.wav"])
    assert [f.name for f in files] == ["broken.json", "call-stereo.wav", "zoom.vtt"]
