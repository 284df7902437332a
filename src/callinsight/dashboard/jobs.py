"""Upload jobs: the dashboard queues files, a background worker ingests and analyses them.

A job row is the whole contract between the two: the dashboard writes ``queued`` jobs (the
uploaded file saved under ``<workspace>/uploads/``), the worker claims one at a time (an
UPDATE that only succeeds while the job is still queued, so two workers never take the same
job), reports progress and a plain-words message, and ends it ``done`` or ``failed``. A worker
that dies mid-job leaves it ``running``; the next worker to start puts it back in the queue, and
re-running a job is safe because ingestion and analysis are idempotent.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from callinsight.config import Settings
from callinsight.ingest import is_candidate
from callinsight.ingest.metadata import MetadataTable
from callinsight.records import CallMetadata
from callinsight.store import Store
from callinsight.store.schema import JobRow

UPLOAD_KIND = "upload"


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _safe_name(name: str) -> str:
    base = Path(name).name or "upload"
    return re.sub(r"[^A-Za-z0-9._ -]+", "_", base)[:150]


def enqueue_uploads(
    store: Store, settings: Settings, uploads: list[Upload], metadata: CallMetadata | None = None
) -> list[int]:
    """Save each file under the workspace and queue one job per file; returns the job ids.

    A file whose type cannot be a call is still queued, and fails with a message that says
    why, so the person uploading sees every file's fate in one list."""
    batch = settings.workspace / "uploads" / uuid.uuid4().hex[:12]
    batch.mkdir(parents=True, exist_ok=True)
    meta = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in (metadata or CallMetadata()).as_dict().items()
        if v
    }
    ids = []
    with store.session() as s, s.begin():
        for up in uploads:
            path = batch / _safe_name(up.name)
            path.write_bytes(up.data)
            row = JobRow(
                kind=UPLOAD_KIND,
                status="queued",
                payload={"path": str(path), "name": up.name, "metadata": meta},
                progress=0.0,
                message="waiting for the worker",
            )
            s.add(row)
            s.flush()
            ids.append(row.id)
    return ids


@dataclass(frozen=True)
class JobView:
    id: int
    name: str
    status: str
    progress: float
    message: str
    call_id: str | None
    created_at: dt.datetime | None


def recent_jobs(store: Store, limit: int = 50) -> list[JobView]:
    with store.session() as s:
        rows = s.scalars(select(JobRow).order_by(JobRow.id.desc()).limit(limit))
        return [
            JobView(
                r.id,
                (r.payload or {}).get("name", f"job {r.id}"),
                r.status,
                r.progress,
                r.message or "",
                r.call_id,
                r.created_at,
            )
            for r in rows
        ]


class Worker:
    """Processes upload jobs: ingest (transcribe, speakers, roles), analyse, cluster, map."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store.from_settings(settings)
        self._ingestor = None
        self._analyzer = None
        self._stop = threading.Event()

    # Models load on the first job, once: a dashboard with no uploads costs nothing.
    @property
    def ingestor(self):
        if self._ingestor is None:
            from callinsight.pipeline import Ingestor

            self._ingestor = Ingestor(self.settings, self.store)
        return self._ingestor

    @property
    def analyzer(self):
        if self._analyzer is None:
            from callinsight.content import library_assets
            from callinsight.extract import Extractor
            from callinsight.pipeline import Analyzer

            extractor = Extractor(self.settings, assets=library_assets(self.store))
            self._analyzer = Analyzer(self.store, extractor)
        return self._analyzer

    def requeue_abandoned(self) -> int:
        with self.store.session() as s, s.begin():
            result = s.execute(
                update(JobRow)
                .where(JobRow.status == "running")
                .values(status="queued", message="requeued: the worker stopped mid-job")
            )
            return result.rowcount or 0

    def _claim(self) -> JobRow | None:
        with self.store.session() as s, s.begin():
            for job_id in s.scalars(
                select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.id).limit(5)
            ):
                claimed = s.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.status == "queued")
                    .values(status="running", progress=0.0, message="starting")
                )
                if claimed.rowcount == 1:
                    return s.get(JobRow, job_id)
        return None

    def _report(self, job_id: int, **values) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

    def run_once(self) -> bool:
        """Process one queued job; False when the queue is empty."""
        job = self._claim()
        if job is None:
            return False
        try:
            status, message, call_id = self._process(job.id, dict(job.payload or {}))
        except Exception as exc:  # a job never takes the worker down with it
            status, message, call_id = "failed", f"{type(exc).__name__}: {exc}", None
        self._report(
            job.id,
            status=status,
            message=message,
            call_id=call_id,
            progress=1.0 if status == "done" else job.progress,
        )
        return True

    def _process(self, job_id: int, payload: dict) -> tuple[str, str, str | None]:
        path = Path(payload.get("path", ""))
        name = payload.get("name") or path.name
        if not is_candidate(path):
            return "failed", f"{name}: not a recording or transcript this tool reads", None
        meta = CallMetadata(
            **{
                k: (dt.date.fromisoformat(v) if k == "date" else v)
                for k, v in (payload.get("metadata") or {}).items()
            }
        )
        table = MetadataTable(source=path, by_name={path.name: meta})

        def on_audio(_path: Path, fraction: float) -> None:
            self._report(
                job_id,
                progress=round(0.05 + 0.65 * fraction, 3),
                message=f"transcribing {fraction:.0%}",
            )

        self._report(job_id, progress=0.05, message="reading the file")
        self.ingestor.on_audio_progress = on_audio
        outcome = self.ingestor.ingest_file(path, table)
        if outcome.status == "failed" or not outcome.call_id:
            return "failed", outcome.message.replace(str(path), name), None
        self._report(job_id, progress=0.75, message="finding objections, questions, sources")
        findings = 0
        for result in self.analyzer.iter_run([outcome.call_id]):
            if result.status == "failed":
                return "failed", f"{name}: analysis failed: {result.message}", outcome.call_id
            findings = result.findings
        self._report(job_id, progress=0.9, message="clustering and matching content")
        self._refresh()
        already = "already in the archive; " if outcome.status == "unchanged" else ""
        counts = self._counts(outcome.call_id)
        return "done", f"{already}{findings} findings ({counts})", outcome.call_id

    def _counts(self, call_id: str) -> str:
        found = self.store.findings(call_id)
        kinds: dict[str, int] = {}
        for f in found:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        return ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items())) or "none"

    def _refresh(self) -> None:
        from callinsight.refresh import refresh

        refresh(self.store, self.analyzer.extractor.embedder)

    def run_forever(self, poll_s: float = 1.0, on_error: Callable[[Exception], None] | None = None):
        self.requeue_abandoned()
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # the store was unreachable: wait and try again
                if on_error:
                    on_error(exc)
                busy = False
            if not busy:
                self._stop.wait(poll_s)

    def stop(self) -> None:
        self._stop.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="callinsight-worker", daemon=True)
        thread.start()
        return thread
