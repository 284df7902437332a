"""Decoding every container users upload, sniffed from content, and refusing bad audio clearly."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from callinsight.errors import IngestError
from callinsight.ingest import decode, sniff
from tests.conftest import SPEECH
from tests.ingest.conftest import FORMATS, encode

EXPECTED_SNIFF = {"opus": "opus", "webm": "webm", "m4a": "m4a", "mp4": "mp4"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_sniffed_from_content_and_decoded(encoded, stereo_samples, name):
    path = encoded[name]  # named *.bin: the extension says nothing
    kind = sniff(path)
    assert kind.kind == "audio"
    assert kind.format == EXPECTED_SNIFF.get(name, name)
    audio = decode(path)
    assert audio.channels == 2
    assert audio.duration_s == pytest.approx(5.0, abs=0.1)
    # Each channel keeps its own speaker: loudness over time follows the source channel
    # (compared in 50 ms windows, so codec delay and lossy detail do not matter).
    for ch in (0, 1):
        got = _envelope(audio.samples[ch])
        want, other = _envelope(stereo_samples[ch]), _envelope(stereo_samples[1 - ch])
        n = min(len(got), len(want))
        corr = np.corrcoef(got[:n], want[:n])[0, 1]
        swapped = np.corrcoef(got[:n], other[:n])[0, 1]
        assert corr > 0.8, f"{name} channel {ch} does not match the source (corr {corr:.2f})"
        assert swapped < corr - 0.3, f"{name} channel {ch} looks like the other channel"


def _envelope(x: np.ndarray, window: int = 800) -> np.ndarray:
    n = len(x) // window
    return np.sqrt((x[: n * window].reshape(n, window) ** 2).mean(axis=1))


def test_a_wav_named_mp3_is_still_read_as_wav(tmp_path, stereo_samples):
    path = encode(stereo_samples, tmp_path / "really-a-wav.mp3", "wav", "pcm_s16le", 16000)
    assert sniff(path).format == "wav"
    assert decode(path).channels == 2


def test_dual_mono_is_one_channel():
    # jfk.flac stores the same speech on both channels; two speakers would duplicate every word.
    audio = decode(SPEECH / "jfk.flac")
    assert audio.source_channels == 2
    assert audio.dual_mono
    assert audio.channels == 1
    assert audio.duration_s == pytest.approx(11.0, abs=0.05)


def test_real_two_channel_call_keeps_both_channels():
    audio = decode(SPEECH / "stereo_diarization.wav")
    assert not audio.dual_mono
    assert audio.channels == 2


def test_empty_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(IngestError) as info:
        sniff(path)
    assert info.value.code == "E105"
    assert "empty.wav" in info.value.message


def test_truncated_audio_header_is_an_audio_error(tmp_path):
    path = tmp_path / "cut.flac"
    path.write_bytes((SPEECH / "jfk.flac").read_bytes()[:40])
    assert sniff(path).kind == "audio"
    with pytest.raises(IngestError) as info:
        decode(path)
    assert info.value.code in {"E103", "E104"}
    assert "cut.flac" in info.value.message


def test_random_bytes_are_not_audio(tmp_path):
    path = tmp_path / "noise.m4a"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with pytest.raises(IngestError) as info:
        decode(path) if sniff(path).kind == "audio" else None
    assert info.value.code in {"E102", "E103"}
    assert "noise.m4a" in info.value.message


def test_wav_header_without_samples_is_empty_audio(tmp_path):
    path = tmp_path / "zero.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"")
    with pytest.raises(IngestError) as info:
        decode(path)
    assert info.value.code in {"E103", "E104"}
