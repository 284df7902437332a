"""Mono diarization on real speech: DER on a real meeting, and the edge cases users hit."""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate

from callinsight.ingest import decode
from callinsight.quality import read_rttm
from callinsight.records import Segment as SpeechSegment
from callinsight.records import Word
from callinsight.speakers.channels import split_by_speaker
from callinsight.speakers.diarize import Diarization, SpeakerTurn, VoiceDiarizer
from tests.conftest import SPEECH

AMI = SPEECH / "ami_es2004_excerpt"
# What bench/speakers.py measures on this excerpt (0.202 at the time of writing), plus a
# little room for floating-point differences between machines; a regression fails here.
MAX_AMI_DER = 0.23


@pytest.fixture(scope="session")
def diarizer():
    return VoiceDiarizer()


def _reference() -> Annotation:
    ref = Annotation()
    for start, end, speaker in read_rttm(AMI / "mixture.rttm"):
        ref[Segment(start, end)] = speaker
    return ref


def test_ami_meeting_diarization_error_rate(diarizer):
    result = diarizer.diarize(decode(AMI / "mixture.wav").samples[0])
    hyp = Annotation()
    for turn in result.turns:
        hyp[Segment(turn.start, turn.end)] = turn.speaker
    der = DiarizationErrorRate(collar=0.25)(_reference(), hyp)
    assert der <= MAX_AMI_DER, f"DER {der:.3f}"
    assert 2 <= result.n_speakers <= 6
    assert result.centroids.shape == (result.n_speakers, 256)


def test_one_voice_is_one_speaker(diarizer):
    result = diarizer.diarize(decode(SPEECH / "jfk.flac").samples[0])
    assert result.n_speakers == 1
    assert result.note == "one speaker"


def test_two_voices_in_turn_on_mono(diarizer):
    left, right = decode(SPEECH / "stereo_diarization.wav").samples
    gap = np.zeros(8000, dtype=np.float32)
    mono = np.concatenate([left[:76000], gap, right[:40000], gap, left[:76000]])
    result = diarizer.diarize(mono)
    assert result.n_speakers == 2
    assert result.speaker_at(2.0) == 0
    assert result.speaker_at(5.6) == 1
    assert result.speaker_at(9.0) == 0


def test_silence_is_no_speech_not_a_crash(diarizer):
    result = diarizer.diarize(np.zeros(16000 * 10, dtype=np.float32))
    assert (result.n_speakers, result.turns, result.note) == (0, (), "no speech found")


def test_music_is_not_taken_for_speakers(diarizer):
    t = np.arange(16000 * 12) / 16000
    notes = [220.0, 277.2, 329.6, 440.0]
    music = sum(np.sin(2 * np.pi * f * t) for f in notes) / len(notes)
    beat = (np.sin(2 * np.pi * 2 * t) > 0).astype(np.float32)  # a pulse twice a second
    result = diarizer.diarize((0.3 * music * (0.5 + 0.5 * beat)).astype(np.float32))
    assert result.n_speakers <= 1
    assert result.note in {"no speech found", "one speaker"}


def test_a_segment_spanning_a_change_of_speaker_is_split_at_the_words():
    words = tuple(
        Word(s, s + 0.4, w, 0.9)
        for s, w in [(0.0, "so"), (0.5, "what"), (1.0, "price"), (1.5, "too"), (2.0, "high")]
    )
    segment = SpeechSegment(0.0, 2.4, "so what price too high", 0.8, words)
    diar = Diarization(
        (SpeakerTurn(0.0, 1.2, 0), SpeakerTurn(1.2, 2.5, 1)), 2, 2.5, np.zeros((2, 256), np.float32)
    )
    pieces = split_by_speaker([segment], diar)
    assert [(p.speaker, p.segment.text) for p in pieces] == [
        ("Speaker 1", "so what price"),
        ("Speaker 2", "too high"),
    ]
    assert pieces[1].segment.start == 1.5
