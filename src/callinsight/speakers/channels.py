"""Speakers of a recording from its channels.

A two-channel call recording (as call recorders and dialers store calls) holds one party per
channel: each channel is transcribed on its own and its speaker's role comes from the
configured channel map. A mono recording is one stream of speech; until voice clustering
separates it, it is one speaker of unknown role.
"""

from __future__ import annotations

from callinsight.config import ChannelRoles
from callinsight.ingest.audio import DecodedAudio
from callinsight.records import Transcript
from callinsight.speakers.turns import LabelledSegment, build_turns
from callinsight.transcribe import AudioProgress, Transcriber

CHANNEL_NAMES = ("left", "right")


def channel_speaker(channel: int, role: str, rep_name: str | None) -> str:
    """The rep's channel carries the rep's CRM name when known; otherwise a channel label."""
    if role == "rep" and rep_name:
        return rep_name
    return f"Speaker {CHANNEL_NAMES[channel][0].upper()}"


def transcribe_recording(
    audio: DecodedAudio,
    transcriber: Transcriber,
    channel_roles: ChannelRoles,
    rep_name: str | None = None,
    on_progress: AudioProgress | None = None,
) -> Transcript:
    """Transcribe every channel and interleave the speakers by time into turns.

    ``on_progress(fraction)`` reports 0..1 over all channels.
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
    else:
        segments, language = transcriber.transcribe(audio.samples[0], channel_progress(0))
        labelled = [LabelledSegment(s, "Speaker 1", "unknown", "none", None) for s in segments]
    # One speaker label on mono speech says nothing about turns, so keep Whisper's segments
    # apart there rather than fusing a whole meeting into one utterance.
    return Transcript(
        utterances=build_turns(labelled, max_gap_s=1.5 if audio.channels == 2 else -1.0),
        duration_s=round(audio.duration_s, 3),
        language=language,
        method=transcriber.label,
    )
