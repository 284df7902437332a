"""Voice enrolment: a rep's sample once, then mono calls name that rep by voice."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from callinsight import Ingestor, Store, load_settings
from callinsight.cli import app
from callinsight.errors import IngestError
from callinsight.ingest import decode
from callinsight.speakers.enrol import enrol_voice
from tests.conftest import DEMO, SPEECH


def _wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def test_too_little_speech_is_refused_with_the_reason(tmp_path):
    short = _wav(tmp_path / "hello.wav", decode(SPEECH / "jfk.flac").samples[0][: 16000 * 3])
    with pytest.raises(IngestError) as info:
        enrol_voice(short)
    assert info.value.code == "E131"
    assert "hello.wav" in info.value.message


@pytest.mark.slow
def test_enrolled_rep_is_recognised_in_a_mono_call(tmp_path, transcriber):
    stereo = decode(DEMO / "recordings" / "rec-02.ogg").samples
    sample = _wav(tmp_path / "derek-sample.wav", stereo[0][: 16000 * 60])  # the rep's channel
    call = _wav(tmp_path / "call-mono.wav", stereo.sum(axis=0))
    ws = tmp_path / "ws"

    result = CliRunner().invoke(app, ["-w", str(ws), "reps", "enroll", "Derek Olsen", str(sample)])
    assert result.exit_code == 0, result.output
    assert "enrolled Derek Olsen" in result.output
    again = CliRunner().invoke(app, ["-w", str(ws), "reps", "enroll", "Derek Olsen", str(sample)])
    assert "re-enrolled Derek Olsen" in again.output
    listing = CliRunner().invoke(app, ["-w", str(ws), "reps", "list"])
    assert "Derek Olsen" in listing.output

    settings = load_settings(workspace=ws)
    ingestor = Ingestor(settings, Store.from_settings(settings))
    ingestor._transcriber = transcriber
    outcome = ingestor.ingest_file(call)
    utts = ingestor.store.utterances(outcome.call_id)
    reps = {(u.speaker, u.role_source) for u in utts if u.role == "rep"}
    assert reps == {("Derek Olsen", "voice")}
    assert {u.role for u in utts} == {"rep", "prospect"}


def test_silent_recording_ingests_with_no_speech_noted(tmp_path, ingestor, store):
    silent = _wav(tmp_path / "silence.wav", np.zeros(16000 * 8, dtype=np.float32))
    outcome = ingestor.ingest_file(silent)
    assert outcome.status == "ingested"
    call = store.get_call(outcome.call_id)
    assert call.speakers_note == "no speech found"
    assert store.utterances(call.id) == []
