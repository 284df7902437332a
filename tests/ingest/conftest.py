"""Recordings in every container users upload, encoded from real speech with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from callinsight.ingest import decode
from tests.conftest import SPEECH

# container format name, codec, file extension, sample rate
FORMATS = {
    "wav": ("wav", "pcm_s16le", ".wav", 16000),
    "flac": ("flac", "flac", ".flac", 16000),
    "mp3": ("mp3", "libmp3lame", ".mp3", 44100),
    "m4a": ("ipod", "aac", ".m4a", 44100),
    "mp4": ("mp4", "aac", ".mp4", 44100),
    "opus": ("ogg", "libopus", ".ogg", 48000),
    "webm": ("webm", "libopus", ".webm", 48000),
}


def encode(samples: np.ndarray, path: Path, container: str, codec: str, rate: int) -> Path:
    """Write (channels, n) float32 16 kHz samples to ``path`` through PyAV."""
    layout = "stereo" if samples.shape[0] == 2 else "mono"
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(pcm.T.reshape(1, -1).copy(), format="s16", layout=layout)
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def jfk_samples() -> np.ndarray:
    return decode(SPEECH / "jfk.flac").samples


@pytest.fixture(scope="session")
def stereo_samples() -> np.ndarray:
    return decode(SPEECH / "stereo_diarization.wav").samples


@pytest.fixture(scope="session")
def encoded(tmp_path_factory, stereo_samples) -> dict[str, Path]:
    """The two-speaker stereo recording in every format, each under a misleading name."""
    folder = tmp_path_factory.mktemp("formats")
    return {
        name: encode(stereo_samples, folder / f"call-{name}.bin", container, codec, rate)
        for name, (container, codec, _ext, rate) in FORMATS.items()
    }
