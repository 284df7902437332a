"""Per-call orchestration: file -> sniff -> decode/parse -> transcribe -> speakers -> store.

Idempotent by content: a call's id is the sha256 of its bytes, so the same recording under
any name is one call, ingested once. A file that fails is recorded with its error (when its
bytes could be read) and the batch goes on; a later run retries it.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from callinsight.config import Settings
from callinsight.errors import CallinsightError, E, IngestError
from callinsight.ingest import MetadataTable, decode, is_candidate, parse_transcript, sniff
from callinsight.records import Call, CallMetadata, IngestOutcome, Transcript
from callinsight.speakers import transcribe_recording
from callinsight.speakers.diarize import get_diarizer
from callinsight.speakers.metrics import call_metrics
from callinsight.speakers.roles import Roster, assign_roles
from callinsight.store import Store
from callinsight.transcribe import Transcriber, get_transcriber


def content_id(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and ingestible files inside folders (recursively), sorted, once each."""
    seen: set[Path] = set()
    out: list[Path] = []
    for path in paths:
        found = (
            sorted(p for p in path.rglob("*") if p.is_file() and is_candidate(p))
            if path.is_dir()
            else [path]
        )
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


@dataclass
class BatchReport:
    outcomes: list[IngestOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failures(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


ProgressCallback = Callable[[Path, IngestOutcome | None], None]


class Ingestor:
    """Ingests files into a store. The speech model loads on the first recording, once."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        model: str | None = None,
        on_audio_progress: Callable[[Path, float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.model = model
        # (file, fraction 0..1) while a recording is transcribed: long calls show progress.
        self.on_audio_progress = on_audio_progress
        self._transcriber: Transcriber | None = None
        self._diarizer = None
        self._enrolled: dict[str, np.ndarray] | None = None

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = get_transcriber(self.settings, self.model)
        return self._transcriber

    @property
    def diarizer(self):
        if self._diarizer is None:
            self._diarizer = get_diarizer(self.settings)
        return self._diarizer

    @property
    def enrolled(self) -> dict[str, np.ndarray]:
        if self._enrolled is None:
            self._enrolled = {
                k: np.asarray(v, np.float32) for k, v in self.store.rep_voices().items()
            }
        return self._enrolled

    def decide_roles(self, transcript: Transcript, meta: CallMetadata) -> Transcript:
        """Roles for every speaker (channel, transcript, roster, voice, text cues)."""
        roster = Roster([*self.settings.reps, *([meta.rep] if meta.rep else [])])
        result = assign_roles(transcript.utterances, roster, dict(transcript.voice_matches))
        return replace(transcript, utterances=result.utterances, roles_note=result.note)

    def ingest_file(self, path: Path, metadata: MetadataTable | None = None) -> IngestOutcome:
        """Ingest one file; never raises for a bad file, the outcome says what happened."""
        shown = str(path)
        if not path.is_file():
            return IngestOutcome(shown, "failed", message=IngestError(E.E101, path=path).message)
        # `is not None`: a table is falsy when no row names a path (only file names).
        meta = (metadata.lookup(path) if metadata is not None else None) or CallMetadata()
        try:
            call_id = content_id(path)
        except OSError as exc:
            return IngestOutcome(shown, "failed", message=f"{path}: cannot read: {exc.strerror}")

        existing = self.store.get_call(call_id)
        if existing is not None and existing.status != "failed":
            changed = self.store.update_metadata(call_id, meta)
            if changed:
                return IngestOutcome(
                    shown, "updated", call_id, "already ingested; metadata updated"
                )
            same = (
                ""
                if existing.source_file == shown
                else f" (same content as {existing.source_file})"
            )
            return IngestOutcome(
                shown, "unchanged", call_id, f"already ingested{same}; nothing changed"
            )

        kind = None
        try:
            kind = sniff(path)
            if kind.kind == "audio":
                audio = decode(path)
                notify = self.on_audio_progress
                transcript = transcribe_recording(
                    audio,
                    self.transcriber,
                    self.settings.channel_roles,
                    rep_name=meta.rep,
                    on_progress=(lambda f: notify(path, f)) if notify else None,
                    diarizer=self.diarizer,
                    enrolled=self.enrolled,
                )
                stored = self._keep_audio(path, call_id)
                channels = audio.channels
                fmt = kind.format if kind.format != "audio" else audio.codec
            else:
                transcript = parse_transcript(path, kind.format)
                stored, channels, fmt = None, None, kind.format
            transcript = self.decide_roles(transcript, meta)
        except CallinsightError as exc:
            return self._failed(path, call_id, kind, meta, exc.message)
        except Exception as exc:
            return self._failed(
                path, call_id, kind, meta, f"{path}: {exc.__class__.__name__}: {exc}"
            )

        call = Call(
            id=call_id,
            source_file=shown,
            source_kind=kind.kind,
            format=fmt,
            status="transcribed",
            metadata=meta.merged_over(CallMetadata(title=path.stem)),
            duration_s=transcript.duration_s,
            language=transcript.language or self.settings.language,
            channels=channels,
            method=transcript.method,
            audio_path=stored,
            speakers_note=transcript.speakers_note,
            roles_note=transcript.roles_note,
        )
        self.store.save_call(call, transcript, call_metrics(transcript.utterances))
        return IngestOutcome(
            shown,
            "ingested",
            call_id,
            f"{len(transcript.utterances)} utterances",
            utterances=len(transcript.utterances),
            audio_s=(transcript.duration_s or 0.0) if kind.kind == "audio" else 0.0,
        )

    def _failed(
        self, path: Path, call_id: str, kind, meta: CallMetadata, message: str
    ) -> IngestOutcome:
        self.store.save_call(
            Call(
                id=call_id,
                source_file=str(path),
                source_kind=kind.kind if kind else "transcript",
                format=kind.format if kind else "unknown",
                status="failed",
                metadata=meta.merged_over(CallMetadata(title=path.stem)),
                error=message,
            )
        )
        return IngestOutcome(str(path), "failed", call_id, message)

    def _keep_audio(self, path: Path, call_id: str) -> str | None:
        """A copy of the recording in the workspace: players and re-runs never need the source."""
        if not self.settings.store_audio:
            return None
        target = self.settings.audio_dir / f"{call_id}{path.suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        return str(target)

    def ingest(
        self,
        paths: Iterable[Path],
        metadata: MetadataTable | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BatchReport:
        report = BatchReport()
        for _path, outcome in self.iter_ingest(expand_paths(paths), metadata, on_progress):
            report.outcomes.append(outcome)
        return report

    def iter_ingest(
        self,
        files: list[Path],
        metadata: MetadataTable | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Iterator[tuple[Path, IngestOutcome]]:
        for path in files:
            if on_progress:
                on_progress(path, None)
            outcome = self.ingest_file(path, metadata)
            if on_progress:
                on_progress(path, outcome)
            yield path, outcome


@dataclass(frozen=True, slots=True)
class AnalysisOutcome:
    call_id: str
    findings: int
    status: str  # analysed | reanalysed | failed
    message: str = ""


class Analyzer:
    """Runs extraction over stored calls: ``analyze`` does calls never analysed, ``rescan``
    redoes those analysed under another extractor digest (a changed taxonomy, tracker or
    classifier) too. Each call's findings are replaced in one transaction, so an interrupted
    run loses nothing and a re-run finishes the job."""

    def __init__(self, store: Store, extractor, batch_calls: int = 16) -> None:
        self.store = store
        self.extractor = extractor
        self.batch_calls = batch_calls

    def pending(self, rescan: bool = False) -> list[str]:
        done = self.store.analysis_digests()
        current = self.extractor.digest
        return [
            c
            for c in self.store.transcribed_call_ids()
            if c not in done or (rescan and done[c] != current)
        ]

    def iter_run(self, call_ids: list[str]) -> Iterator[AnalysisOutcome]:
        from callinsight.extract import CallText

        done = self.store.analysis_digests()
        digest = self.extractor.digest
        for start in range(0, len(call_ids), self.batch_calls):
            batch = call_ids[start : start + self.batch_calls]
            texts = [CallText(c, self.store.utterances(c)) for c in batch]
            failures: list[AnalysisOutcome] = []
            try:
                found = self.extractor.extract_calls(texts)
            except Exception:
                # One unreadable call must not stop the archive: redo the batch call by call.
                found = {}
                for text in texts:
                    try:
                        found.update(self.extractor.extract_calls([text]))
                    except Exception as exc:
                        failures.append(
                            AnalysisOutcome(
                                text.call_id, 0, "failed", f"{type(exc).__name__}: {exc}"
                            )
                        )
            yield from failures
            for call_id, findings in found.items():
                n = self.store.save_findings(call_id, findings, digest)
                yield AnalysisOutcome(call_id, n, "reanalysed" if call_id in done else "analysed")
