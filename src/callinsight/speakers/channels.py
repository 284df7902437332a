"""Speakers of a recording: from its channels, or from its voices.

A two-channel call recording (as call recorders and dialers store calls) holds one party per
channel: each channel is transcribed on its own and its speaker's role comes from the
configured channel map. A mono recording is transcribed once and diarized; every word goes
to the speaker talking at its midpoint, so a Whisper segment that spans a change of speaker
is split there.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from callinsight.config import ChannelRoles
from callinsight.ingest.audio import DecodedAudio
from callinsight.records import Segment, Transcript
from callinsight.speakers.diarize import Diarization
from callinsight.speakers.roles import match_voices
from callinsight.speakers.turns import LabelledSegment, build_turns
from callinsight.transcribe import AudioProgress, Transcriber

CHANNEL_NAMES = ("left", "right")


def channel_speaker(channel: int, role: str, rep_name: str | None) -> str:
    """The rep's channel carries the rep's CRM name when known; otherwise a channel label."""
    if role == "rep" and rep_name:
        return rep_name
    return f"Speaker {CHANNEL_NAMES[channel][0].upper()}"


def split_by_speaker(segments: list[Segment], diarization: Diarization) -> list[LabelledSegment]:
    """Cut segments where the diarized speaker changes between words; label each piece."""
    out: list[LabelledSegment] = []
    for seg in segments:
        if not seg.words or diarization.n_speakers == 0:
            who = diarization.speaker_at((seg.start + seg.end) / 2)
            out.append(LabelledSegment(seg, _label(who), "unknown", "none"))
            continue
        run: list = []
        run_speaker = None
        for word in (*seg.words, None):
            who = diarization.speaker_at((word.start + word.end) / 2) if word else None
            if run and (word is None or who != run_speaker):
                piece = Segment(
                    start=run[0].start,
                    end=run[-1].end,
                    text=" ".join(w.text for w in run),
                    confidence=seg.confidence,
                    words=tuple(run),
                )
                out.append(LabelledSegment(piece, _label(run_speaker), "unknown", "none"))
                run = []
            if word is not None:
                run.append(word)
                run_speaker = who
    return out


def _label(speaker: int | None) -> str:
    return f"Speaker {speaker + 1}" if speaker is not None else "Speaker 1"


def transcribe_recording(
    audio: DecodedAudio,
    transcriber: Transcriber,
    channel_roles: ChannelRoles,
    rep_name: str | None = None,
    on_progress: AudioProgress | None = None,
    diarizer=None,
    enrolled: dict[str, np.ndarray] | None = None,
) -> Transcript:
    """Transcribe every channel, separate the speakers, and interleave them by time into turns.

    ``on_progress(fraction)`` reports 0..1 over all channels. Mono audio is diarized when a
    ``diarizer`` is given; voices matching ``enrolled`` rep voices are named in the result.
    """
    labelled: list[LabelledSegment] = []
    language = None
    total = max(audio.duration_s * audio.channels, 1e-9)

    def channel_progress(channel: int) -> AudioProgress | None:
        if on_progress is None:
            return None
        return lambda seconds: on_progress(min(1.0, (channel * audio.duration_s + seconds) / total))

    if audio.channels == 2:
        for channel in (0, 1):
            role = getattr(channel_roles, CHANNEL_NAMES[channel])
            speaker = channel_speaker(channel, role, rep_name)
            segments, lang = transcriber.transcribe(
                audio.samples[channel], channel_progress(channel)
            )
            language = language or lang
            labelled += [LabelledSegment(s, speaker, role, "channel", channel) for s in segments]
        note = "two channels: one speaker each"
        transcript = Transcript(
            build_turns(labelled), round(audio.duration_s, 3), language, transcriber.label
        )
        return replace(transcript, speakers_note=note)

    segments, language = transcriber.transcribe(audio.samples[0], channel_progress(0))
    if diarizer is None:
        labelled = [LabelledSegment(s, "Speaker 1", "unknown", "none") for s in segments]
        # One label on mono speech says nothing about turns: keep Whisper's segments apart.
        turns = build_turns(labelled, max_gap_s=-1.0)
        return Transcript(
            turns, round(audio.duration_s, 3), language, transcriber.label, "not separated"
        )

    diarization = diarizer.diarize(audio.samples[0])
    labelled = split_by_speaker(segments, diarization)
    note = diarization.note
    if not segments:
        note = "no speech found" if diarization.n_speakers == 0 else f"{note}; no words recognised"
    voices = {}
    if enrolled:
        voices = {
            _label(i): name for i, name in match_voices(diarization.centroids, enrolled).items()
        }
    return Transcript(
        utterances=build_turns(labelled),
        duration_s=round(audio.duration_s, 3),
        language=language,
        method=transcriber.label,
        speakers_note=note,
        voice_matches=tuple(sorted(voices.items())),
    )
