"""Speakers: diarization error rate, diarization speed, and rep/prospect role accuracy.

    .venv/bin/python bench/speakers.py

1. DER on the AMI ES2004 excerpt (real 4-person meeting, overlapping speech) against its
   RTTM, pyannote.metrics, collar 0.25 s; speakers found.
2. Diarization speed (x real time, 2 cores) on that meeting and on the demo recordings mixed
   down to mono; the one-time warm-up (librosa/numba compiling, ~20 s) is shown apart.
3. Role accuracy on the demo recordings mixed down to mono (no channel map, no names: voice
   clustering plus text cues): share of words given the right role, against the scripts.
4. Role accuracy on the demo text transcripts: share of speakers given the right role, with
   the CRM rep roster (the product's path) and from text cues alone.
Targets: DER <= 25 %, >= 50x real time, >= 95 % of words, >= 95 % of speakers.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tomllib
import wave
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
AMI = ROOT / "tests" / "data" / "speech" / "ami_es2004_excerpt"
DEMO = ROOT / "corpora" / "demo"
# Ground truth of who sells in the demo corpus: its four reps and their sales manager.
DEMO_SELLERS = {"Maya Chen", "Derek Olsen", "Priya Raman", "Tom Whitaker", "Renee Castillo"}


def ami_der() -> tuple[float, int, float, float]:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from callinsight.ingest import decode
    from callinsight.quality import read_rttm
    from callinsight.speakers.diarize import VoiceDiarizer

    samples = decode(AMI / "mixture.wav").samples[0]
    t0 = time.perf_counter()
    result = VoiceDiarizer().diarize(samples)
    wall = time.perf_counter() - t0
    ref, hyp = Annotation(), Annotation()
    for start, end, speaker in read_rttm(AMI / "mixture.rttm"):
        ref[Segment(start, end)] = speaker
    for turn in result.turns:
        hyp[Segment(turn.start, turn.end)] = turn.speaker
    der = DiarizationErrorRate(collar=0.25)(ref, hyp, uem=None)
    return der, result.n_speakers, len(samples) / 16000, wall


def _write_mono(samples: np.ndarray, path: Path) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm.tobytes())


def mono_roles(recordings: list[Path]) -> list[tuple[str, int, int, int, float, float]]:
    """Per recording: (name, right words, scored words, speakers found, audio s, diarize s)."""
    from callinsight import Ingestor, Store, load_settings
    from callinsight.ingest import decode
    from callinsight.quality import word_role_accuracy

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(workspace=Path(tmp) / "ws")
        ingestor = Ingestor(settings, Store.from_settings(settings))
        diarize = ingestor.diarizer.diarize
        timings: list[float] = []

        def timed(samples: np.ndarray):
            t0 = time.perf_counter()
            out = diarize(samples)
            timings.append(time.perf_counter() - t0)
            return out

        ingestor.diarizer.diarize = timed  # type: ignore[method-assign]
        for rec in recordings:
            script = yaml.safe_load(rec.with_suffix(".script.yaml").read_text())
            mono = decode(rec).samples.sum(axis=0)
            path = Path(tmp) / f"{rec.stem}-mono.wav"
            _write_mono(mono, path)
            outcome = ingestor.ingest_file(path)
            utts = ingestor.store.utterances(outcome.call_id)
            reference = [(t["start"], t["end"], t["role"]) for t in script["turns"]]
            right, total = word_role_accuracy(utts, reference)
            speakers = len({u.speaker for u in utts})
            rows.append((rec.stem, right, total, speakers, len(mono) / 16000, timings[-1]))
    return rows


def transcript_roles() -> tuple[tuple[int, int], tuple[int, int], list[str]]:
    """((right, total) with roster, (right, total) from text cues alone, misses)."""
    from callinsight.ingest import load_metadata, parse_transcript, sniff
    from callinsight.speakers.roles import Roster, assign_roles

    meta = load_metadata(DEMO / "crm.csv")
    team = tomllib.loads((DEMO / "callinsight.toml").read_text())["reps"]
    with_roster, cues_only = Counter(), Counter()
    misses = []
    for path in sorted(p for p in (DEMO / "transcripts").iterdir() if p.is_file()):
        transcript = parse_transcript(path, sniff(path).format)
        rep = meta.lookup(path).rep
        truth = {
            u.speaker: ("rep" if u.speaker in DEMO_SELLERS or u.role == "rep" else "prospect")
            for u in transcript.utterances
        }
        for name, counter, roster in (
            ("roster", with_roster, Roster([*team, rep])),
            ("cues", cues_only, None),
        ):
            utts = transcript.utterances
            if roster is None:  # forget the file's own roles: words only
                utts = tuple(replace(u, role="unknown", role_source="none") for u in utts)
            result = assign_roles(utts, roster)
            decided = {u.speaker: u.role for u in result.utterances}
            for speaker, role in truth.items():
                counter["total"] += 1
                counter["right"] += decided[speaker] == role
                if decided[speaker] != role:
                    misses.append(
                        f"{name}: {path.name} {speaker} -> {decided[speaker]} ({result.note})"
                    )
    return (
        (with_roster["right"], with_roster["total"]),
        (cues_only["right"], cues_only["total"]),
        misses,
    )


def main() -> None:
    from callinsight.speakers.diarize import embed_windows, speech_regions

    t0 = time.perf_counter()
    warm = np.random.default_rng(0).normal(0, 0.1, 32000).astype(np.float32)
    embed_windows(warm, speech_regions(warm) or [(0.0, 2.0)])
    warmup = time.perf_counter() - t0

    der, found, ami_s, ami_wall = ami_der()
    recordings = sorted(DEMO.glob("recordings/*.ogg"))
    mono = mono_roles(recordings)
    (rr, rt), (cr, ct), misses = transcript_roles()

    audio_s = ami_s + sum(r[4] for r in mono)
    wall_s = ami_wall + sum(r[5] for r in mono)
    words_right = sum(r[1] for r in mono)
    words_total = sum(r[2] for r in mono)

    rows = [
        ("DER, collar 0.25 s", "AMI ES2004 excerpt, 60 s, 4 speakers",
         f"{der:.1%} ({found} found)", "<= 25%"),
        ("diarization speed", f"AMI + {len(mono)} demo calls mixed to mono, {audio_s:.0f} s",
         f"{audio_s / wall_s:.0f}x real time", ">= 50x"),
        ("one-time warm-up (librosa/numba compile)", "first call in a process",
         f"{warmup:.1f} s", ""),
        ("words with the right role", f"{len(mono)} demo calls mixed to mono, no names",
         f"{words_right / words_total:.1%} ({words_right}/{words_total})", ">= 95%"),
        ("speakers with the right role", "64 demo transcripts, team roster + CRM rep",
         f"{rr / rt:.1%} ({rr}/{rt})", ">= 95%"),
        ("speakers with the right role", "same, text cues only",
         f"{cr / ct:.1%} ({cr}/{ct})", ""),
    ]  # fmt: skip
    print("## bench/speakers.py (2-core CPU, resemblyzer voices, average-linkage clustering)\n")
    print("| measure | data | ours | target |")
    print("|---|---|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\nper recording (mono mixdown):\n")
    print("| call | speakers found | words right |")
    print("|---|---:|---:|")
    for name, right, total, speakers, _a, _w in mono:
        print(f"| {name} | {speakers} | {right / max(total, 1):.1%} |")
    if "-v" in sys.argv:
        print("\nmisattributed transcript speakers:")
        for m in misses:
            print(" ", m)


if __name__ == "__main__":
    main()
