"""Who spoke when in a mono recording: VAD, voice embeddings, clustering. CPU only, offline.

Speech regions come from the Silero VAD bundled with faster-whisper. Each region is cut into
overlapping 1.5 s windows, embedded with resemblyzer's voice encoder (its weights ship in the
package), and the windows are grouped by average-linkage clustering on cosine distance with a
calibrated threshold, so the number of speakers (1 to 6) is found rather than given.

Limits: one label per moment, so overlapped speech goes to the dominant voice; a speaker who
talks for under ~2 s in the whole call is folded into the nearest voice.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callinsight.config import Settings
from callinsight.ingest.audio import SAMPLE_RATE
from callinsight.manifest import verify_model
from callinsight.registry import DIARIZERS

# Calibrated on the AMI ES2004 excerpt (bench/speakers.py): 0.30 splits voices, 0.40 merges them.
DISTANCE_THRESHOLD = 0.35
WINDOW_S = 1.5
HOP_S = 0.5
MAX_SPEAKERS = 6
MIN_SPEAKER_S = 1.0
MIN_SPEECH_S = 0.5  # less than this in a whole recording is noise, not speech
_GRID_S = 0.1
_FRAMES_PER_S = 100  # resemblyzer's mel frames are 10 ms apart
_TARGET_DBFS = -30.0


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    start: float
    end: float
    speaker: int  # 0-based, in order of first appearance


@dataclass(frozen=True, slots=True)
class Diarization:
    turns: tuple[SpeakerTurn, ...]
    n_speakers: int
    speech_s: float
    centroids: np.ndarray  # (n_speakers, 256), L2-normed voice of each speaker
    note: str = ""  # "no speech found", "one speaker", ...

    def speaker_at(self, t: float) -> int | None:
        """The speaker talking at ``t``, or the nearest turn's speaker in a pause."""
        if not self.turns:
            return None
        best, best_gap = None, float("inf")
        for turn in self.turns:
            if turn.start <= t <= turn.end:
                return turn.speaker
            gap = min(abs(turn.start - t), abs(turn.end - t))
            if gap < best_gap:
                best, best_gap = turn.speaker, gap
        return best


_encoder = None
_encoder_lock = threading.Lock()


def voice_encoder():
    """resemblyzer's VoiceEncoder, loaded once per process."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            with warnings.catch_warnings():
                # resemblyzer's webrtcvad imports pkg_resources, which warns on import.
                warnings.simplefilter("ignore", UserWarning)
                import resemblyzer
                from resemblyzer import VoiceEncoder

            verify_model("resemblyzer", Path(resemblyzer.__file__).parent)
            _encoder = VoiceEncoder("cpu", verbose=False)
        return _encoder


def _normalise(samples: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    if rms <= 1e-6:
        return samples
    gain = 10 ** (_TARGET_DBFS / 20) / rms
    return np.clip(samples * gain, -1.0, 1.0).astype(np.float32)


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    stamps = get_speech_timestamps(
        samples, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100)
    )
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def embed_windows(
    samples: np.ndarray, regions: list[tuple[float, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings (n, 256), window centres in seconds) over the speech regions."""
    import torch

    voice_encoder()  # imports resemblyzer quietly
    from resemblyzer.audio import wav_to_mel_spectrogram

    mel = wav_to_mel_spectrogram(_normalise(samples))
    width, hop = int(WINDOW_S * _FRAMES_PER_S), int(HOP_S * _FRAMES_PER_S)
    windows, centres = [], []
    for start, end in regions:
        a, b = int(start * _FRAMES_PER_S), min(int(end * _FRAMES_PER_S), len(mel))
        if b - a >= width:
            starts = list(range(a, b - width + 1, hop))
            mids = [(s + width / 2) / _FRAMES_PER_S for s in starts]
        else:  # a short region: one window around it, standing for the region's middle
            starts = [max(0, (a + b - width) // 2)]
            mids = [(a + b) / 2 / _FRAMES_PER_S]
        for s, mid in zip(starts, mids, strict=True):
            window = mel[s : s + width]
            if len(window) < width:
                window = np.pad(window, ((0, width - len(window)), (0, 0)))
            windows.append(window)
            centres.append(mid)
    encoder = voice_encoder()
    out = []
    with torch.no_grad():
        for i in range(0, len(windows), 128):
            batch = torch.from_numpy(np.asarray(windows[i : i + 128], dtype=np.float32))
            out.append(encoder(batch).cpu().numpy())
    return np.concatenate(out), np.asarray(centres)


def cluster_voices(embeddings: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> np.ndarray:
    """Labels 0..k-1 (k <= MAX_SPEAKERS) by average-linkage clustering on cosine distance."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(embeddings) == 1:
        return np.zeros(1, dtype=int)
    tree = linkage(embeddings, method="average", metric="cosine")
    labels = fcluster(tree, t=threshold, criterion="distance")
    if labels.max() > MAX_SPEAKERS:
        labels = fcluster(tree, t=MAX_SPEAKERS, criterion="maxclust")
    return labels - 1


def _fold_small(labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Speakers with under MIN_SPEAKER_S of windows join the nearest larger voice."""
    min_windows = max(1, int(np.ceil(MIN_SPEAKER_S / HOP_S)))
    counts = np.bincount(labels)
    big = [k for k in range(len(counts)) if counts[k] >= min_windows]
    if not big:
        return np.zeros_like(labels)
    cents = np.stack([embeddings[labels == k].mean(axis=0) for k in big])
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    out = labels.copy()
    for i, lab in enumerate(labels):
        if lab not in big:
            out[i] = big[int(np.argmax(cents @ embeddings[i]))]
    return out


def _relabel_by_appearance(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for lab in labels:
        order.setdefault(int(lab), len(order))
    return np.array([order[int(lab)] for lab in labels])


def _no_speech(speech_s: float) -> Diarization:
    return Diarization((), 0, round(speech_s, 3), np.zeros((0, 256), np.float32), "no speech found")


class VoiceDiarizer:
    """Diarization of one mono channel; ``diarize`` returns speaker turns and voice centroids."""

    def __init__(self, threshold: float = DISTANCE_THRESHOLD) -> None:
        self.threshold = threshold

    def diarize(self, samples: np.ndarray) -> Diarization:
        regions = speech_regions(samples)
        speech_s = sum(e - s for s, e in regions)
        if speech_s < MIN_SPEECH_S:
            return _no_speech(speech_s)
        embeddings, centres = embed_windows(samples, regions)
        labels = _relabel_by_appearance(
            _fold_small(cluster_voices(embeddings, self.threshold), embeddings)
        )
        n = int(labels.max()) + 1
        centroids = np.stack([embeddings[labels == k].mean(axis=0) for k in range(n)])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)

        turns: list[SpeakerTurn] = []
        for start, end in regions:
            grid = np.arange(start, end, _GRID_S)
            nearest = labels[
                np.abs(centres[None, :] - (grid[:, None] + _GRID_S / 2)).argmin(axis=1)
            ]
            run_start = start
            for i in range(1, len(grid) + 1):
                if i == len(grid) or nearest[i] != nearest[i - 1]:
                    run_end = end if i == len(grid) else float(grid[i])
                    speaker = int(nearest[i - 1])
                    if turns and turns[-1].speaker == speaker and run_start - turns[-1].end < 0.05:
                        turns[-1] = SpeakerTurn(turns[-1].start, round(run_end, 3), speaker)
                    else:
                        turns.append(SpeakerTurn(round(run_start, 3), round(run_end, 3), speaker))
                    run_start = run_end
        note = "one speaker" if n == 1 else f"{n} speakers"
        return Diarization(tuple(turns), n, round(speech_s, 3), centroids.astype(np.float32), note)


class SingleSpeaker:
    """No separation: all speech is one speaker (``diarizer = "none"``)."""

    def diarize(self, samples: np.ndarray) -> Diarization:
        regions = speech_regions(samples)
        speech_s = sum(e - s for s, e in regions)
        if speech_s < MIN_SPEECH_S:
            return _no_speech(speech_s)
        turns = tuple(SpeakerTurn(round(s, 3), round(e, 3), 0) for s, e in regions)
        return Diarization(
            turns, 1, round(speech_s, 3), np.zeros((1, 256), np.float32), "not separated"
        )


@DIARIZERS.register("resemblyzer")
def _resemblyzer(settings: Settings) -> VoiceDiarizer:
    return VoiceDiarizer(settings.diarization_threshold)


@DIARIZERS.register("none")
def _single(settings: Settings) -> SingleSpeaker:
    return SingleSpeaker()


def get_diarizer(settings: Settings) -> VoiceDiarizer | SingleSpeaker:
    return DIARIZERS.create(settings.diarizer, settings)
