"""Transcription speed and memory: raw faster-whisper against callinsight's full ingest path.

Both run on the same recordings with the same model and options (greedy, VAD, word
timestamps, each channel of a two-channel call on its own), each in its own process so that
each peak memory is its own. The model load is timed apart from the transcription.

    .venv/bin/python bench/transcribe.py                      # the demo recordings, tiny.en
    .venv/bin/python bench/transcribe.py --model base FILE...  # any recordings, another model

Targets (2 cores, tiny.en int8): >= 15x real time, ingest overhead <= 15 %, peak < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = sorted((ROOT / "corpora" / "demo" / "recordings").glob("*.ogg"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run_raw(files: list[Path], model: str) -> dict:
    """What a user of faster-whisper alone would write."""
    from faster_whisper import WhisperModel, decode_audio

    from callinsight.transcribe import resolve_model

    t0 = time.perf_counter()
    _label, folder = resolve_model(model)
    whisper = WhisperModel(str(folder), device="cpu", compute_type="int8")
    load_s = time.perf_counter() - t0
    audio_s = 0.0
    t0 = time.perf_counter()
    for f in files:
        info = None
        try:
            channels = decode_audio(str(f), split_stereo=True)
        except ValueError:  # mono input
            channels = (decode_audio(str(f)),)
        for samples in channels:
            segments, info = whisper.transcribe(
                samples,
                language="en" if model.endswith(".en") else None,
                beam_size=1,
                vad_filter=True,
                word_timestamps=True,
                condition_on_previous_text=False,
            )
            for _ in segments:
                pass
        audio_s += info.duration
    return {
        "audio_s": audio_s,
        "wall_s": time.perf_counter() - t0,
        "load_s": load_s,
        "peak_mb": _peak_mb(),
    }


def run_ingest(files: list[Path], model: str) -> dict:
    """callinsight's whole path: sniff, decode, transcribe, speakers, turns, store."""
    from callinsight import Ingestor, Store, load_settings

    with tempfile.TemporaryDirectory() as ws:
        settings = load_settings(workspace=Path(ws), model=model)
        store = Store.from_settings(settings)
        ingestor = Ingestor(settings, store)
        t0 = time.perf_counter()
        _ = ingestor.transcriber  # load the model outside the timed part, as above
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = ingestor.ingest(files)
        wall_s = time.perf_counter() - t0
        failed = [o.message for o in report.failures]
        if failed:
            raise SystemExit("ingest failed: " + "; ".join(failed))
        audio_s = sum(o.audio_s for o in report.outcomes)
    return {"audio_s": audio_s, "wall_s": wall_s, "load_s": load_s, "peak_mb": _peak_mb()}


def _child(mode: str, files: list[Path], model: str) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--model", model, *map(str, files)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--child", choices=["raw", "ingest"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = (run_raw if args.child == "raw" else run_ingest)(args.files, args.model)
        print(json.dumps(result))
        return
    if not args.files:
        raise SystemExit("no recordings given and none in corpora/demo/recordings")

    raw = _child("raw", args.files, args.model)
    ingest = _child("ingest", args.files, args.model)
    overhead = ingest["wall_s"] / raw["wall_s"] - 1
    machine = platform.processor() or platform.machine()
    print(
        f"## bench/transcribe.py: {len(args.files)} recordings, {raw['audio_s']:.0f} s of audio, "
        f"model {args.model} int8, {os.cpu_count()} cores, {machine}"
    )
    print()
    print("| path | audio s | wall s | x real time | model load s | peak memory MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in (("raw faster-whisper", raw), ("callinsight ingest", ingest)):
        print(
            f"| {name} | {r['audio_s']:.1f} | {r['wall_s']:.1f} | {r['audio_s'] / r['wall_s']:.1f} "
            f"| {r['load_s']:.2f} | {r['peak_mb']:.0f} |"
        )
    print()
    speed = ingest["audio_s"] / ingest["wall_s"]
    print("| target | ours | met |")
    print("|---|---:|---|")
    peak = ingest["peak_mb"]
    rows = (
        ("ingest >= 15x real time", f"{speed:.1f}x", speed >= 15),
        ("ingest overhead <= 15 % over raw", f"{overhead:+.1%}", overhead <= 0.15),
        ("peak memory < 1 GB", f"{peak:.0f} MB", peak < 1024),
    )
    for target, ours, met in rows:
        print(f"| {target} | {ours} | {'yes' if met else 'NO'} |")


if __name__ == "__main__":
    main()
