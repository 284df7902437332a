"""Role accuracy on the demo corpus: text transcripts by speaker, mono mixdowns by word."""

from __future__ import annotations

import tomllib
import wave
from dataclasses import replace

import numpy as np
import pytest
import yaml

from callinsight import Ingestor, Store, load_settings
from callinsight.ingest import decode, load_metadata, parse_transcript, sniff
from callinsight.quality import word_role_accuracy
from callinsight.speakers.roles import Roster, assign_roles
from tests.conftest import DEMO

TEAM = tomllib.loads((DEMO / "callinsight.toml").read_text())["reps"]
TRANSCRIPTS = sorted(p for p in (DEMO / "transcripts").iterdir() if p.is_file())
# Floors reached (bench/speakers.py); a regression below them fails.
MIN_SPEAKERS_WITH_ROSTER = 1.0
MIN_SPEAKERS_TEXT_CUES_ONLY = 0.85
MIN_WORDS_MONO = 0.95


def _truth(transcript) -> dict[str, str]:
    return {
        u.speaker: "rep" if u.speaker in TEAM or u.role == "rep" else "prospect"
        for u in transcript.utterances
    }


def _accuracy(use_roster: bool) -> float:
    meta = load_metadata(DEMO / "crm.csv")
    right = total = 0
    for path in TRANSCRIPTS:
        transcript = parse_transcript(path, sniff(path).format)
        truth = _truth(transcript)
        utts = transcript.utterances
        roster = Roster([*TEAM, meta.lookup(path).rep]) if use_roster else None
        if not use_roster:  # words only: forget roles a JSON file carries
            utts = tuple(replace(u, role="unknown", role_source="none") for u in utts)
        decided = {u.speaker: u.role for u in assign_roles(utts, roster).utterances}
        right += sum(decided[s] == r for s, r in truth.items())
        total += len(truth)
    return right / total


def test_transcript_speakers_with_the_team_roster():
    assert _accuracy(use_roster=True) >= MIN_SPEAKERS_WITH_ROSTER


def test_transcript_speakers_from_text_cues_alone():
    assert _accuracy(use_roster=False) >= MIN_SPEAKERS_TEXT_CUES_ONLY


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rec-02", "rec-05", "rec-08", "rec-11"])
def test_mono_mixdown_words_get_the_right_role(tmp_path, transcriber, name):
    rec = DEMO / "recordings" / f"{name}.ogg"
    script = yaml.safe_load(rec.with_suffix(".script.yaml").read_text())
    mono = decode(rec).samples.sum(axis=0)
    path = tmp_path / f"{name}-mono.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(mono, -1, 1) * 32767).astype(np.int16).tobytes())
    settings = load_settings(workspace=tmp_path / "ws")
    ingestor = Ingestor(settings, Store.from_settings(settings))
    ingestor._transcriber = transcriber
    outcome = ingestor.ingest_file(path)
    call = ingestor.store.get_call(outcome.call_id)
    assert call.speakers_note == "2 speakers"
    utts = ingestor.store.utterances(call.id)
    reference = [(t["start"], t["end"], t["role"]) for t in script["turns"]]
    right, total = word_role_accuracy(utts, reference)
    assert total > 150
    assert right / total >= MIN_WORDS_MONO, f"{right}/{total} ({call.roles_note})"
    assert {u.role_source for u in utts} == {"text-cues"}
