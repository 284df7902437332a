"""Voice enrolment: a rep records a short sample once; later mono calls recognise the voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callinsight.errors import E, IngestError
from callinsight.ingest import decode
from callinsight.speakers.diarize import embed_windows, speech_regions

# Below this much speech a voice print is too noisy to trust.
MIN_SPEECH_S = 5.0


@dataclass(frozen=True, slots=True)
class EnrolledVoice:
    embedding: np.ndarray  # (256,), L2-normed
    speech_s: float


def enrol_voice(sample: Path) -> EnrolledVoice:
    """The mean voice embedding of the speech in ``sample`` (all channels mixed).

    Raises IngestError when the file cannot be read or holds under MIN_SPEECH_S of speech.
    """
    audio = decode(sample)
    samples = audio.samples.mean(axis=0)
    regions = speech_regions(samples)
    speech_s = sum(e - s for s, e in regions)
    if speech_s < MIN_SPEECH_S:
        raise IngestError(
            E.E131, path=sample, seconds=f"{speech_s:.1f}", needed=f"{MIN_SPEECH_S:.0f}"
        )
    embeddings, _ = embed_windows(samples, regions)
    voice = embeddings.mean(axis=0)
    return EnrolledVoice(voice / np.linalg.norm(voice), round(speech_s, 2))
