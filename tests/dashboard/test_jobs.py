"""Upload jobs: queued by the dashboard, processed by the worker, every file's fate in words."""

from __future__ import annotations

import datetime as dt

import pytest

from callinsight.dashboard.jobs import Upload, Worker, enqueue_uploads, recent_jobs
from callinsight.records import CallMetadata
from callinsight.store.schema import FindingRow, JobRow
from tests.conftest import DEMO

pytestmark = pytest.mark.slow
TRANSCRIPT = DEMO / "transcripts" / "t-01-alderbrook-hvac.vtt"


def test_worker_ingests_analyses_and_reports_each_upload(settings, store):
    meta = CallMetadata(rep="Maya Chen", account="Alderbrook", date=dt.date(2026, 5, 4))
    ids = enqueue_uploads(
        store,
        settings,
        [
            Upload(TRANSCRIPT.name, TRANSCRIPT.read_bytes()),
            Upload("notes.exe", b"MZ\x90\x00"),
            Upload("empty.vtt", b""),
        ],
        meta,
    )
    assert [j.status for j in recent_jobs(store)] == ["queued"] * 3
    worker = Worker(settings, store)
    while worker.run_once():  # one job at a time; a bad file never stops the queue
        pass
    jobs = {j.id: j for j in recent_jobs(store)}
    good, exe, empty = (jobs[i] for i in ids)
    assert good.status == "done" and good.progress == 1.0, good.message
    assert "objection" in good.message and good.call_id
    call = store.get_call(good.call_id)
    assert call.metadata.account == "Alderbrook" and call.metadata.date == dt.date(2026, 5, 4)
    found = store.findings(good.call_id)
    assert any(f.kind == "objection" for f in found)
    with store.session() as s:  # the worker clustered the new findings as well
        assert s.query(FindingRow).filter(FindingRow.cluster_score.is_(None)).count() == 0
    assert exe.status == "failed" and "notes.exe" in exe.message
    assert "not a recording or transcript" in exe.message
    assert empty.status == "failed" and "empty.vtt" in empty.message
    assert str(settings.workspace) not in empty.message  # names the file as the user knows it

    # Re-uploading the same file is safe: one call, reported as already there.
    (again,) = enqueue_uploads(store, settings, [Upload("copy.vtt", TRANSCRIPT.read_bytes())])
    worker.run_once()
    view = next(j for j in recent_jobs(store) if j.id == again)
    assert view.status == "done" and "already in the archive" in view.message
    assert view.call_id == good.call_id
    assert len(store.list_calls()) == 2  # the transcript, and the empty file's failed record


def test_a_job_left_running_by_a_dead_worker_is_requeued(settings, store):
    (job,) = enqueue_uploads(store, settings, [Upload("x.vtt", b"WEBVTT\n")])
    with store.session() as s, s.begin():
        s.get(JobRow, job).status = "running"
    assert Worker(settings, store).requeue_abandoned() == 1
    assert recent_jobs(store)[0].status == "queued"
