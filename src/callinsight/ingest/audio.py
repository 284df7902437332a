"""Decoding recordings with PyAV (as faster-whisper does) into 16 kHz float32 channels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from callinsight.errors import E, IngestError

SAMPLE_RATE = 16_000

# Channels this close to each other are one signal recorded twice (dual mono), which many
# recorders write; transcribing it as two speakers would duplicate every word.
_DUAL_MONO_RATIO = 0.02


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """``samples`` has shape (channels, n) at 16 kHz; ``channels`` is 1 or 2."""

    samples: np.ndarray
    source_channels: int
    codec: str
    dual_mono: bool = False

    @property
    def channels(self) -> int:
        return self.samples.shape[0]

    @property
    def duration_s(self) -> float:
        return self.samples.shape[1] / SAMPLE_RATE


def decode(path: Path) -> DecodedAudio:
    """Decode the first audio stream of ``path``.

    Two-channel audio keeps both channels (a two-channel call recording); more channels are
    mixed down to mono. Raises IngestError [E103] when undecodable, [E104] when empty.
    """
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise IngestError(E.E103, path=path, reason="the file has no audio stream")
            stream = container.streams.audio[0]
            codec = stream.codec_context.name
            source_channels = stream.codec_context.channels or 1
            layout = "stereo" if source_channels == 2 else "mono"
            resampler = av.AudioResampler(format="s16", layout=layout, rate=SAMPLE_RATE)
            chunks: list[np.ndarray] = []
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray())
            for out in resampler.resample(None):  # flush the resampler's tail
                chunks.append(out.to_ndarray())
    except IngestError:
        raise
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise IngestError(E.E103, path=path, reason=_reason(exc)) from exc

    if not chunks:
        raise IngestError(E.E104, path=path)
    # Packed s16 frames come as (1, n * channels), interleaved.
    interleaved = np.concatenate([c.reshape(-1) for c in chunks])
    n_channels = 2 if layout == "stereo" else 1
    samples = interleaved.reshape(-1, n_channels).T.astype(np.float32) / 32768.0
    if samples.shape[1] == 0:
        raise IngestError(E.E104, path=path)

    dual_mono = False
    if n_channels == 2 and _is_dual_mono(samples):
        samples = samples.mean(axis=0, keepdims=True)
        dual_mono = True
    return DecodedAudio(
        samples=np.ascontiguousarray(samples),
        source_channels=source_channels,
        codec=codec,
        dual_mono=dual_mono,
    )


def _is_dual_mono(samples: np.ndarray) -> bool:
    left, right = samples[0], samples[1]
    energy = float(np.sqrt(np.mean(left**2) + np.mean(right**2)))
    if energy == 0.0:
        return True
    return float(np.sqrt(np.mean((left - right) ** 2))) / energy < _DUAL_MONO_RATIO


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    # FFmpeg errors repeat the path; the message names the file already.
    return text.split(": '")[0]
